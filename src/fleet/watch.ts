import { repeatChecks } from '../drift/watch.js';
import type { DriftMetrics } from '../drift/prometheus.js';
import { runFleet } from './run.js';
import type { RunFleetOptions, RunFleetResult } from './run.js';

/** `rbac drift --watch` over targets: every target checked each round, the gauges labelled by target name. */
export function watchFleetDrift(options: Omit<RunFleetOptions, 'command'>, intervalMs: number, onResult: (result: RunFleetResult) => void, signal: AbortSignal, metrics?: DriftMetrics): Promise<void> {
  return repeatChecks(() => runFleet({ ...options, command: 'drift' }), (r) => r.checks, intervalMs, onResult, signal, metrics);
}
