import type { IssueComment } from './comment.js';

/**
 * The few GitHub REST calls the action makes, with the workflow's token. The base URL comes from
 * GITHUB_API_URL, so tests point it at a loopback server.
 */

export interface GitHubContext {
  readonly apiUrl: string;
  readonly token: string;
  /** owner/name */
  readonly repository: string;
}

export class GitHubError extends Error {
  override readonly name = 'GitHubError';
}

async function call<T>(ctx: GitHubContext, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${ctx.apiUrl}${path}`, {
    method,
    headers: {
      accept: 'application/vnd.github+json',
      authorization: `Bearer ${ctx.token}`,
      'x-github-api-version': '2022-11-28',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!response.ok) throw new GitHubError(`GitHub answered ${response.status} to ${method} ${path}${response.status === 403 ? ' (does the workflow grant pull-requests: write?)' : ''}`);
  return (await response.json()) as T;
}

const PAGE = 100;

export async function listComments(ctx: GitHubContext, issue: number): Promise<IssueComment[]> {
  const out: IssueComment[] = [];
  for (let page = 1; ; page++) {
    const batch = await call<IssueComment[]>(ctx, 'GET', `/repos/${ctx.repository}/issues/${issue}/comments?per_page=${PAGE}&page=${page}`);
    out.push(...batch);
    if (batch.length < PAGE) return out;
  }
}

export function createComment(ctx: GitHubContext, issue: number, body: string): Promise<IssueComment> {
  return call(ctx, 'POST', `/repos/${ctx.repository}/issues/${issue}/comments`, { body });
}

export function updateComment(ctx: GitHubContext, id: number, body: string): Promise<IssueComment> {
  return call(ctx, 'PATCH', `/repos/${ctx.repository}/issues/comments/${id}`, { body });
}

export interface PullRequest {
  readonly number: number;
  readonly merged_at?: string | null;
  readonly state?: string;
}

/** The pull requests a commit belongs to (for a merge commit: the one merged). */
export function pullsOfCommit(ctx: GitHubContext, sha: string): Promise<PullRequest[]> {
  return call(ctx, 'GET', `/repos/${ctx.repository}/commits/${sha}/pulls`);
}
