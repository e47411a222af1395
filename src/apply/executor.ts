import type { Operation } from '../model/operations.js';

/**
 * Runs a plan's steps phase by phase. Within a phase, up to `parallelism` steps run at once; a
 * phase starts only after the previous one fully succeeded. On the first failure no new step
 * starts, steps in flight finish, and the report says what was done, what failed and what was
 * not attempted. Transient failures are retried with exponential back-off; permanent ones are not.
 *
 * Knows nothing of Milvus: `run` does the work, `isTransient` classifies its errors.
 */

export interface ExecutableStep {
  readonly id: string;
  readonly phase: string | number;
  readonly operation: Operation;
}

export interface RetryPolicy {
  /** Total attempts per step, first included (1 = no retry). */
  readonly attempts: number;
  /** Delay before the first retry; doubles each time. */
  readonly baseDelayMs: number;
  readonly maxDelayMs?: number;
}

export interface RunContext {
  /** 1 for the first attempt. */
  readonly attempt: number;
  /** The previous attempt failed transiently, so it may have reached the server. */
  readonly afterTransientFailure: boolean;
}

export type RunStep = (operation: Operation, context: RunContext) => Promise<void>;

export type ExecutorEvent<S extends ExecutableStep> =
  | { readonly type: 'phase-start'; readonly phase: S['phase']; readonly first: S; readonly index: number; readonly phases: number; readonly total: number }
  | { readonly type: 'step-done'; readonly step: S; readonly ms: number }
  | { readonly type: 'step-retry'; readonly step: S; readonly attempt: number; readonly delayMs: number; readonly error: unknown }
  | { readonly type: 'step-failed'; readonly step: S; readonly error: unknown }
  | { readonly type: 'phase-end'; readonly phase: S['phase']; readonly done: number; readonly failed: number; readonly total: number; readonly ms: number };

export interface ExecutorOptions<S extends ExecutableStep> {
  readonly parallelism: number;
  readonly retry: RetryPolicy;
  readonly onEvent?: (event: ExecutorEvent<S>) => void;
  /** Default: `error.kind === 'transient'` (MilvusCallError's classification). */
  readonly isTransient?: (error: unknown) => boolean;
  /** Injected in tests so back-off takes no wall time. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Aborted (Ctrl-C): no new step starts and none is retried; the calls in flight finish. */
  readonly signal?: AbortSignal;
}

export interface StepFailure<S extends ExecutableStep> {
  readonly step: S;
  readonly error: unknown;
  readonly attempts: number;
}

export interface PhaseDuration {
  readonly phase: string | number;
  readonly steps: number;
  readonly ms: number;
}

export interface ApplyReport<S extends ExecutableStep> {
  /** In completion order. */
  readonly done: S[];
  /** The first failure: the one that stopped the run. */
  readonly failed?: StepFailure<S>;
  /** Steps already in flight when the run stopped that failed too. */
  readonly alsoFailed: StepFailure<S>[];
  /** In plan order. */
  readonly notAttempted: S[];
  readonly retries: number;
  readonly durations: { readonly totalMs: number; readonly phases: PhaseDuration[] };
  /** The run was stopped by its signal before every step was attempted. */
  readonly interrupted: boolean;
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function defaultIsTransient(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { kind?: unknown }).kind === 'transient';
}

/** Consecutive steps sharing a phase; the plan's order of phases is kept. */
export function groupIntoPhases<S extends ExecutableStep>(steps: readonly S[]): S[][] {
  const phases: S[][] = [];
  for (const step of steps) {
    const last = phases[phases.length - 1];
    if (last && last[0]?.phase === step.phase) last.push(step);
    else phases.push([step]);
  }
  return phases;
}

export function backoffDelay(retry: RetryPolicy, retryNumber: number): number {
  const delay = retry.baseDelayMs * 2 ** (retryNumber - 1);
  return Math.min(delay, retry.maxDelayMs ?? 5_000);
}

export async function executePlan<S extends ExecutableStep>(steps: readonly S[], run: RunStep, options: ExecutorOptions<S>): Promise<ApplyReport<S>> {
  const parallelism = Math.max(1, Math.floor(options.parallelism));
  const attempts = Math.max(1, Math.floor(options.retry.attempts));
  const isTransient = options.isTransient ?? defaultIsTransient;
  const sleep = options.sleep ?? defaultSleep;
  const emit = options.onEvent ?? (() => undefined);

  const started = performance.now();
  const done: S[] = [];
  const failures: StepFailure<S>[] = [];
  const attempted = new Set<S>();
  const phaseDurations: PhaseDuration[] = [];
  let retries = 0;

  const runStep = async (step: S): Promise<void> => {
    const stepStart = performance.now();
    let afterTransientFailure = false;
    for (let attempt = 1; ; attempt++) {
      try {
        await run(step.operation, { attempt, afterTransientFailure });
        done.push(step);
        emit({ type: 'step-done', step, ms: performance.now() - stepStart });
        return;
      } catch (error) {
        // A step already stopped by another failure is not retried: the run is ending.
        if (isTransient(error) && attempt < attempts && failures.length === 0 && !options.signal?.aborted) {
          const delayMs = backoffDelay(options.retry, attempt);
          retries++;
          emit({ type: 'step-retry', step, attempt, delayMs, error });
          afterTransientFailure = true;
          await sleep(delayMs);
          continue;
        }
        failures.push({ step, error, attempts: attempt });
        emit({ type: 'step-failed', step, error });
        return;
      }
    }
  };

  const phases = groupIntoPhases(steps);
  for (const [index, phaseSteps] of phases.entries()) {
    if (failures.length > 0 || options.signal?.aborted) break;
    const first = phaseSteps[0] as S;
    const phase = first.phase;
    const phaseStart = performance.now();
    emit({ type: 'phase-start', phase, first, index, phases: phases.length, total: phaseSteps.length });
    const doneBefore = done.length;
    let next = 0;
    const worker = async (): Promise<void> => {
      while (failures.length === 0 && !options.signal?.aborted && next < phaseSteps.length) {
        const step = phaseSteps[next++] as S;
        attempted.add(step);
        await runStep(step);
      }
    };
    await Promise.all(Array.from({ length: Math.min(parallelism, phaseSteps.length) }, () => worker()));
    const ms = performance.now() - phaseStart;
    phaseDurations.push({ phase, steps: phaseSteps.length, ms });
    emit({ type: 'phase-end', phase, done: done.length - doneBefore, failed: failures.length, total: phaseSteps.length, ms });
  }

  const [first, ...rest] = failures;
  return {
    done,
    ...(first ? { failed: first } : {}),
    alsoFailed: rest,
    notAttempted: steps.filter((s) => !attempted.has(s)),
    retries,
    durations: { totalMs: performance.now() - started, phases: phaseDurations },
    interrupted: options.signal?.aborted === true && attempted.size < steps.length,
  };
}
