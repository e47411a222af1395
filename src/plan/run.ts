import { connect, describeConnectionFailure } from '../milvus/connection.js';
import type { ConnectionOptions, MilvusConnection } from '../milvus/connection.js';
import { MilvusCallError } from '../milvus/errors.js';
import { readLiveState } from '../milvus/read-state.js';
import type { LiveStateRead } from '../milvus/read-state.js';
import type { DesiredState } from '../model/desired.js';
import { redact } from '../milvus/secrets.js';
import type { ObjectLimits } from '../model/names.js';
import { formatVersion } from '../model/versions.js';
import { formatDiagnostic, loadPolicy } from '../policy/index.js';
import { renderPlan } from '../report/index.js';
import type { PlanFormat } from '../report/index.js';
import { InternalPlanError, PlanError } from './errors.js';
import { makePlan } from './make.js';
import { PlanFileError, writePlanFile } from './plan-file.js';
import type { Plan } from './types.js';

/**
 * `rbac plan` as a function: connect, load the policy against the server's version, read the live
 * state, plan, render, save. The CLI turns flags into these options, prints, and exits with
 * `exitCode`; tests call it directly against the emulator.
 */

export interface RunPlanOptions {
  readonly files: readonly string[];
  readonly connection: ConnectionOptions;
  readonly format?: PlanFormat;
  /** Where to save the plan (JSON), for `rbac apply <file>`. */
  readonly out?: string;
  /** Exit 2 when there are changes (0 none, 1 error). */
  readonly detailedExitcode?: boolean;
  readonly colour?: boolean;
  /** The server's proxy.maxUserNum / proxy.maxRoleNum when raised from Milvus's defaults. */
  readonly limits?: Partial<ObjectLimits>;
  readonly now?: Date;
}

export interface RunPlanResult {
  readonly exitCode: 0 | 1 | 2;
  /** The rendered plan (stdout). */
  readonly output: string;
  /** Diagnostics and errors (stderr). */
  readonly errors: string;
  readonly plan?: Plan;
}

export function failure(errors: string): RunPlanResult {
  return { exitCode: 1, output: '', errors: errors.endsWith('\n') ? errors : `${errors}\n` };
}

export function describeError(error: unknown, address: string): string {
  if (error instanceof PlanError) return `Error: ${error.message}`;
  if (error instanceof InternalPlanError) return `Internal error: ${error.message}`;
  if (error instanceof PlanFileError) return `Error: ${error.message}`;
  if (error instanceof MilvusCallError) return `Error: ${describeConnectionFailure(error, address)}`;
  return `Error: ${redact(error instanceof Error ? error.message : String(error))}`;
}

/** What a plan was computed from, for commands that report more than the steps (drift). */
export interface PlannedAgainstLive {
  readonly plan: Plan;
  readonly desired: DesiredState;
  readonly live: LiveStateRead;
  /** Warnings from the policy loader, formatted. */
  readonly notes: string;
}

/**
 * The pipeline every command that compares a policy with Milvus shares: load the policy for the
 * server's version, read the live state, diff, order, simulate. A failure comes back as the
 * result to print (exit 1); errors from Milvus are thrown.
 */
export async function planAgainstLive(
  conn: MilvusConnection,
  options: Pick<RunPlanOptions, 'files' | 'limits' | 'now'>,
): Promise<PlannedAgainstLive | RunPlanResult> {
  const loaded = await loadPolicy([...options.files], { targetVersion: formatVersion(conn.version) });
  const notes = loaded.diagnostics.map((d) => `${formatDiagnostic(d)}\n`).join('');
  if (!loaded.ok) {
    const count = loaded.diagnostics.filter((d) => d.severity === 'error').length;
    return failure(`${notes}Error: the policy is invalid for Milvus ${conn.versionString} (${count} error${count === 1 ? '' : 's'}): nothing was planned`);
  }
  const live = await readLiveState(conn, { databases: loaded.desired.databases });
  const plan = makePlan({
    desired: loaded.desired,
    live,
    policyHash: loaded.hash,
    operator: conn.user,
    ...(options.limits ? { limits: options.limits } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
  return { plan, desired: loaded.desired, live, notes };
}

async function planWith(conn: MilvusConnection, options: RunPlanOptions): Promise<RunPlanResult> {
  const planned = await planAgainstLive(conn, options);
  if (!('desired' in planned)) return planned;
  const { plan, notes } = planned;
  if (options.out) await writePlanFile(options.out, plan);
  let output = renderPlan(plan, options.format ?? 'text', { colour: options.colour ?? false });
  if (options.out && (options.format ?? 'text') === 'text') output += `\nSaved the plan to ${options.out}: run "rbac apply ${options.out}" to apply exactly these steps.\n`;
  const changed = plan.steps.length > 0;
  return { exitCode: changed && options.detailedExitcode ? 2 : 0, output, errors: notes, plan };
}

/**
 * Connects, runs `work` and always closes the connection. A failure to connect, or an error
 * `work` throws, comes back as `fail(message)`, phrased for people and free of secrets.
 */
export async function withConnection<R>(options: ConnectionOptions, work: (conn: MilvusConnection) => Promise<R>, fail: (message: string) => R): Promise<R> {
  let conn: MilvusConnection;
  try {
    conn = await connect(options);
  } catch (error) {
    return fail(`Error: ${describeConnectionFailure(error, options.address)}`);
  }
  try {
    return await work(conn);
  } catch (error) {
    return fail(describeError(error, conn.address));
  } finally {
    await conn.close();
  }
}

export async function runPlan(options: RunPlanOptions): Promise<RunPlanResult> {
  return withConnection(options.connection, (conn) => planWith(conn, options), failure);
}
