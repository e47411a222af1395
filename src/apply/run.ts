import type { DesiredState } from '../model/desired.js';
import type { Operation } from '../model/operations.js';
import { checkStorablePassword } from '../model/names.js';
import { formatVersion } from '../model/versions.js';
import { connect, describeConnectionFailure } from '../milvus/connection.js';
import type { ConnectionOptions, MilvusConnection } from '../milvus/connection.js';
import { describeOperation } from '../milvus/describe.js';
import { MilvusCallError } from '../milvus/errors.js';
import { executeOperation } from '../milvus/execute.js';
import { readLiveState } from '../milvus/read-state.js';
import type { LiveStateRead } from '../milvus/read-state.js';
import { envSecretResolver, redact, SecretError } from '../milvus/secrets.js';
import type { SecretResolver } from '../milvus/secrets.js';
import { executePlan } from './executor.js';
import type { ApplyReport, RetryPolicy } from './executor.js';
import { checkNoDestroy, checkPasswordSources, checkProtected, checkSavedPlan } from './guards.js';
import type { Refusal } from './guards.js';
import { protectOperator } from './lockout.js';
import { progressReporter } from './progress.js';
import type { ProgressMode } from './progress.js';
import type { ApplyPlan, ApplyPlanStep, PlanningPort } from './types.js';
import { describeDifferences, expectedAfter } from './verify.js';

/**
 * `rbac apply` as a function: everything the command does, without a process. The CLI only turns
 * flags into these options, prints, and exits with `exitCode`.
 */

/** Chosen by measurement: see docs/apply.md (parallelism). */
export const DEFAULT_PARALLELISM = 64;
export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 200, maxDelayMs: 3_000 };

export type ApplySource = { readonly policyFiles: readonly string[] } | { readonly planFile: string };

export interface RunApplyOptions {
  readonly connection: ConnectionOptions;
  readonly source: ApplySource;
  readonly planning: PlanningPort;
  readonly autoApprove?: boolean;
  /** stdin and stdout are a terminal: a confirmation may be asked. */
  readonly interactive?: boolean;
  readonly confirm?: (question: string) => Promise<boolean>;
  readonly parallelism?: number;
  readonly retry?: RetryPolicy;
  readonly noDestroy?: boolean;
  readonly allowSelfLockout?: boolean;
  readonly format?: 'text' | 'json';
  readonly progress?: ProgressMode;
  /** Where the plan, progress and summary go as they happen (stdout in the CLI). */
  readonly write?: (text: string) => void;
  /** Where passwords named by the policy are read; default process.env. */
  readonly env?: NodeJS.ProcessEnv;
  /** Injected in tests so back-off takes no wall time. */
  readonly sleep?: (ms: number) => Promise<void>;
}

export type ApplyStatus = 'applied' | 'no-changes' | 'failed' | 'refused' | 'cancelled' | 'verification-failed' | 'error';

export interface StepSummary {
  readonly id: string;
  readonly operation: string;
}

export interface ApplyResult {
  readonly status: ApplyStatus;
  readonly target?: { readonly address: string; readonly milvusVersion: string };
  readonly operator?: string;
  readonly steps: { readonly total: number; readonly done: number; readonly failed: number; readonly notAttempted: number };
  readonly done: StepSummary[];
  readonly failed: (StepSummary & { readonly error: { readonly kind: string; readonly code: string; readonly reason: string } })[];
  readonly notAttempted: StepSummary[];
  readonly retries: number;
  readonly durations: { readonly totalMs: number; readonly phases: { readonly phase: string | number; readonly steps: number; readonly ms: number }[] };
  readonly verification: { readonly ok: boolean; readonly differences: string[] } | null;
  readonly refusals: Refusal[];
  readonly warnings: string[];
  /** Policy diagnostics, when the policy could not be loaded. */
  readonly diagnostics?: string[];
  readonly error?: string;
}

export interface RunApplyResult {
  readonly exitCode: 0 | 1;
  /** Everything written, in order (also streamed to `write`). */
  readonly output: string;
  readonly result: ApplyResult;
}

const summary = (step: ApplyPlanStep): StepSummary => ({ id: step.id, operation: describeOperation(step.operation) });

function emptyResult(status: ApplyStatus): ApplyResult {
  return {
    status,
    steps: { total: 0, done: 0, failed: 0, notAttempted: 0 },
    done: [],
    failed: [],
    notAttempted: [],
    retries: 0,
    durations: { totalMs: 0, phases: [] },
    verification: null,
    refusals: [],
    warnings: [],
  };
}

function errorOf(error: unknown): { kind: string; code: string; reason: string } {
  if (error instanceof MilvusCallError) return { kind: error.kind, code: error.code, reason: error.reason };
  return { kind: 'permanent', code: 'ERROR', reason: redact(error instanceof Error ? error.message : String(error)) };
}

class Output {
  text = '';
  constructor(private readonly sink?: (text: string) => void) {}
  write(text: string): void {
    this.text += text;
    this.sink?.(text);
  }
  line(text = ''): void {
    this.write(`${text}\n`);
  }
}

/**
 * Passwords are resolved and checked against Milvus's rules before anything runs: a missing
 * variable or a password Milvus would refuse is reported, and nothing changes.
 */
function passwordRefusals(steps: readonly ApplyPlanStep[], secrets: SecretResolver): Refusal[] {
  return checkPasswordSources(steps, (op) => {
    try {
      return checkStorablePassword(secrets.resolvePassword(op.password));
    } catch (error) {
      if (error instanceof SecretError) return error.message;
      throw error;
    }
  });
}

interface Prepared {
  readonly plan: ApplyPlan;
  readonly live: LiveStateRead;
  readonly desired?: DesiredState;
}

async function prepareFromPolicy(files: readonly string[], conn: MilvusConnection, options: RunApplyOptions, out: Output): Promise<Prepared | ApplyResult> {
  const { formatDiagnostic, loadPolicy } = await import('../policy/index.js');
  const loaded = await loadPolicy([...files], { targetVersion: formatVersion(conn.version) });
  const diagnostics = loaded.diagnostics.map(formatDiagnostic);
  for (const d of diagnostics) out.line(d);
  if (!loaded.ok) {
    return { ...emptyResult('error'), diagnostics, error: `the policy is invalid for Milvus ${conn.versionString}: nothing was changed` };
  }
  const live = await readLiveState(conn, { databases: loaded.desired.databases });
  const plan = options.planning.makePlan({ desired: loaded.desired, live, policyHash: loaded.hash, operator: conn.user });
  return { plan: { ...plan, warnings: [...diagnostics, ...plan.warnings] }, live, desired: loaded.desired };
}

async function prepareFromPlanFile(file: string, conn: MilvusConnection, options: RunApplyOptions): Promise<Prepared | ApplyResult> {
  const plan = await options.planning.readPlanFile(file);
  const databases = [...new Set(plan.steps.flatMap((s) => ('grant' in s.operation ? [s.operation.grant.dbName] : [])))];
  const live = await readLiveState(conn, { databases });
  const refusals = checkSavedPlan(plan, {
    address: conn.address,
    milvusVersion: conn.versionString,
    liveFingerprint: options.planning.fingerprint(live.state),
  });
  if (refusals.length > 0) return { ...emptyResult('refused'), refusals };
  return { plan, live };
}

function guardRefusals(prepared: Prepared, steps: readonly ApplyPlanStep[], options: RunApplyOptions, secrets: SecretResolver): Refusal[] {
  const refusals = [...passwordRefusals(steps, secrets)];
  if (options.noDestroy) refusals.push(...checkNoDestroy(steps));
  refusals.push(
    ...checkProtected(steps, prepared.desired ?? { users: {}, protectedRoles: [], protectedPrivilegeGroups: [] }),
  );
  return refusals;
}

async function verify(conn: MilvusConnection, prepared: Prepared, steps: readonly ApplyPlanStep[], options: RunApplyOptions): Promise<{ ok: boolean; differences: string[] }> {
  const databases = prepared.desired?.databases ?? prepared.live.databases;
  const after = await readLiveState(conn, { databases });
  if (prepared.desired) {
    const remaining = options.planning.makePlan({ desired: prepared.desired, live: after, policyHash: prepared.plan.policyHash, operator: conn.user });
    return { ok: remaining.steps.length === 0, differences: remaining.steps.map((s) => `still to do: ${describeOperation(s.operation)}`) };
  }
  const expected = expectedAfter(prepared.live.state, steps, conn.version, conn.user);
  const differences = describeDifferences(expected, after.state);
  return { ok: differences.length === 0, differences };
}

function endsOperatorSession(op: Operation, operator: string): boolean {
  return op.kind === 'updatePassword' && op.user === operator && operator !== '';
}

function printReport(out: Output, report: ApplyReport<ApplyPlanStep>, source: ApplySource): void {
  const seconds = (report.durations.totalMs / 1000).toFixed(2);
  if (!report.failed) {
    out.line(`Apply complete: ${report.done.length} step${report.done.length === 1 ? '' : 's'} done in ${seconds} s${report.retries ? ` (${report.retries} retried)` : ''}.`);
    return;
  }
  out.line(`Apply stopped at a failure after ${seconds} s.`);
  out.line(`  done (${report.done.length}):`);
  for (const s of report.done) out.line(`    + ${s.id} ${describeOperation(s.operation)}`);
  const failures = [report.failed, ...report.alsoFailed];
  out.line(`  failed (${failures.length}):`);
  for (const f of failures) {
    const e = errorOf(f.error);
    out.line(`    ! ${f.step.id} ${describeOperation(f.step.operation)}`);
    out.line(`      Milvus said: ${e.reason} (${e.code}${f.attempts > 1 ? `, after ${f.attempts} attempts` : ''})`);
  }
  out.line(`  not attempted (${report.notAttempted.length}):`);
  for (const s of report.notAttempted) out.line(`    - ${s.id} ${describeOperation(s.operation)}`);
  const again = 'policyFiles' in source ? `rbac apply -f ${source.policyFiles.join(' -f ')}` : 'rbac plan --out <file> and rbac apply <file>';
  out.line(`Nothing needs cleaning up by hand: run ${again} again to finish.`);
}

export async function runApply(options: RunApplyOptions): Promise<RunApplyResult> {
  const out = new Output(options.write);
  const format = options.format ?? 'text';
  const text = format === 'text' ? out : new Output();
  const secrets = envSecretResolver(options.env ?? process.env);
  const finish = (result: ApplyResult): RunApplyResult => {
    const ok = result.status === 'applied' || result.status === 'no-changes';
    // status, target and operator first: what a reader of the JSON looks for.
    if (format === 'json') {
      const { status, target, operator, ...rest } = result;
      out.line(JSON.stringify({ status, target, operator, ...rest }, null, 2));
    }
    else if (result.error) out.line(`Error: ${result.error}`);
    return { exitCode: ok ? 0 : 1, output: out.text, result };
  };

  let conn: MilvusConnection;
  try {
    // The SDK lends one pooled channel per call in flight: the pool must be as wide as the executor.
    const parallelism = options.parallelism ?? DEFAULT_PARALLELISM;
    conn = await connect({ ...options.connection, poolSize: Math.max(options.connection.poolSize, parallelism) });
  } catch (error) {
    return finish({ ...emptyResult('error'), error: describeConnectionFailure(error, options.connection.address) });
  }
  try {
    const target = { address: conn.address, milvusVersion: conn.versionString };
    const prepared = 'policyFiles' in options.source
      ? await prepareFromPolicy(options.source.policyFiles, conn, options, text)
      : await prepareFromPlanFile(options.source.planFile, conn, options);
    if (!('plan' in prepared)) {
      for (const r of prepared.refusals) text.line(`Refused: ${r.message}`);
      return finish({ ...prepared, target, operator: conn.user });
    }
    const { plan } = prepared;
    const warnings = [...prepared.live.warnings, ...plan.warnings];
    if (plan.steps.length === 0) {
      text.line('No changes: the live state matches the policy.');
      return finish({ ...emptyResult('no-changes'), target, operator: conn.user, warnings });
    }

    const lockout = protectOperator({ steps: plan.steps, live: prepared.live.state, operator: conn.user, version: conn.version, flagged: (s) => s.affectsOperator === true });
    warnings.push(...lockout.warnings);
    const steps = lockout.steps;
    const refusals = [...guardRefusals(prepared, steps, options, secrets), ...(options.allowSelfLockout ? [] : lockout.refusals)];

    text.write(options.planning.renderPlan({ ...plan, steps }));
    if (lockout.operatorSteps.length > 0) {
      text.line(`${lockout.operatorSteps.length} step${lockout.operatorSteps.length === 1 ? '' : 's'} affecting ${conn.user} (the user running the apply) will run last.`);
    }
    for (const w of warnings) text.line(`Warning: ${w}`);
    const base = { ...emptyResult('refused'), target, operator: conn.user, warnings, steps: { total: steps.length, done: 0, failed: 0, notAttempted: steps.length }, notAttempted: steps.map(summary) };
    if (refusals.length > 0) {
      for (const r of refusals) text.line(`Refused: ${r.message}`);
      if (!options.allowSelfLockout && refusals.some((r) => r.guard === 'self-lockout')) text.line('Pass --allow-self-lockout to apply it anyway.');
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

    const report = await executePlan(steps, (op, ctx) => executeOperation(conn, op, secrets, { afterTransientFailure: ctx.afterTransientFailure }), {
      parallelism: options.parallelism ?? DEFAULT_PARALLELISM,
      retry: options.retry ?? DEFAULT_RETRY,
      onEvent: progressReporter(format === 'json' ? 'none' : (options.progress ?? 'plain'), (t) => text.write(t)),
      ...(options.sleep ? { sleep: options.sleep } : {}),
    });
    printReport(text, report, options.source);
    const failures = report.failed ? [report.failed, ...report.alsoFailed] : [];
    const result: ApplyResult = {
      ...base,
      status: report.failed ? 'failed' : 'applied',
      steps: { total: steps.length, done: report.done.length, failed: failures.length, notAttempted: report.notAttempted.length },
      done: report.done.map(summary),
      failed: failures.map((f) => ({ ...summary(f.step), error: errorOf(f.error) })),
      notAttempted: report.notAttempted.map(summary),
      retries: report.retries,
      durations: { totalMs: Math.round(report.durations.totalMs), phases: report.durations.phases.map((p) => ({ ...p, ms: Math.round(p.ms) })) },
    };
    if (report.failed) return finish(result);

    if (steps.some((s) => endsOperatorSession(s.operation, conn.user))) {
      text.line(`Verification skipped: the password of ${conn.user} changed during the apply.`);
      return finish(result);
    }
    const verification = await verify(conn, prepared, steps, options).catch((error: unknown) => ({
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
    const message = error instanceof MilvusCallError ? describeConnectionFailure(error, conn.address) : redact(error instanceof Error ? error.message : String(error));
    return finish({ ...emptyResult('error'), error: message });
  } finally {
    await conn.close();
  }
}

