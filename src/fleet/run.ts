import type { Target } from '../config/targets.js';
import { writeFleetDriftMetrics } from '../drift/prometheus.js';
import type { DriftCheck } from '../drift/prometheus.js';
import { timedDriftCheck } from '../drift/run.js';
import { overwritesInput } from '../pipeline/output-guard.js';
import { mapWithConcurrency } from '../milvus/concurrency.js';
import { connectionOptionsFromEnv } from '../milvus/connection-settings.js';
import type { ConnectionOptions } from '../milvus/connection-settings.js';
import { EXIT_CODES, failureKindOf, failureOf, failureResult } from '../pipeline/failure.js';
import { runPlan } from '../pipeline/run-plan.js';
import type { RunPlanResult } from '../pipeline/run-plan.js';
import type { Failure } from '../pipeline/failure.js';
import { JSON_FORMAT_VERSION } from '../report/format-version.js';
import { textTable } from './table.js';

/**
 * `rbac plan` and `rbac drift` over several named targets in one run: in parallel (a few at a
 * time), each target's own result in full, then one summary, and one exit code for the fleet.
 * A target that cannot be reached is reported and does not stop the others.
 */

export type FleetCommand = 'plan' | 'drift';
export type FleetFormat = 'text' | 'json' | 'markdown';

export interface RunFleetOptions {
  readonly command: FleetCommand;
  readonly targets: readonly Target[];
  readonly format?: FleetFormat;
  /** Policy files for every target instead of each target's own. */
  readonly files?: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  /** Targets checked at once. */
  readonly concurrency?: number;
  readonly debug?: boolean;
  /** drift: one node-exporter textfile with every target's gauges, labelled by target name. */
  readonly prometheusTextfile?: string;
}

interface TargetResult {
  readonly name: string;
  readonly address: string;
  readonly exitCode: number;
  readonly output: string;
  readonly errors: string;
  /** Steps to apply, when the target was read. */
  readonly steps?: number;
  readonly drift?: DriftCheck;
}

const DEFAULT_CONCURRENCY = 4;

/** A target's connection options, secrets read from where the config names them. Throws ConnectionError or SecretError. */
export function connectionOf(target: Target, options: { readonly debug?: boolean; readonly env?: NodeJS.ProcessEnv }): ConnectionOptions {
  return connectionOptionsFromEnv({ ...target.connection, ...(options.debug ? { debug: true } : {}) }, configuredOnly(target, options.env ?? process.env));
}

/** The variables a single-address run falls back on. */
const FALLBACK_VARIABLES = ['MILVUS_ADDRESS', 'MILVUS_URI', 'MILVUS_TOKEN', 'MILVUS_USER', 'MILVUS_PASSWORD', 'MILVUS_TLS', 'MILVUS_TLS_CA', 'MILVUS_TLS_CERT', 'MILVUS_TLS_KEY', 'MILVUS_TLS_SERVER_NAME'];

/**
 * A target is what the config says, nothing more: a MILVUS_TOKEN or MILVUS_TLS left in the shell
 * for one-off runs must not log in to, or switch TLS on for, every target that names neither.
 * A variable the target names itself (`token: { env: MILVUS_TOKEN }`) stays.
 */
function configuredOnly(target: Target, env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const named = new Set([target.connection.tokenEnv, target.connection.passwordEnv]);
  return Object.fromEntries(Object.entries(env).filter(([name]) => named.has(name) || !FALLBACK_VARIABLES.includes(name)));
}

/** A target's connection options, or why there are none (a secret that cannot be read…). */
export function targetConnection(target: Target, options: { readonly debug?: boolean; readonly env?: NodeJS.ProcessEnv }): { connection: ConnectionOptions } | { failure: Failure } {
  try {
    return { connection: connectionOf(target, options) };
  } catch (error) {
    return { failure: failureOf(error, target.connection.address ?? '') };
  }
}

/** The policy files a target is planned from: those the run gives, else the target's own. */
export function policiesOf(target: Target, files: readonly string[] | undefined): readonly string[] {
  return files && files.length > 0 ? files : target.policies;
}

/** `rbac plan` of one target (changes exit 2); a target that cannot be connected fails as a plan does. */
export async function planTarget(target: Target, files: readonly string[], options: { readonly debug?: boolean; readonly env?: NodeJS.ProcessEnv }, format: FleetFormat): Promise<RunPlanResult> {
  const made = targetConnection(target, options);
  if ('failure' in made) return failureResult(made.failure, format === 'json' ? 'json' : 'text');
  return runPlan({ files, connection: made.connection, format, detailedExitcode: true, ...(target.limits ? { limits: target.limits } : {}), ...(options.env ? { env: options.env } : {}) });
}

async function runOne(target: Target, options: RunFleetOptions): Promise<TargetResult> {
  const format = options.format ?? 'text';
  const address = target.connection.address ?? '';
  const files = policiesOf(target, options.files);
  if (options.command === 'plan') {
    const r = await planTarget(target, files, options, format);
    return { name: target.name, address, exitCode: r.exitCode, output: r.output, errors: r.errors, ...(r.plan ? { steps: r.plan.steps.length } : {}) };
  }
  const made = targetConnection(target, options);
  if ('failure' in made) return { name: target.name, address, ...failureResult(made.failure, format === 'json' ? 'json' : 'text') };
  // The fleet writes one textfile for all targets, so each check runs without one.
  const { result: r, check: drift } = await timedDriftCheck({ files, connection: made.connection, format, ...(target.limits ? { limits: target.limits } : {}), ...(options.env ? { env: options.env } : {}) }, target.name);
  return { name: target.name, address, exitCode: r.exitCode, output: r.output, errors: r.errors, drift, ...(r.report ? { steps: r.report.steps } : {}) };
}

/** Any failure: the first failing target's code (in the config's order); else 2 if any changes; else 0. */
export function fleetExitCode(codes: readonly number[]): number {
  return codes.find((c) => c !== 0 && c !== 2) ?? (codes.includes(2) ? 2 : 0);
}

function resultWords(command: FleetCommand, r: TargetResult): string {
  if (r.exitCode === 0) return command === 'plan' ? 'no changes' : 'in sync';
  if (r.exitCode === 2) return `${command === 'plan' ? 'changes' : 'drift'} (${r.steps ?? 0} step${r.steps === 1 ? '' : 's'})`;
  return `failed: ${failureKindOf(r.exitCode) ?? 'error'}`;
}

function table(command: FleetCommand, results: readonly TargetResult[]): string {
  return textTable([['target', 'address', 'exit', 'result'], ...results.map((r) => [r.name, r.address, String(r.exitCode), resultWords(command, r)])]);
}

export interface RunFleetResult {
  readonly exitCode: number;
  readonly output: string;
  readonly errors: string;
  /** drift: each target's check, for gauges. */
  readonly checks: readonly DriftCheck[];
}

export async function runFleet(options: RunFleetOptions): Promise<RunFleetResult> {
  const textfile = options.command === 'drift' ? options.prometheusTextfile : undefined;
  const clash = textfile ? overwritesInput(textfile, [...(options.files ?? []), ...options.targets.flatMap((t) => t.policies)], '--prometheus-textfile') : null;
  if (clash) return { ...failureResult({ kind: 'invalid-input', message: clash }, options.format === 'json' ? 'json' : 'text'), checks: [] };
  const results = await mapWithConcurrency(options.targets, options.concurrency ?? DEFAULT_CONCURRENCY, (t) => runOne(t, options));
  let exitCode = fleetExitCode(results.map((r) => r.exitCode));
  let metricsError = '';
  if (textfile) {
    try {
      await writeFleetDriftMetrics(textfile, results.flatMap((r) => (r.drift ? [r.drift] : [])));
    } catch (error) {
      metricsError = `Error: could not write ${textfile}: ${error instanceof Error ? error.message : String(error)}\n`;
      exitCode = exitCode === 0 || exitCode === 2 ? EXIT_CODES['invalid-input'] : exitCode;
    }
  }
  const format = options.format ?? 'text';
  const checks = results.flatMap((r) => (r.drift ? [r.drift] : []));
  if (format === 'json') {
    const targets = results.map((r) => ({ name: r.name, address: r.address, exitCode: r.exitCode, result: r.output ? (JSON.parse(r.output) as unknown) : null }));
    return { exitCode, checks, errors: `${results.map((r) => r.errors).join('')}${metricsError}`, output: `${JSON.stringify({ formatVersion: JSON_FORMAT_VERSION, command: options.command, exitCode, targets }, null, 2)}\n` };
  }
  if (format === 'markdown') {
    const summary = ['| target | exit | result |', '|---|---|---|', ...results.map((r) => `| ${r.name} | ${r.exitCode} | ${resultWords(options.command, r)} |`)];
    const sections = results.map((r) => `## ${r.name} (\`${r.address}\`)\n\n${r.output || `\`\`\`\n${r.errors.trimEnd()}\n\`\`\`\n`}`);
    return { exitCode, checks, errors: metricsError, output: `# rbac ${options.command}: ${results.length} targets\n\n${summary.join('\n')}\n\n${sections.join('\n')}` };
  }
  const sections = results.map((r) => `== ${r.name} (${r.address})\n${r.output}${r.errors}`);
  return { exitCode, checks, errors: metricsError, output: `${sections.join('\n')}\n${table(options.command, results)}\n` };
}
