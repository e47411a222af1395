import type { MilvusConnection } from '../milvus/connection.js';
import type { ConnectionOptions } from '../milvus/connection-settings.js';
import { writePlanFile } from '../plan/plan-file.js';
import type { Plan } from '../plan/types.js';
import { renderPlan } from '../report/index.js';
import type { PlanFormat } from '../report/index.js';
import { overwritesInput } from './output-guard.js';
import { unavailablePasswordSources } from './password-sources.js';
import { failureResult } from './failure.js';
import type { Failure } from './failure.js';
import { planAgainstLive } from './plan-against-live.js';
import type { InvalidPolicy, PlanSettings } from './plan-against-live.js';
import { withConnection } from './with-connection.js';

/**
 * `rbac plan` as a function: the pipeline, then render and save. The CLI turns flags into these
 * options, prints, and exits with `exitCode`; tests call it directly against the emulator.
 */

/** The planning settings (limits, clock, where password sources are read) and the command's own. */
export interface RunPlanOptions extends PlanSettings {
  readonly files: readonly string[];
  readonly connection: ConnectionOptions;
  readonly format?: PlanFormat;
  /** Where to save the plan (JSON), for `rbac apply <file>`. */
  readonly out?: string;
  /** Exit 2 when there are changes (0 none). */
  readonly detailedExitcode?: boolean;
  readonly colour?: boolean;
}

export interface RunPlanResult {
  /** 0 no changes (or changes without --detailed-exitcode), 2 changes, else a failure's code (failure.ts). */
  readonly exitCode: number;
  /** The rendered plan (stdout). */
  readonly output: string;
  /** Diagnostics and errors (stderr). */
  readonly errors: string;
  readonly plan?: Plan;
}

/** The pipeline's answer for a policy that does not load. */
export function invalidPolicy(planned: InvalidPolicy): Failure {
  return { kind: planned.refused ? 'refused' : 'invalid-input', message: planned.message, diagnostics: planned.diagnostics };
}

export function formattedLines(lines: readonly string[]): string {
  return lines.map((line) => `${line}\n`).join('');
}

async function planWith(conn: MilvusConnection, options: RunPlanOptions): Promise<RunPlanResult> {
  const planned = await planAgainstLive(conn, options.files, {
    ...(options.limits ? { limits: options.limits } : {}),
    ...(options.now ? { now: options.now } : {}),
    ...(options.env ? { env: options.env } : {}),
  });
  if ('invalid' in planned) return failureResult(invalidPolicy(planned), options.format);
  const unreadable = unavailablePasswordSources(planned.plan.steps, options.env, planned.desired.platform);
  const plan = unreadable.length > 0 ? { ...planned.plan, warnings: [...planned.plan.warnings, ...unreadable] } : planned.plan;
  if (options.out) await writePlanFile(options.out, plan);
  let output = renderPlan(plan, options.format ?? 'text', { colour: options.colour ?? false });
  if (options.out && (options.format ?? 'text') === 'text') output += `\nSaved the plan to ${options.out}: run "rbac apply ${options.out}" to apply exactly these steps.\n`;
  const changed = plan.steps.length > 0;
  return { exitCode: changed && options.detailedExitcode ? 2 : 0, output, errors: formattedLines(planned.diagnostics), plan };
}

export async function runPlan(options: RunPlanOptions): Promise<RunPlanResult> {
  const clash = options.out ? overwritesInput(options.out, options.files, '--out') : null;
  if (clash) return failureResult({ kind: 'invalid-input', message: clash }, options.format);
  return withConnection(options.connection, (conn) => planWith(conn, options), (f) => failureResult(f, options.format), options.files);
}
