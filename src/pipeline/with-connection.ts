import { connect } from '../milvus/connection.js';
import type { MilvusConnection } from '../milvus/connection.js';
import type { ConnectionOptions } from '../milvus/connection-settings.js';
import { platformFromAddress, unmanageableReason } from '../model/platform.js';
import { formatDiagnostic, loadPolicy } from '../policy/index.js';
import { failureOf } from './failure.js';
import type { Failure } from './failure.js';

/**
 * Connects, runs `work` and always closes the connection. A failure to connect, or an error
 * `work` throws, comes back as `fail(failure)`. When Milvus cannot be reached and the command
 * has policy files, they are checked offline first: an invalid policy is what to fix first, and
 * a broken policy should not hide behind a server that is down.
 */
export async function withConnection<R>(options: ConnectionOptions, work: (conn: MilvusConnection) => Promise<R>, fail: (failure: Failure) => R, policyFiles: readonly string[] = []): Promise<R> {
  // Known before connecting (the config or the endpoint): a cluster without RBAC gets no call at all.
  const refusal = unmanageableReason(options.platform ?? platformFromAddress(options.address) ?? undefined);
  if (refusal) return fail({ kind: 'refused', message: `${refusal}: nothing was read or changed`, fix: 'manage access to this cluster with API keys in the Zilliz Cloud console' });
  let conn: MilvusConnection;
  try {
    conn = await connect(options);
  } catch (error) {
    const unreachable = failureOf(error, options.address);
    return fail((await offlinePolicyFailure(policyFiles, unreachable)) ?? unreachable);
  }
  try {
    return await work(conn);
  } catch (error) {
    return fail(failureOf(error, conn.address));
  } finally {
    await conn.close();
  }
}

/** The policy's own errors (checked for its declared target.minVersion, if any), with the connection failure noted. */
export async function offlinePolicyFailure(files: readonly string[], connection: Failure): Promise<Failure | null> {
  if (files.length === 0) return null;
  const loaded = await loadPolicy([...files], {}).catch(() => null);
  if (!loaded || loaded.ok) return null;
  const count = loaded.diagnostics.filter((d) => d.severity === 'error').length;
  return {
    kind: 'invalid-input',
    message: `the policy is invalid (${count} error${count === 1 ? '' : 's'}, checked offline): nothing was planned; Milvus could not be reached either (${connection.message})`,
    diagnostics: loaded.diagnostics.map(formatDiagnostic),
  };
}
