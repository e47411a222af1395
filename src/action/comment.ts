import { shortDigest } from '../plan/digest.js';

/**
 * The pull-request comment of the GitHub Action (action.yml): one per pull request, found again
 * by a hidden marker and edited in place on every push. It carries, hidden too, what the merge
 * job needs to apply exactly the reviewed plan: the workflow run that saved it as an artifact,
 * the artifact's name and the plan's digest.
 */

export const COMMENT_MARKER = '<!-- milvus-rbac:plan -->';
/** GitHub refuses a comment over 65,536 characters. */
export const GITHUB_COMMENT_LIMIT = 65_536;

export interface ReviewedPlan {
  readonly runId: string;
  readonly artifact: string;
  readonly digest: string;
}

export interface CommentInput {
  /** The plan as `rbac show --format markdown` rendered it, or null when planning failed. */
  readonly planMarkdown: string | null;
  /** What the failed command said (stderr), shown when there is no plan. */
  readonly failure?: string;
  readonly exitCode: number;
  /** Present when the plan was saved and uploaded. */
  readonly reviewed?: ReviewedPlan;
  /** The workflow run's page, for the full plan and the logs. */
  readonly runUrl: string;
}

/** Read only from the comment's last line, which the action writes: never from the plan's text above it. */
const META = /\n<!-- milvus-rbac:reviewed run=(\d+) artifact=([A-Za-z0-9._-]+) digest=([0-9a-f]{64}) -->\n?$/;

/** Text from the plan or the tool (names, descriptions, messages) cannot open an HTML comment in ours. */
function inert(text: string): string {
  return text.replace(/<!--/g, '&lt;!--');
}

function fenced(text: string, budget: number): string {
  const clean = inert(text).replace(/```/g, "'''");
  const shown = clean.length > budget ? `${clean.slice(0, budget)}\n… (cut; the run's log has all of it)` : clean;
  return `\`\`\`\n${shown.trimEnd()}\n\`\`\``;
}

/** The whole comment body, never over GitHub's limit. */
export function commentBody(input: CommentInput): string {
  const footer = [
    '',
    `<sub>Full plan and logs: [workflow run](${input.runUrl})${input.reviewed ? `, artifact \`${input.reviewed.artifact}\`. On merge, exactly this plan is applied (digest \`${shortDigest(input.reviewed.digest)}\`), and refused if Milvus changed since.` : '.'}</sub>`,
    ...(input.reviewed ? [`<!-- milvus-rbac:reviewed run=${input.reviewed.runId} artifact=${input.reviewed.artifact} digest=${input.reviewed.digest} -->`] : []),
  ].join('\n');
  const room = GITHUB_COMMENT_LIMIT - COMMENT_MARKER.length - footer.length - 200;
  let body: string;
  if (input.planMarkdown !== null) {
    // rbac show keeps the plan within the budget it is given; this only guards the limit.
    const plan = inert(input.planMarkdown);
    body = plan.length > room ? `${plan.slice(0, room)}\n\n_… cut to fit a comment._` : plan.trimEnd();
  } else {
    body = [`### rbac plan failed (exit ${input.exitCode})`, '', 'Nothing will be applied until the plan succeeds. What the tool said:', '', fenced(input.failure ?? '(no output)', room - 200)].join('\n');
  }
  return `${COMMENT_MARKER}\n${body}\n${footer}\n`;
}

/** The Markdown budget to give `rbac show`, so the comment fits with its header and footer. */
export const PLAN_MARKDOWN_BUDGET = GITHUB_COMMENT_LIMIT - 2_000;

export interface IssueComment {
  readonly id: number;
  readonly body?: string | null;
  readonly user?: { readonly login?: string; readonly type?: string } | null;
}

/** The action's own comment: the first with the marker written by a bot (never a person's quote of it). */
export function findPlanComment(comments: readonly IssueComment[]): IssueComment | undefined {
  return comments.find((c) => (c.body ?? '').startsWith(COMMENT_MARKER) && c.user?.type === 'Bot');
}

/** What the merge job applies: read back from the comment. */
export function reviewedPlanOf(body: string): ReviewedPlan | null {
  const m = META.exec(body);
  return m ? { runId: m[1] as string, artifact: m[2] as string, digest: m[3] as string } : null;
}
