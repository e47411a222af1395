import { authorizationOf, connect } from '../milvus/connection.js';
import type { ConnectionOptions } from '../milvus/connection-settings.js';
import { catalogueAt } from '../model/catalogue-at-version.js';
import { EXIT_CODES, failureOf, failureResult } from '../pipeline/failure.js';
import { identity, readProbes, writeProbes } from './probe.js';
import { renderDoctorText } from './render.js';
import { buildReport } from './report.js';
import type { DoctorReport } from './report.js';

/**
 * `rbac doctor`: what a server answers, and so what the tool will do there. It connects even
 * where plan would refuse (a Zilliz Cloud Serverless cluster), to say what is there.
 */

export interface RunDoctorOptions {
  readonly connection: ConnectionOptions;
  readonly format?: 'text' | 'json';
  /** Also try each kind of grant on a scratch role, removed afterwards. */
  readonly writeProbe?: boolean;
}

/**
 * Ctrl-C or SIGTERM during the write probe stops it after the step under way, and its `finally`
 * removes the scratch role, which an immediate exit would leave on the server.
 */
async function uninterrupted<T>(work: (stopped: () => boolean) => Promise<T>): Promise<{ result: T; interrupted: boolean }> {
  let interrupted = false;
  const note = (): void => {
    interrupted = true;
  };
  process.on('SIGINT', note);
  process.on('SIGTERM', note);
  try {
    const result = await work(() => interrupted);
    return { result, interrupted };
  } finally {
    process.off('SIGINT', note);
    process.off('SIGTERM', note);
  }
}

export async function runDoctor(options: RunDoctorOptions): Promise<{ exitCode: number; output: string; errors: string; report?: DoctorReport }> {
  const format = options.format ?? 'text';
  let conn;
  try {
    conn = await connect(options.connection);
  } catch (error) {
    return failureResult(failureOf(error, options.connection.address), format);
  }
  try {
    const id = await identity(conn, authorizationOf(options.connection.credentials), options.connection.timeoutMs);
    const builtin = new Set(catalogueAt(conn.version).builtinGroups.map((g) => g.name));
    const read = await readProbes(conn, builtin);
    const writes = options.writeProbe ? await uninterrupted((stopped) => writeProbes(conn, stopped)) : null;
    if (writes?.interrupted) {
      const left = writes.result.leftBehind;
      return { exitCode: EXIT_CODES.interrupted, output: '', errors: `Interrupted: the write probe stopped and removed its scratch role${left.length > 0 ? `, but could not remove ${left.join(', ')}` : ''}\n` };
    }
    const report = buildReport(conn, id, read, writes?.result ?? null);
    const output = format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : renderDoctorText(report);
    const errors = report.leftBehind.length > 0 ? `Warning: the write probe could not remove ${report.leftBehind.join(', ')}\n` : '';
    // Something of the probe's left on the server is a failure to report, not a success.
    return { exitCode: report.leftBehind.length > 0 ? EXIT_CODES.failed : 0, output, errors, report };
  } catch (error) {
    return failureResult(failureOf(error, conn.address), format);
  } finally {
    await conn.close();
  }
}
