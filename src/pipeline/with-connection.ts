import { connect, describeConnectionFailure } from '../milvus/connection.js';
import type { MilvusConnection } from '../milvus/connection.js';
import type { ConnectionOptions } from '../milvus/connection-settings.js';
import { MilvusCallError } from '../milvus/errors.js';
import { redact } from '../milvus/secrets.js';
import { InternalPlanError, PlanError } from '../plan/errors.js';
import { PlanFileError } from '../plan/plan-file.js';

/** One error, phrased for people and free of secrets, with its "Error:" or "Internal error:" label. */
export function describeError(error: unknown, address: string): string {
  if (error instanceof PlanError) return `Error: ${error.message}`;
  if (error instanceof InternalPlanError) return `Internal error: ${error.message}`;
  if (error instanceof PlanFileError) return `Error: ${error.message}`;
  if (error instanceof MilvusCallError) return `Error: ${describeConnectionFailure(error, address)}`;
  return `Error: ${redact(error instanceof Error ? error.message : String(error))}`;
}

/**
 * Connects, runs `work` and always closes the connection. A failure to connect, or an error
 * `work` throws, comes back as `fail(message)`.
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
