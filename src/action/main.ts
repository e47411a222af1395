import { appendFileSync, readFileSync, realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { commentBody, findPlanComment, reviewedPlanOf } from './comment.js';
import { createComment, listComments, pullsOfCommit, updateComment } from './github.js';
import type { GitHubContext } from './github.js';

/**
 * The GitHub Action's steps that talk to GitHub (action.yml runs them with node):
 *
 *   comment  --pr N --exit-code N [--plan-markdown FILE] [--failure FILE] [--plan-file FILE --artifact NAME]
 *            writes or updates the pull request's one plan comment
 *   reviewed --sha SHA
 *            finds the merged pull request of SHA and its plan comment, and writes run-id,
 *            artifact and digest to $GITHUB_OUTPUT for the apply step
 */

function context(env: NodeJS.ProcessEnv): GitHubContext {
  const token = env.GITHUB_TOKEN ?? '';
  const repository = env.GITHUB_REPOSITORY ?? '';
  if (!token || !repository) throw new Error('GITHUB_TOKEN and GITHUB_REPOSITORY must be set (the action passes github.token)');
  return { apiUrl: env.GITHUB_API_URL ?? 'https://api.github.com', token, repository };
}

export async function upsertPlanComment(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<string> {
  const { values } = parseArgs({
    args: [...argv],
    options: { pr: { type: 'string' }, 'exit-code': { type: 'string' }, 'plan-markdown': { type: 'string' }, failure: { type: 'string' }, 'plan-file': { type: 'string' }, artifact: { type: 'string' } },
  });
  const ctx = context(env);
  const pr = Number(values.pr);
  if (!Number.isInteger(pr) || pr <= 0) throw new Error(`--pr must be a pull request number, not ${String(values.pr)}`);
  // No exit code (the plan step never got to write one) is a failure, never a success.
  const rawCode = values['exit-code'] ?? '';
  const exitCode = /^\d+$/.test(rawCode) ? Number(rawCode) : 1;
  const succeeded = exitCode === 0 || exitCode === 2;
  const planMarkdown = values['plan-markdown'] !== undefined && succeeded ? readFileSync(values['plan-markdown'], 'utf8') : null;
  const failure = values.failure !== undefined ? readFileSync(values.failure, 'utf8') : undefined;
  let reviewed;
  if (planMarkdown !== null && values['plan-file'] !== undefined && values.artifact !== undefined) {
    // The plan file says `sha256:<hex>`; the comment keeps the hex, which --expect-digest takes as it is.
    const digest = ((JSON.parse(readFileSync(values['plan-file'], 'utf8')) as { digest?: string }).digest ?? '').replace(/^sha256:/, '');
    reviewed = { runId: env.GITHUB_RUN_ID ?? '0', artifact: values.artifact, digest };
  }
  const runUrl = `${env.GITHUB_SERVER_URL ?? 'https://github.com'}/${ctx.repository}/actions/runs/${env.GITHUB_RUN_ID ?? ''}`;
  const body = commentBody({ planMarkdown, exitCode, runUrl, ...(failure !== undefined ? { failure } : {}), ...(reviewed ? { reviewed } : {}) });
  const existing = findPlanComment(await listComments(ctx, pr));
  if (existing) {
    await updateComment(ctx, existing.id, body);
    return `updated comment ${existing.id} on #${pr}`;
  }
  const created = await createComment(ctx, pr, body);
  return `created comment ${created.id} on #${pr}`;
}

export async function findReviewedPlan(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<string> {
  const { values } = parseArgs({ args: [...argv], options: { sha: { type: 'string' } } });
  const ctx = context(env);
  const sha = values.sha ?? env.GITHUB_SHA ?? '';
  const pulls = await pullsOfCommit(ctx, sha);
  const merged = pulls.find((p) => p.merged_at);
  if (!merged) throw new Error(`commit ${sha} belongs to no merged pull request: nothing was reviewed, so nothing is applied`);
  const comment = findPlanComment(await listComments(ctx, merged.number));
  const reviewed = comment ? reviewedPlanOf(comment.body ?? '') : null;
  if (!reviewed) throw new Error(`pull request #${merged.number} has no successful plan comment: nothing was reviewed, so nothing is applied`);
  const lines = [`run-id=${reviewed.runId}`, `artifact=${reviewed.artifact}`, `digest=${reviewed.digest}`, `pr=${merged.number}`];
  if (env.GITHUB_OUTPUT) appendFileSync(env.GITHUB_OUTPUT, `${lines.join('\n')}\n`);
  return lines.join('\n');
}

async function main(): Promise<void> {
  const [command, ...rest] = process.argv.slice(2);
  try {
    const said = command === 'comment' ? await upsertPlanComment(rest, process.env) : command === 'reviewed' ? await findReviewedPlan(rest, process.env) : null;
    if (said === null) throw new Error(`unknown command ${String(command)} (comment, reviewed)`);
    process.stdout.write(`${said}\n`);
  } catch (error) {
    process.stderr.write(`Error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}

// Run as a script (by action.yml), not when a test imports the module.
if (process.argv[1] && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href) void main();
