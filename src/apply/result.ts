import { describeOperation } from '../milvus/describe.js';
import { MilvusCallError } from '../milvus/errors.js';
import { redact } from '../milvus/secrets.js';
import type { ExecutableStep } from './executor.js';
import type { Refusal } from './guards.js';
import { EXIT_CODES } from '../pipeline/failure.js';
import type { FailureKind } from '../pipeline/failure.js';

/** What `rbac apply` reports: the shape of `--format json` and of the runner's return value. */

export type ApplyStatus = 'applied' | 'no-changes' | 'failed' | 'interrupted' | 'refused' | 'cancelled' | 'verification-failed' | 'error';

export interface StepSummary {
  readonly id: string;
  readonly operation: string;
}

export interface StepError {
  readonly kind: string;
  readonly code: string;
  readonly reason: string;
}

export interface ApplyResult {
  readonly status: ApplyStatus;
  readonly target?: { readonly address: string; readonly milvusVersion: string };
  readonly operator?: string;
  readonly steps: { readonly total: number; readonly done: number; readonly failed: number; readonly notAttempted: number };
  readonly done: StepSummary[];
  readonly failed: (StepSummary & { readonly error: StepError })[];
  readonly notAttempted: StepSummary[];
  readonly retries: number;
  readonly durations: { readonly totalMs: number; readonly phases: { readonly phase: string | number; readonly steps: number; readonly ms: number }[] };
  readonly verification: { readonly ok: boolean; readonly differences: string[] } | null;
  readonly refusals: Refusal[];
  readonly warnings: string[];
  /** Policy diagnostics, when the policy could not be loaded. */
  readonly diagnostics?: string[];
  readonly error?: string;
  /** What kind of failure `error` is (pipeline/failure.ts); decides the exit code. */
  readonly errorKind?: FailureKind;
  /** One line: what to do about `error`. */
  readonly fix?: string;
}

/** The version of `rbac apply --format json`'s shape. */
export const APPLY_FORMAT_VERSION = 1;

/** 0 done or nothing to do; else the code of the failure (pipeline/failure.ts, docs/exit-codes.md). */
export function applyExitCode(result: ApplyResult): number {
  switch (result.status) {
    case 'applied':
    case 'no-changes':
      return 0;
    case 'refused':
    case 'cancelled':
      return EXIT_CODES.refused;
    case 'failed':
    case 'verification-failed':
      return EXIT_CODES.failed;
    case 'interrupted':
      return EXIT_CODES.interrupted;
    case 'error':
      return EXIT_CODES[result.errorKind ?? 'internal'];
  }
}

export interface RunApplyResult {
  readonly exitCode: number;
  /** Everything written, in order (also streamed to `write`). */
  readonly output: string;
  readonly result: ApplyResult;
}

export const stepSummary = (step: ExecutableStep): StepSummary => ({ id: step.id, operation: describeOperation(step.operation) });

export function emptyResult(status: ApplyStatus): ApplyResult {
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

export function stepErrorOf(error: unknown): StepError {
  if (error instanceof MilvusCallError) return { kind: error.kind, code: error.code, reason: error.reason };
  return { kind: 'permanent', code: 'ERROR', reason: redact(error instanceof Error ? error.message : String(error)) };
}
