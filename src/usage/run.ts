import { readFile } from 'node:fs/promises';
import type { ConnectionOptions } from '../milvus/connection-settings.js';
import { accessRulesOn } from '../model/platform.js';
import type { RbacState } from '../model/types.js';
import { formatVersion, NEWEST_KNOWN_VERSION, parseMilvusVersion } from '../model/versions.js';
import type { MilvusVersion } from '../model/versions.js';
import type { AccessOptions } from '../model/access.js';
import { failureOf, failureResult } from '../pipeline/failure.js';
import { formatDiagnostic, loadPolicy } from '../policy/index.js';
import { compileFormatters, DEFAULT_FORMATTERS, formattersFromMilvusYaml } from './log-format.js';
import type { Formatter } from './log-format.js';
import { parseAccessLine } from './parse-line.js';
import { callChecksAt } from './privilege-map.js';
import { LogInputError, logFiles, logLines } from './read-logs.js';
import type { LogProgress } from './read-logs.js';
import { renderUsageMarkdown, renderUsageText } from './render.js';
import { buildUsageReport } from './report.js';
import type { UsageReport } from './report.js';
import { UsageTally } from './tally.js';

/** `rbac usage` (and the reading half of `rbac suggest`): logs in, a report against a state out. */

export interface UsageOptions {
  readonly logs: readonly string[];
  /** Compare with this policy… */
  readonly files?: readonly string[];
  /** …or with the live instance. */
  readonly connection?: ConnectionOptions;
  /** Whose privilege rules map calls to privileges (default: the live server's, the policy's target.minVersion, else the newest known). */
  readonly milvusVersion?: string;
  /** A `proxy.accessLog` format string the log was written with, or a milvus.yaml holding its formatters. */
  readonly formatString?: string;
  readonly milvusYaml?: string;
  readonly format?: 'text' | 'json' | 'markdown';
  /** Only calls from this time on (ms since the epoch), and before `until`. */
  readonly since?: number;
  readonly until?: number;
  /** Progress on a terminal. */
  readonly onProgress?: (p: LogProgress) => void;
}

export interface UsageResult {
  readonly exitCode: number;
  readonly output: string;
  readonly errors: string;
  readonly report?: UsageReport;
}

class UsageInputError extends Error {}

async function formattersOf(options: UsageOptions): Promise<readonly Formatter[]> {
  if (options.formatString) return [{ name: 'given', methods: null, format: options.formatString }];
  if (!options.milvusYaml) return DEFAULT_FORMATTERS;
  let text: string;
  try {
    text = await readFile(options.milvusYaml, 'utf8');
  } catch (error) {
    throw new UsageInputError(`cannot read ${options.milvusYaml}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  try {
    return formattersFromMilvusYaml(text);
  } catch (error) {
    throw new UsageInputError(`${options.milvusYaml}: ${(error as Error).message}`);
  }
}

interface Compared {
  readonly state: RbacState;
  readonly version: MilvusVersion;
  readonly source: string;
  readonly rules: AccessOptions;
  readonly diagnostics: readonly string[];
}

function versionGiven(text: string | undefined): MilvusVersion | undefined {
  if (text === undefined) return undefined;
  const v = parseMilvusVersion(text);
  if (!v) throw new UsageInputError(`--milvus-version ${text} is not a Milvus version (write it as 2.3 or 2.3.5)`);
  return v;
}

async function compared(options: UsageOptions): Promise<Compared> {
  const given = versionGiven(options.milvusVersion);
  if (options.files && options.files.length > 0) {
    const loaded = await loadPolicy([...options.files], given ? { targetVersion: formatVersion(given) } : {});
    const diagnostics = loaded.diagnostics.map(formatDiagnostic);
    if (!loaded.ok) throw new UsageInputError(`the policy is invalid:\n${diagnostics.join('\n')}`);
    const declared = loaded.desired.state;
    return {
      state: declared,
      version: given ?? NEWEST_KNOWN_VERSION,
      source: `the policy ${options.files.join(', ')}`,
      rules: { rootShouldBindRole: loaded.desired.serverSettings?.rootShouldBindRole === true, ...accessRulesOn(loaded.desired.platform) },
      diagnostics,
    };
  }
  if (!options.connection) throw new UsageInputError('compare the log with a policy (-f) or with the live instance (--live, with --address or --target)');
  const { connect } = await import('../milvus/connection.js');
  const { readLiveState } = await import('../milvus/read-state.js');
  const conn = await connect(options.connection);
  try {
    const live = await readLiveState(conn);
    return { state: live.state, version: given ?? conn.version, source: `the live instance at ${conn.address} (Milvus ${conn.versionString})`, rules: accessRulesOn(conn.platform), diagnostics: [] };
  } finally {
    await conn.close();
  }
}

/** Reads every line of the logs into a tally for this version's checks. */
export async function tallyLogs(options: UsageOptions, version: MilvusVersion): Promise<UsageTally> {
  const formatters = compileFormatters(await formattersOf(options));
  const tally = new UsageTally(callChecksAt(version), { ...(options.since !== undefined ? { since: options.since } : {}), ...(options.until !== undefined ? { until: options.until } : {}) });
  const files = await logFiles(options.logs);
  for await (const line of logLines(files, options.onProgress)) {
    tally.addLine();
    const call = parseAccessLine(line, formatters);
    if (call) tally.add(call);
  }
  return tally;
}

export async function usageReport(options: UsageOptions): Promise<{ report: UsageReport; diagnostics: readonly string[] }> {
  const against = await compared(options);
  const tally = await tallyLogs(options, against.version);
  return { report: buildUsageReport(tally, against.state, against.version, against.source, against.rules), diagnostics: against.diagnostics };
}

export async function runUsage(options: UsageOptions): Promise<UsageResult> {
  const format = options.format ?? 'text';
  try {
    const { report, diagnostics } = await usageReport(options);
    if (report.lines.access === 0) {
      const within = options.since !== undefined || options.until !== undefined ? ' within the time window asked for' : '';
      return failureResult({ kind: 'invalid-input', message: `no access-log line${within} in ${report.lines.read} lines read`, fix: 'check the files, and give the format the log was written with (--log-format or --milvus-yaml)' }, format);
    }
    const output = format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : format === 'markdown' ? renderUsageMarkdown(report) : renderUsageText(report);
    return { exitCode: 0, output, errors: diagnostics.map((d) => `${d}\n`).join(''), report };
  } catch (error) {
    if (error instanceof UsageInputError || error instanceof LogInputError) return failureResult({ kind: 'invalid-input', message: error.message }, format);
    return failureResult(failureOf(error, options.connection?.address ?? ''), format);
  }
}

/** `--since` / `--until`: an ISO time, or a time before now such as `30d`, `12h`, `90m`. */
export function parseWhen(text: string, now: number = Date.now()): number {
  const relative = /^(\d+)([dhm])$/.exec(text.trim());
  if (relative) {
    const unit = { d: 86_400_000, h: 3_600_000, m: 60_000 }[relative[2] as 'd' | 'h' | 'm'];
    return now - Number(relative[1]) * unit;
  }
  const at = Date.parse(text);
  if (Number.isNaN(at)) throw new UsageInputError(`"${text}" is not a time: give an ISO time (2026-11-01T00:00:00Z) or an age such as 30d, 12h, 90m`);
  return at;
}
