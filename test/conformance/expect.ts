import { expect } from 'vitest';

/** The fields of milvus.proto.common.Status the suite compares. */
export interface StatusLike {
  readonly error_code?: string | number;
  readonly code?: number;
  readonly reason?: string;
  readonly detail?: string;
}

/** Accepts a bare Status or any response holding one in `status`. */
function statusOf(response: object): StatusLike {
  const holder = response as { status?: StatusLike };
  return holder.status ?? (response as StatusLike);
}

export function expectOk(response: object): void {
  const status = statusOf(response);
  expect({ error_code: status.error_code, reason: status.reason }).toEqual({ error_code: 'Success', reason: '' });
}

/** Expects a Milvus error status; `reason` is matched as a substring, or exactly with `exact`. */
export function expectError(
  response: object,
  wanted: { error_code?: string; code?: number; reason?: string; exact?: string; detail?: string },
): void {
  const status = statusOf(response);
  expect(status.error_code).not.toBe('Success');
  if (wanted.error_code !== undefined) expect(status.error_code).toBe(wanted.error_code);
  if (wanted.code !== undefined) expect(status.code).toBe(wanted.code);
  if (wanted.reason !== undefined) expect(status.reason).toContain(wanted.reason);
  if (wanted.exact !== undefined) expect(status.reason).toBe(wanted.exact);
  if (wanted.detail !== undefined) expect(status.detail).toBe(wanted.detail);
}

/** Expects the promise to reject with a gRPC status code and a message part. */
export async function expectGrpcError(promise: Promise<unknown>, code: number, message: string): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e as { code?: number; details?: string; message?: string },
  );
  expect(error, 'the call should have been refused').toBeDefined();
  expect(error?.code).toBe(code);
  expect(`${error?.details ?? ''} ${error?.message ?? ''}`).toContain(message);
}
