import type { MilvusConnection } from '../milvus/connection.js';
import type { ConnectionOptions } from '../milvus/connection-settings.js';
import type { ObjectLimits } from '../model/names.js';
import { overwritesInput } from '../pipeline/output-guard.js';
import { planAgainstLive } from '../pipeline/plan-against-live.js';
import { failureResult } from '../pipeline/failure.js';
import { formattedLines, invalidPolicy } from '../pipeline/run-plan.js';
import { withConnection } from '../pipeline/with-connection.js';
import { renderPlan } from '../report/index.js';
import { writeDriftMetrics } from './prometheus.js';
import type { DriftCheck } from './prometheus.js';
import { driftReport, driftSummaryLine, renderDriftJson } from './report.js';
import type { DriftReport } from './report.js';

/**
 * `rbac drift` as a function: the plan pipeline, read-only, with drift's own exit codes (0 in
 * sync, 2 drift, 1 error) and outputs. Nothing is ever written to Milvus.
 */

export type DriftFormat = 'text' | 'json' | 'markdown';

export interface RunDriftOptions {
  readonly files: readonly string[];
  readonly connection: ConnectionOptions;
  readonly format?: DriftFormat;
  readonly prometheusTextfile?: string;
  readonly limits?: Partial<ObjectLimits>;
  readonly colour?: boolean;
  /** Injected by tests; defaults to the clock. */
  readonly now?: () => Date;
  /** Where password sources are read for the login check; default process.env. */
  readonly env?: NodeJS.ProcessEnv;
}

export interface RunDriftResult {
  /** 0 in sync, 2 drift, else a failure's code (pipeline/failure.ts). */
  readonly exitCode: number;
  readonly output: string;
  readonly errors: string;
  readonly report?: DriftReport;
  /** The check as the gauges report it, when one ran. */
  readonly check?: DriftCheck;
}

function render(report: DriftReport, plan: Parameters<typeof renderPlan>[0], format: DriftFormat, colour: boolean): string {
  if (format === 'json') return renderDriftJson(report);
  const summary = driftSummaryLine(report);
  if (format === 'markdown') {
    const body = report.inSync ? '' : `\n${renderPlan(plan, 'markdown')}`;
    return `### Drift check: ${report.target.address} (Milvus ${report.target.milvusVersion})\n\n${summary}\n${body}`;
  }
  return report.inSync ? `${summary}\n` : `${summary}\nNothing was changed; \`rbac apply\` would make these changes:\n\n${renderPlan(plan, 'text', { colour })}`;
}

async function check(conn: MilvusConnection, options: RunDriftOptions): Promise<RunDriftResult> {
  const planned = await planAgainstLive(conn, options.files, { ...(options.limits ? { limits: options.limits } : {}), ...(options.env ? { env: options.env } : {}) });
  if ('invalid' in planned) return failureResult(invalidPolicy(planned), options.format);
  const report = driftReport(planned.plan, planned.desired, planned.live.state, planned.waiting);
  const output = render(report, planned.plan, options.format ?? 'text', options.colour ?? false);
  return { exitCode: report.inSync ? 0 : 2, output, errors: formattedLines(planned.diagnostics), report };
}

/** One check with its timing, as the gauges report it; `target` labels them (default: the address). */
export async function timedDriftCheck(options: RunDriftOptions, target: string = options.connection.address): Promise<{ result: RunDriftResult; check: DriftCheck }> {
  const clock = options.now ?? (() => new Date());
  const started = clock().getTime();
  const result = await withConnection<RunDriftResult>(options.connection, (conn) => check(conn, options), (f) => failureResult(f, options.format), options.files);
  const finished = clock().getTime();
  return {
    result,
    check: { ...(result.report ? { report: result.report } : {}), durationSeconds: (finished - started) / 1000, finishedAt: Math.floor(finished / 1000), target },
  };
}

export async function runDrift(options: RunDriftOptions): Promise<RunDriftResult> {
  const clash = options.prometheusTextfile ? overwritesInput(options.prometheusTextfile, options.files, '--prometheus-textfile') : null;
  if (clash) return failureResult({ kind: 'invalid-input', message: clash }, options.format);
  const { result, check: done } = await timedDriftCheck(options);
  if (options.prometheusTextfile) {
    try {
      await writeDriftMetrics(options.prometheusTextfile, done);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return { ...result, check: done, exitCode: 1, errors: `${result.errors}Error: could not write ${options.prometheusTextfile}: ${message}\n` };
    }
  }
  return { ...result, check: done };
}
