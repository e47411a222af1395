import { redact } from './secrets.js';

/**
 * Milvus reports failure two ways: a thrown gRPC error (unreachable, auth, permission, dropped
 * connection) or a response whose `status` says so. Both become a {@link MilvusCallError} here,
 * with the message scrubbed of secrets and classified as worth retrying or not.
 */

/** gRPC status codes (numeric, as grpc-js reports them) and their names. */
const GRPC_CODE_NAMES: Readonly<Record<number, string>> = {
  1: 'CANCELLED',
  2: 'UNKNOWN',
  3: 'INVALID_ARGUMENT',
  4: 'DEADLINE_EXCEEDED',
  5: 'NOT_FOUND',
  6: 'ALREADY_EXISTS',
  7: 'PERMISSION_DENIED',
  8: 'RESOURCE_EXHAUSTED',
  9: 'FAILED_PRECONDITION',
  10: 'ABORTED',
  11: 'OUT_OF_RANGE',
  12: 'UNIMPLEMENTED',
  13: 'INTERNAL',
  14: 'UNAVAILABLE',
  15: 'DATA_LOSS',
  16: 'UNAUTHENTICATED',
};

/** Failures a second attempt can fix: the server was not reached or did not answer in time. */
const TRANSIENT_GRPC_CODES = new Set([4, 14]);

export type MilvusErrorKind = 'transient' | 'permanent';

export class MilvusCallError extends Error {
  override readonly name = 'MilvusCallError';
  constructor(
    readonly kind: MilvusErrorKind,
    /** gRPC status name (`UNAVAILABLE`) or Milvus error code (`OperatePrivilegeFailure`, `1100`). */
    readonly code: string,
    /** Milvus's own words, secrets removed. */
    readonly reason: string,
    /** What was being done, e.g. `grant Search on Collection default.books to reader`. */
    readonly operation: string,
  ) {
    super(`${operation}: ${reason} (${code})`);
  }
}

export function isMilvusCallError(error: unknown): error is MilvusCallError {
  return error instanceof MilvusCallError;
}

interface GrpcErrorShape {
  readonly code: number;
  readonly details?: string;
  readonly message?: string;
}

function isGrpcError(error: unknown): error is GrpcErrorShape {
  return typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'number';
}

/** A connection torn down mid-call can surface as INTERNAL with an RST_STREAM, not UNAVAILABLE. */
function looksLikeDroppedConnection(text: string): boolean {
  return /RST_STREAM|Connection dropped|ECONNRESET|socket hang up|Stream removed|EPIPE/i.test(text);
}

/** Turns anything thrown by an SDK call into a MilvusCallError. */
export function fromThrown(error: unknown, operation: string): MilvusCallError {
  if (error instanceof MilvusCallError) return error;
  if (isGrpcError(error)) {
    const name = GRPC_CODE_NAMES[error.code] ?? String(error.code);
    const text = error.details || error.message || name;
    const transient = TRANSIENT_GRPC_CODES.has(error.code) || (error.code === 13 && looksLikeDroppedConnection(text));
    return new MilvusCallError(transient ? 'transient' : 'permanent', name, redact(text), operation);
  }
  const text = error instanceof Error ? error.message : String(error);
  const transient = looksLikeDroppedConnection(text);
  return new MilvusCallError(transient ? 'transient' : 'permanent', transient ? 'UNAVAILABLE' : 'CLIENT_ERROR', redact(text), operation);
}

export interface StatusShape {
  readonly error_code?: string | number;
  readonly code?: number | string;
  readonly reason?: string;
  readonly retriable?: boolean;
}

function isSuccessCode(errorCode: string | number | undefined): boolean {
  return errorCode === undefined || errorCode === 0 || errorCode === '0' || errorCode === 'Success' || errorCode === 'SUCCESS';
}

/**
 * Checks a Milvus status. The SDK answers an RPC the server does not implement (UNIMPLEMENTED) with
 * an empty object, so a missing status means "this Milvus does not support the call", never success.
 */
export function checkStatus(status: StatusShape | undefined, operation: string): void {
  if (!status) {
    throw new MilvusCallError('permanent', 'UNIMPLEMENTED', 'this Milvus version does not support the call', operation);
  }
  const numeric = Number(status.code ?? 0);
  if (numeric === 0 && isSuccessCode(status.error_code)) return;
  const code = isSuccessCode(status.error_code) ? String(numeric) : `${String(status.error_code)}${numeric ? `/${numeric}` : ''}`;
  const kind: MilvusErrorKind = status.retriable ? 'transient' : 'permanent';
  throw new MilvusCallError(kind, code, redact(status.reason || 'Milvus reported an error without a reason'), operation);
}

/** For responses that carry a status field (`{ status, ... }`). */
export function checkResponse<T extends { readonly status?: StatusShape }>(response: T | undefined, operation: string): T {
  checkStatus(response?.status, operation);
  return response as T;
}

/** For calls whose whole response is a status (`ResStatus`). An empty object means unsupported. */
export function checkResStatus(response: StatusShape | undefined, operation: string): void {
  const empty = !response || (response.error_code === undefined && response.code === undefined && response.reason === undefined);
  checkStatus(empty ? undefined : response, operation);
}
