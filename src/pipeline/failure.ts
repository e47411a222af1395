import { ConnectionError } from '../milvus/connection-settings.js';
import { describeConnectionFailure, fixForConnectionFailure } from '../milvus/connection.js';
import { MilvusCallError } from '../milvus/errors.js';
import { redact, SecretError } from '../milvus/secrets.js';
import { InternalPlanError, PlanError } from '../plan/errors.js';
import { PlanFileError } from '../plan/plan-file.js';

/**
 * Why a command stopped, for people (a cause and a fix) and for machines (a kind, its own exit
 * code, and with `--format json` an object on stdout). A cron job tells "fix the policy" (1) from
 * "Milvus is down" (3) by the exit code alone (docs/exit-codes.md).
 */

export type FailureKind = 'invalid-input' | 'connection' | 'credentials' | 'refused' | 'failed' | 'internal' | 'interrupted';

export const EXIT_CODES: Readonly<Record<FailureKind, number>> = Object.freeze({
  'invalid-input': 1,
  connection: 3,
  credentials: 4,
  refused: 5,
  failed: 6,
  internal: 7,
  interrupted: 130,
});

/** The kind of failure an exit code stands for (undefined for 0, 2 and codes not ours). */
export function failureKindOf(exitCode: number): FailureKind | undefined {
  return (Object.keys(EXIT_CODES) as FailureKind[]).find((kind) => EXIT_CODES[kind] === exitCode);
}

/** The version of the JSON error object's shape. */
export const ERROR_FORMAT_VERSION = 1;

export interface Failure {
  readonly kind: FailureKind;
  /** One line: what went wrong. */
  readonly message: string;
  /** One line: what to do about it. */
  readonly fix?: string;
  /** Located policy diagnostics, formatted, when the input was invalid. */
  readonly diagnostics?: readonly string[];
}

export function failureText(failure: Failure): string {
  const label = failure.kind === 'internal' ? 'Internal error' : 'Error';
  const lines = [...(failure.diagnostics ?? []), `${label}: ${failure.message}`, ...(failure.fix ? [`  Fix: ${failure.fix}`] : [])];
  return lines.map((l) => `${l}\n`).join('');
}

/** The error object a `--format json` run prints on stdout instead of its result. */
export function failureJson(failure: Failure): string {
  const error = {
    kind: failure.kind,
    exitCode: EXIT_CODES[failure.kind],
    message: failure.message,
    ...(failure.fix ? { fix: failure.fix } : {}),
    ...(failure.diagnostics?.length ? { diagnostics: failure.diagnostics } : {}),
  };
  return `${JSON.stringify({ formatVersion: ERROR_FORMAT_VERSION, error }, null, 2)}\n`;
}

/** A result carrying only a failure: text on stderr, or JSON on stdout. */
export function failureResult(failure: Failure, format: string = 'text'): { exitCode: number; output: string; errors: string } {
  return format === 'json'
    ? { exitCode: EXIT_CODES[failure.kind], output: failureJson(failure), errors: '' }
    : { exitCode: EXIT_CODES[failure.kind], output: '', errors: failureText(failure) };
}

function connectionKind(reason: ConnectionError['reason']): FailureKind {
  switch (reason) {
    case 'config':
      return 'invalid-input';
    case 'unauthenticated':
    case 'not-allowed':
      return 'credentials';
    default:
      return 'connection';
  }
}

/** Any error a command can meet, as a failure free of secrets. */
export function failureOf(error: unknown, address: string): Failure {
  if (error instanceof PlanError) return { kind: 'invalid-input', message: error.message };
  if (error instanceof PlanFileError) return { kind: 'invalid-input', message: error.message };
  if (error instanceof InternalPlanError) return { kind: 'internal', message: error.message };
  if (error instanceof SecretError) return { kind: 'invalid-input', message: error.message };
  if (error instanceof ConnectionError) {
    return { kind: connectionKind(error.reason), message: describeConnectionFailure(error, address), ...(error.fix ? { fix: error.fix } : {}) };
  }
  if (error instanceof MilvusCallError) {
    const fix = fixForConnectionFailure(error, address);
    const kind: FailureKind = error.code === 'UNAUTHENTICATED' || error.code === 'PERMISSION_DENIED' ? 'credentials' : error.code === 'UNAVAILABLE' || error.code === 'DEADLINE_EXCEEDED' ? 'connection' : 'failed';
    return { kind, message: describeConnectionFailure(error, address), ...(fix ? { fix } : {}) };
  }
  return { kind: 'internal', message: redact(error instanceof Error ? error.message : String(error)) };
}
