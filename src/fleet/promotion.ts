import type { Target } from '../config/targets.js';
import type { Operation } from '../model/operations.js';
import { EXIT_CODES } from '../pipeline/failure.js';
import type { Plan, PlanStep } from '../plan/types.js';
import { stepId } from '../plan/order.js';
import { groupChanges, KIND_LABEL, signOf } from '../report/plan-changes.js';
import { planTarget, policiesOf } from './run.js';

/**
 * Promotion: the plan for one target (production) checked against another (staging). The same
 * policy is planned against both; a step of the target's plan that the other's plan does not
 * need is already live there. What remains is what production would get that staging has not
 * had, for a reviewer to see before approving.
 */

export interface PromotionSource {
  readonly name: string;
  readonly address: string;
  readonly milvusVersion: string;
}

export interface Promotion {
  readonly source: PromotionSource;
  readonly steps: number;
  /** Steps of the target's plan whose effect is already live on the source. */
  readonly live: number;
  /** The target's steps (or the part of a step) the source does not have yet. */
  readonly missing: readonly PlanStep[];
}

/**
 * The units a step is compared by. A group's privileges count one by one, so "add A, B to g"
 * against a source that still lacks only B leaves B. Grants compare without their form (v1/v2),
 * which differs between versions for the same effect.
 */
function unitsOf(op: Operation): string[] {
  if (op.kind === 'addPrivilegesToGroup' || op.kind === 'removePrivilegesFromGroup') return op.privileges.map((p) => `${op.kind}:${op.group}:${p}`);
  if (op.kind === 'setRoleDescription' || op.kind === 'setUserDescription') return [`${stepId(op)}:${op.description}`];
  return [stepId(op)];
}

/** The target's steps split by whether the source's plan, from the same policy, still needs them. */
export function comparePlans(target: Plan, source: Plan): { live: number; missing: PlanStep[] } {
  const needed = new Set(source.steps.flatMap((s) => unitsOf(s.operation)));
  let live = 0;
  const missing: PlanStep[] = [];
  for (const step of target.steps) {
    const op = step.operation;
    if (op.kind === 'addPrivilegesToGroup' || op.kind === 'removePrivilegesFromGroup') {
      const privileges = op.privileges.filter((p) => needed.has(`${op.kind}:${op.group}:${p}`));
      if (privileges.length === 0) live += 1;
      else missing.push({ ...step, operation: { ...op, privileges } });
      continue;
    }
    if (unitsOf(op).some((u) => needed.has(u))) missing.push(step);
    else live += 1;
  }
  return { live, missing };
}

function heading(p: Promotion): string {
  const where = `${p.source.name} (${p.source.address}, Milvus ${p.source.milvusVersion})`;
  if (p.steps === 0) return `Promotion check against ${where}: nothing to promote.`;
  if (p.missing.length === 0) return `Promotion check against ${where}: all ${p.steps} step${p.steps === 1 ? ' is' : 's are'} already live there.`;
  return `Promotion check against ${where}: ${p.live} of ${p.steps} steps are already live there; not yet on ${p.source.name}:`;
}

function missingLines(p: Promotion, indent: string): string[] {
  return groupChanges(p.missing).flatMap((change) => [
    `${indent}${signOf(change.action)} ${KIND_LABEL[change.kind]} "${change.name}"`,
    ...change.lines.map((line) => `${indent}    ${line.sign} ${line.text}`),
  ]);
}

export function renderPromotionText(p: Promotion): string {
  return `\n${[heading(p), ...missingLines(p, '  ')].join('\n')}\n`;
}

export function renderPromotionMarkdown(p: Promotion): string {
  const lines = missingLines(p, '');
  return `\n#### ${heading(p)}\n${lines.length > 0 ? `\n\`\`\`diff\n${lines.join('\n')}\n\`\`\`\n` : ''}`;
}

export function promotionJson(p: Promotion): Record<string, unknown> {
  return { from: p.source, steps: p.steps, live: p.live, missing: p.missing.map((s) => ({ id: s.id, operation: s.operation })) };
}

export interface RunPromotionOptions {
  /** Where the plan is for (production). */
  readonly target: Target;
  /** What it is checked against (staging). */
  readonly source: Target;
  readonly format?: 'text' | 'json' | 'markdown';
  /** Policy files instead of the target's own. */
  readonly files?: readonly string[];
  readonly detailedExitcode?: boolean;
  /** Exit 5 (refused) when the target would get anything the source does not have. */
  readonly requirePromoted?: boolean;
  readonly env?: NodeJS.ProcessEnv;
  readonly debug?: boolean;
}

/** `rbac plan --target prod --compare-with staging`. */
export async function runPromotion(options: RunPromotionOptions): Promise<{ exitCode: number; output: string; errors: string }> {
  const format = options.format ?? 'text';
  const files = policiesOf(options.target, options.files);
  // The source is planned from the target's policy: the question is whether it already has what the target will get.
  const [planned, against] = await Promise.all([planTarget(options.target, files, options, format), planTarget(options.source, files, options, 'text')]);
  if (!planned.plan) return planned;
  const plainExit = planned.exitCode === 2 && !options.detailedExitcode ? 0 : planned.exitCode;
  if (!against.plan) {
    const why = `cannot check the plan against ${options.source.name}: ${against.errors.trim() || 'its plan failed'}\n`;
    return { exitCode: against.exitCode, output: planned.output, errors: `${planned.errors}Error: ${why}` };
  }
  const { live, missing } = comparePlans(planned.plan, against.plan);
  const promotion: Promotion = {
    source: { name: options.source.name, address: against.plan.target.address, milvusVersion: against.plan.target.milvusVersion },
    steps: planned.plan.steps.length,
    live,
    missing,
  };
  const refused = options.requirePromoted === true && missing.length > 0;
  const exitCode = refused ? EXIT_CODES.refused : plainExit;
  const errors = `${planned.errors}${refused ? `Error: ${missing.length} step${missing.length === 1 ? '' : 's'} of this plan ${missing.length === 1 ? 'is' : 'are'} not live on ${options.source.name} yet (--require-promoted)\n` : ''}`;
  if (format === 'json') {
    const body = JSON.parse(planned.output) as Record<string, unknown>;
    return { exitCode, errors, output: `${JSON.stringify({ ...body, promotion: promotionJson(promotion) }, null, 2)}\n` };
  }
  return { exitCode, errors, output: `${planned.output}${format === 'markdown' ? renderPromotionMarkdown(promotion) : renderPromotionText(promotion)}` };
}
