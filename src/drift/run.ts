import type { MilvusConnection } from '../milvus/connection.js';
import type { ConnectionOptions } from '../milvus/connection-settings.js';
import type { ObjectLimits } from '../model/names.js';
import { overwritesInput } from '../pipeline/output-guard.js';
import { planAgainstLive } from '../pipeline/plan-against-live.js';
import { failure, formattedLines, invalidPolicy } from '../pipeline/run-plan.js';
import { withConnection } from '../pipeline/with-connection.js';
import { renderPlan } from '../report/index.js';
import { writeDriftMetrics } from './prometheus.js';
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
  if ('invalid' in planned) return failure(invalidPolicy(planned), options.format);
  const report = driftReport(planned.plan, planned.desired, planned.live.state, planned.waiting);
  const output = render(report, planned.plan, options.format ?? 'text', options.colour ?? false);
  return { exitCode: report.inSync ? 0 : 2, output, errors: formattedLines(planned.diagnostics), report };
}

export async function runDrift(options: RunDriftOptions): Promise<RunDriftResult> {
  const clash = options.prometheusTextfile ? overwritesInput(options.prometheusTextfile, options.files, '--prometheus-textfile') : null;
  if (clash) return failure({ kind: 'invalid-input', message: clash }, options.format);
  const clock = options.now ?? (() => new Date());
  const started = clock().getTime();
  const result = await withConnection<RunDriftResult>(options.connection, (conn) => check(conn, options), (f) => failure(f, options.format), options.files);
  if (options.prometheusTextfile) {
    const finished = clock().getTime();
    try {
      await writeDriftMetrics(options.prometheusTextfile, {
        ...(result.report ? { report: result.report } : {}),
        durationSeconds: (finished - started) / 1000,
        finishedAt: Math.floor(finished / 1000),
        target: options.connection.address,
      });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return { ...result, exitCode: 1, errors: `${result.errors}Error: could not write ${options.prometheusTextfile}: ${message}\n` };
    }
  }
  return result;
}
