import { accessRulesOn, isZilliz, zillizPasswordProblem } from '../model/platform.js';
import type { Platform } from '../model/platform.js';
import { checkStorablePassword, DEFAULT_OBJECT_LIMITS, ROOT_USER } from '../model/names.js';
import { connect, describeConnectionFailure } from '../milvus/connection.js';
import type { MilvusConnection } from '../milvus/connection.js';
import type { ConnectionOptions } from '../milvus/connection-settings.js';
import { executeOperation } from '../milvus/execute.js';
import { envSecretResolver, SecretError } from '../milvus/secrets.js';
import type { SecretResolver } from '../milvus/secrets.js';
import type { LiveStateRead } from '../milvus/read-state.js';
import type { ObjectLimits } from '../model/names.js';
import { planAgainstLive } from '../pipeline/plan-against-live.js';
import type { PlanSettings, Wanted } from '../pipeline/plan-against-live.js';
import { savedPlanAgainstLive } from '../pipeline/saved-plan.js';
import { operatorImpactJudge } from '../plan/operator-impact.js';
import { digestMatches, planFileProblems, shortDigest } from '../plan/digest.js';
import { massDrop } from '../plan/warnings.js';
import type { Plan, PlanStep } from '../plan/types.js';
import { renderPlan } from '../report/index.js';
import { executePlan } from './executor.js';
import type { RetryPolicy } from './executor.js';
import { checkNoDestroy, checkPasswordSources, checkProtected, checkSavedPlan } from './guards.js';
import type { Refusal } from './guards.js';
import { protectOperator } from './lockout.js';
import { lockFailureMessage, takeApplyLock } from './lock.js';
import { readLiveState } from '../milvus/read-state.js';
import { fingerprintState } from '../plan/fingerprint.js';
import { progressReporter } from './progress.js';
import type { ProgressMode } from './progress.js';
import { Output, printExecutionReport } from './report.js';
import { APPLY_FORMAT_VERSION, applyExitCode, emptyResult, stepErrorOf, stepSummary } from './result.js';
import { failureOf, failureText } from '../pipeline/failure.js';
import type { Failure } from '../pipeline/failure.js';
import { offlinePolicyFailure } from '../pipeline/with-connection.js';
import type { ApplyResult, RunApplyResult } from './result.js';
import { verifyApply } from './verify.js';

export type { ApplyResult, ApplyStatus, RunApplyResult, StepSummary } from './result.js';

/**
 * `rbac apply` as a function: everything the command does, without a process. A policy is
 * planned by the same pipeline as `rbac plan`; a saved plan is checked against the live state it
 * was made from. Then guards, lock-out protection, confirmation, the executor, verification.
 */

/** Chosen by measurement: see docs/apply.md (parallelism). */
export const DEFAULT_PARALLELISM = 64;
export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 200, maxDelayMs: 3_000 };

/**
 * A policy, a saved plan, or both: a saved plan with its policy is applied only if planning the
 * policy against the live state now gives the same plan (the same digest).
 */
export type ApplySource =
  | { readonly policyFiles: readonly string[] }
  | { readonly planFile: string; readonly policyFiles?: readonly string[] };

export interface RunApplyOptions {
  readonly connection: ConnectionOptions;
  readonly source: ApplySource;
  /** The server's proxy.maxUserNum / proxy.maxRoleNum when raised from Milvus's defaults. */
  readonly limits?: Partial<ObjectLimits>;
  /** Colour in the plan shown before applying. */
  readonly colour?: boolean;
  readonly autoApprove?: boolean;
  /** stdin and stdout are a terminal: a confirmation may be asked. */
  readonly interactive?: boolean;
  readonly confirm?: (question: string) => Promise<boolean>;
  readonly parallelism?: number;
  readonly retry?: RetryPolicy;
  readonly noDestroy?: boolean;
  /** Apply a plan that drops most of the users, roles or bindings that exist (see plan/warnings.ts). */
  readonly allowMassDrop?: boolean;
  /** The digest (at least its first 12 hex digits) of the plan that was reviewed: any other is refused. */
  readonly expectDigest?: string;
  readonly allowSelfLockout?: boolean;
  /** Run without the server-side apply lock (apply/lock.ts). */
  readonly noLock?: boolean;
  /** How long to wait for the lock another apply holds; default 0 (refuse at once). */
  readonly lockTimeoutMs?: number;
  /** Remove a lock left by an apply that crashed before taking this one. */
  readonly breakLock?: boolean;
  readonly format?: 'text' | 'json';
  readonly progress?: ProgressMode;
  /** Where the plan, progress and summary go as they happen (stdout in the CLI). */
  readonly write?: (text: string) => void;
  /** Where `Error:` and `Refused:` lines go in text mode (the CLI: stderr, as every command's errors). */
  readonly writeError?: (text: string) => void;
  /** Where passwords named by the policy are read; default process.env. */
  readonly env?: NodeJS.ProcessEnv;
  /** Injected in tests so back-off takes no wall time. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Aborted on Ctrl-C: the calls in flight finish, nothing else starts, and the report says what was done. */
  readonly signal?: AbortSignal;
}

/**
 * Passwords are resolved and checked against Milvus's rules before anything runs: a missing
 * variable or a password Milvus would refuse is reported, and nothing changes.
 */
function passwordRefusals(steps: readonly PlanStep[], secrets: SecretResolver, platform: Platform | undefined): Refusal[] {
  return checkPasswordSources(steps, (op) => {
    try {
      const password = secrets.resolvePassword(op.password);
      const problem = checkStorablePassword(password) ?? (isZilliz(platform) ? zillizPasswordProblem(password) : null);
      // Milvus checks the current password before it changes one: read it before the first step too.
      if (!problem && op.kind === 'updatePassword' && op.oldPassword) secrets.resolvePassword(op.oldPassword);
      return problem;
    } catch (error) {
      if (error instanceof SecretError) return error.message;
      throw error;
    }
  });
}

/**
 * The lock user counts against proxy.maxUserNum while the apply runs: a plan that fills the last
 * free places would fail at its last CreateCredential. Said before anything is written.
 */
function lockWouldHitUserLimit(prepared: Prepared, options: RunApplyOptions): string | null {
  const created = prepared.plan.steps.filter((s) => s.operation.kind === 'createUser').length;
  if (created === 0) return null;
  const limit = options.limits?.maxUsers ?? prepared.wanted?.desired.limits?.maxUsers ?? DEFAULT_OBJECT_LIMITS.maxUsers;
  const existing = new Set([...prepared.live.state.users.map((u) => u.name), ROOT_USER]).size;
  if (existing + created + 1 <= limit) return null;
  return `the plan creates ${created} user${created === 1 ? '' : 's'} while ${existing} exist, and the apply lock is a user too while the apply runs: ${existing + created + 1} is more than the server's limit of ${limit} (proxy.maxUserNum); raise the limit, or pass --no-lock if no other apply can run`;
}

function sleepUnlessAborted(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}

type Locked = { ok: true; release: () => Promise<string | null>; broke: readonly string[] } | { ok: false; refusal: Refusal };

/**
 * Takes the server's apply lock (apply/lock.ts) once nothing is left to refuse, and then checks
 * that the live state is still the one the plan was made from: another apply may have finished
 * between this one's reading and its taking the lock.
 */
async function lockAndRecheck(conn: MilvusConnection, prepared: Prepared, options: RunApplyOptions): Promise<Locked> {
  if (options.noLock) return { ok: true, release: async () => null, broke: [] };
  const noRoom = lockWouldHitUserLimit(prepared, options);
  if (noRoom) return { ok: false, refusal: { guard: 'lock', message: noRoom } };
  let lock;
  try {
    lock = await takeApplyLock(conn, {
      waitMs: options.lockTimeoutMs ?? 0,
      breakLock: options.breakLock ?? false,
      now: () => new Date(),
      sleep: (ms) => sleepUnlessAborted(ms, options.signal),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (error) {
    return { ok: false, refusal: { guard: 'lock', message: lockFailureMessage(error) } };
  }
  if (!lock.held) return { ok: false, refusal: { guard: 'lock', message: lock.message } };
  try {
    const now = await readLiveState(conn, { databases: prepared.live.databases });
    if (fingerprintState(now.state) !== prepared.plan.liveFingerprint) {
      await lock.release();
      return {
        ok: false,
        refusal: { guard: 'lock', message: `the live state on ${conn.address} changed after this plan was made (another apply, or a change by hand): nothing was changed; run again to plan against it` },
      };
    }
  } catch (error) {
    await lock.release();
    throw error;
  }
  return { ok: true, release: lock.release, broke: lock.broke };
}

interface Prepared {
  readonly plan: Plan;
  readonly live: LiveStateRead;
  /** The policy, when applying one (not a saved plan). */
  readonly wanted?: Wanted;
  /** The policy loader's warnings, formatted (printed when loaded). */
  readonly diagnostics?: readonly string[];
}

async function prepareFromPolicy(files: readonly string[], conn: MilvusConnection, settings: PlanSettings, out: Output): Promise<Prepared | ApplyResult> {
  const planned = await planAgainstLive(conn, files, settings);
  for (const d of planned.diagnostics) out.line(d);
  if ('invalid' in planned) return { ...emptyResult('error'), diagnostics: [...planned.diagnostics], errorKind: planned.refused ? 'refused' : 'invalid-input', error: `${planned.message.replace('nothing was planned', 'nothing was changed')}` };
  return { plan: planned.plan, live: planned.live, wanted: planned, diagnostics: planned.diagnostics };
}

async function prepareFromPlanFile(file: string, policyFiles: readonly string[] | undefined, conn: MilvusConnection, settings: PlanSettings, out: Output): Promise<Prepared | ApplyResult> {
  const saved = await savedPlanAgainstLive(conn, file);
  const integrity = planFileProblems(saved.plan).map((problem): Refusal => ({ guard: 'plan-integrity', message: `${file}: ${problem}` }));
  if (integrity.length > 0) return { ...emptyResult('refused'), refusals: integrity };
  const refusals = checkSavedPlan(saved.plan, { address: conn.address, milvusVersion: conn.versionString, liveFingerprint: saved.liveFingerprint });
  if (refusals.length > 0) return { ...emptyResult('refused'), refusals };
  if (!policyFiles || policyFiles.length === 0) return { plan: saved.plan, live: saved.live };
  // With its policy: the plan must be what the policy gives against this live state.
  const fresh = await prepareFromPolicy(policyFiles, conn, settings, out);
  if (!('plan' in fresh)) return fresh;
  if (fresh.plan.digest !== saved.plan.digest) {
    return {
      ...emptyResult('refused'),
      refusals: [{ guard: 'not-reviewed', message: `${file} is not what the policy gives now (digest ${shortDigest(saved.plan.digest)}, the policy gives ${shortDigest(fresh.plan.digest)}): it was made from another policy, or edited` }],
    };
  }
  return { ...fresh, plan: saved.plan };
}

function digestRefusal(plan: Plan, expected: string | undefined): Refusal[] {
  if (expected === undefined || digestMatches(plan.digest, expected)) return [];
  return [{ guard: 'not-reviewed', message: `the plan's digest is ${shortDigest(plan.digest)}, not the reviewed ${shortDigest(expected)}: refusing to apply a plan other than the one reviewed` }];
}

function guardRefusals(prepared: Prepared, steps: readonly PlanStep[], options: RunApplyOptions, secrets: SecretResolver, platform: Platform | undefined): Refusal[] {
  const refusals = [...passwordRefusals(steps, secrets, platform)];
  if (options.noDestroy) refusals.push(...checkNoDestroy(steps, prepared.plan.unmanaged.users));
  const mass = options.allowMassDrop ? null : massDrop(steps, prepared.live.state);
  if (mass) refusals.push({ guard: 'mass-drop', message: mass });
  refusals.push(...checkProtected(steps, prepared.wanted?.desired ?? { users: {}, protectedRoles: [], protectedPrivilegeGroups: [] }));
  return refusals;
}

function rerunCommand(source: ApplySource): string {
  return 'planFile' in source ? 'rbac plan --out <file> and rbac apply <file>' : `rbac apply -f ${source.policyFiles.join(' -f ')}`;
}

export async function runApply(options: RunApplyOptions): Promise<RunApplyResult> {
  const out = new Output(options.write, options.writeError);
  const format = options.format ?? 'text';
  const text = format === 'text' ? out : new Output();
  const secrets = envSecretResolver(options.env ?? process.env);
  const settings: PlanSettings = { ...(options.limits ? { limits: options.limits } : {}), ...(options.env ? { env: options.env } : {}) };
  let release = async (): Promise<string | null> => null;
  // The lock goes before the report, so a lock that could not be removed is in the report too.
  const finish = async (outcome: ApplyResult): Promise<RunApplyResult> => {
    const notReleased = await release();
    release = async () => null;
    const result = notReleased ? { ...outcome, warnings: [...outcome.warnings, notReleased] } : outcome;
    if (notReleased && format === 'text') out.error(`Warning: ${notReleased}\n`);
    // status, target and operator first: what a reader of the JSON looks for.
    if (format === 'json') {
      const { status, target, operator, ...rest } = result;
      out.line(JSON.stringify({ formatVersion: APPLY_FORMAT_VERSION, status, target, operator, ...rest, exitCode: applyExitCode(result) }, null, 2));
    } else if (result.error) {
      out.error(failureText({ kind: result.errorKind ?? 'internal', message: result.error, ...(result.fix ? { fix: result.fix } : {}) }));
    }
    return { exitCode: applyExitCode(result), output: out.text, result };
  };
  const failed = (failure: Failure): Promise<RunApplyResult> =>
    finish({ ...emptyResult('error'), error: failure.message, errorKind: failure.kind, ...(failure.fix ? { fix: failure.fix } : {}), ...(failure.diagnostics ? { diagnostics: [...failure.diagnostics] } : {}) });

  if ('planFile' in options.source && /\.ya?ml$/i.test(options.source.planFile)) {
    return failed({ kind: 'invalid-input', message: `${options.source.planFile} looks like a policy, not a saved plan`, fix: `did you mean rbac apply -f ${options.source.planFile}?` });
  }
  let conn: MilvusConnection;
  try {
    // The SDK lends one pooled channel per call in flight: the pool must be as wide as the executor.
    const parallelism = options.parallelism ?? DEFAULT_PARALLELISM;
    conn = await connect({ ...options.connection, poolSize: Math.max(options.connection.poolSize, parallelism) });
  } catch (error) {
    const unreachable = failureOf(error, options.connection.address);
    const files = 'planFile' in options.source ? (options.source.policyFiles ?? []) : options.source.policyFiles;
    return failed((await offlinePolicyFailure(files, unreachable)) ?? unreachable);
  }
  try {
    const target = { address: conn.address, milvusVersion: conn.versionString };
    const prepared = 'planFile' in options.source
      ? await prepareFromPlanFile(options.source.planFile, options.source.policyFiles, conn, settings, text)
      : await prepareFromPolicy(options.source.policyFiles, conn, settings, text);
    if (!('plan' in prepared)) {
      for (const r of prepared.refusals) text.error(`Refused: ${r.message}\n`);
      return finish({ ...prepared, target, operator: conn.user });
    }
    const { plan } = prepared;
    const notReviewed = digestRefusal(plan, options.expectDigest);
    if (notReviewed.length > 0) {
      for (const r of notReviewed) text.error(`Refused: ${r.message}\n`);
      return finish({ ...emptyResult('refused'), target, operator: conn.user, refusals: notReviewed });
    }
    // The plan's warnings include the read's; the policy's were printed as they were loaded.
    const warnings = [...(prepared.diagnostics ?? []), ...plan.warnings];
    if (plan.steps.length === 0) {
      text.line('No changes: the live state matches the policy.');
      return finish({ ...emptyResult('no-changes'), target, operator: conn.user, warnings });
    }

    // Settings no API reports come from the policy; a saved plan does not carry them (defaults).
    const serverSettings = prepared.wanted?.desired.serverSettings;
    const platform = prepared.wanted?.desired.platform ?? conn.platform;
    const lockout = protectOperator({ steps: plan.steps, live: prepared.live.state, operator: conn.user, version: conn.version, serverSettings, platform });
    warnings.push(...lockout.warnings);
    const printedWithPlan = new Set([...(prepared.diagnostics ?? []), ...plan.warnings]);
    const steps = lockout.steps;
    const refusals = [...guardRefusals(prepared, steps, options, secrets, platform), ...(options.allowSelfLockout ? [] : lockout.refusals)];

    text.write(renderPlan({ ...plan, steps }, 'text', { colour: options.colour ?? false }));
    if (lockout.operatorSteps.length > 0) {
      text.line(`${lockout.operatorSteps.length} step${lockout.operatorSteps.length === 1 ? '' : 's'} affecting ${conn.user} (the user running the apply) will run last.`);
    }
    for (const w of warnings) if (!printedWithPlan.has(w)) text.line(`Warning: ${w}`);
    const base = { ...emptyResult('refused'), target, operator: conn.user, warnings, steps: { total: steps.length, done: 0, failed: 0, notAttempted: steps.length }, notAttempted: steps.map(stepSummary) };
    if (refusals.length > 0) {
      for (const r of refusals) text.error(`Refused: ${r.message}\n`);
      if (!options.allowSelfLockout && refusals.some((r) => r.guard === 'self-lockout')) text.error('Pass --allow-self-lockout to apply it anyway.\n');
      return finish({ ...base, refusals });
    }

    // A saved plan was reviewed when it was made, and is refused if anything changed since, so
    // applying it asks nothing (as with any saved plan in a GitOps pipeline).
    const fromSavedPlan = 'planFile' in options.source;
    if (!options.autoApprove && !fromSavedPlan) {
      if (!options.interactive || !options.confirm) {
        return finish({ ...base, status: 'refused', error: 'refusing to wait for a confirmation without a terminal: pass --auto-approve to apply without asking' });
      }
      if (!(await options.confirm(`Apply these ${steps.length} steps to ${conn.address}? Only 'yes' will be accepted: `))) {
        text.line('Apply cancelled: nothing was changed.');
        return finish({ ...base, status: 'cancelled' });
      }
    }

    const locked = await lockAndRecheck(conn, prepared, options);
    if (!locked.ok) {
      text.error(`Refused: ${locked.refusal.message}\n`);
      return finish({ ...base, refusals: [locked.refusal] });
    }
    for (const name of locked.broke) text.line(`Removed the apply lock ${name} (--break-lock).`);
    release = locked.release;

    const report = await executePlan(steps, (op, ctx) => executeOperation(conn, op, secrets, { afterTransientFailure: ctx.afterTransientFailure }), {
      parallelism: options.parallelism ?? DEFAULT_PARALLELISM,
      retry: options.retry ?? DEFAULT_RETRY,
      onEvent: progressReporter(format === 'json' ? 'none' : (options.progress ?? 'plain'), (t) => text.write(t)),
      ...(options.sleep ? { sleep: options.sleep } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    printExecutionReport(text, report, rerunCommand(options.source));
    const failures = report.failed ? [report.failed, ...report.alsoFailed] : [];
    const result: ApplyResult = {
      ...base,
      status: report.failed ? 'failed' : report.interrupted ? 'interrupted' : 'applied',
      steps: { total: steps.length, done: report.done.length, failed: failures.length, notAttempted: report.notAttempted.length },
      done: report.done.map(stepSummary),
      failed: failures.map((f) => ({ ...stepSummary(f.step), error: stepErrorOf(f.error) })),
      notAttempted: report.notAttempted.map(stepSummary),
      retries: report.retries,
      durations: { totalMs: Math.round(report.durations.totalMs), phases: report.durations.phases.map((p) => ({ ...p, ms: Math.round(p.ms) })) },
    };
    if (report.failed || report.interrupted) return finish(result);

    const impactOf = operatorImpactJudge(prepared.live.state, conn.user, { ...serverSettings, ...accessRulesOn(platform) });
    if (steps.some((s) => impactOf(s.operation) === 'ends-session')) {
      text.line(`Verification skipped: the password of ${conn.user} changed during the apply.`);
      return finish(result);
    }
    const verification = await verifyApply(conn, prepared, steps, settings).catch((error: unknown) => ({
      ok: false,
      differences: [`cannot read the live state again: ${describeConnectionFailure(error, conn.address)}`],
    }));
    if (!verification.ok) {
      text.line('Verification failed: the live state does not match after the apply:');
      for (const d of verification.differences) text.line(`  ${d}`);
      return finish({ ...result, status: 'verification-failed', verification });
    }
    text.line('Verified: the live state matches.');
    return finish({ ...result, verification });
  } catch (error) {
    return failed(failureOf(error, conn.address));
  } finally {
    await release();
    await conn.close();
  }
}
