import { setTimeout as sleep } from 'node:timers/promises';
import type { DriftCheck, DriftMetrics } from './prometheus.js';
import { runDrift } from './run.js';
import type { RunDriftOptions, RunDriftResult } from './run.js';

/**
 * `rbac drift --watch`: a check every interval until stopped, for a long-running sidecar next to
 * node-exporter instead of a cron job. Checks never overlap: the next one waits for the interval
 * after the previous one ended, so a slow server cannot pile checks up. With `metrics`, each
 * check updates the gauges served on /metrics.
 */

/** Runs `check` until stopped; each round's drift checks go to the gauges. */
export async function repeatChecks<R>(check: () => Promise<R>, checksOf: (result: R) => readonly DriftCheck[], intervalMs: number, onResult: (result: R) => void, signal: AbortSignal, metrics?: DriftMetrics): Promise<void> {
  while (!signal.aborted) {
    const result = await check();
    for (const done of checksOf(result)) metrics?.record(done);
    onResult(result);
    try {
      await sleep(intervalMs, undefined, { signal });
    } catch {
      return;
    }
  }
}

export function watchDrift(options: RunDriftOptions, intervalMs: number, onResult: (result: RunDriftResult) => void, signal: AbortSignal, metrics?: DriftMetrics): Promise<void> {
  return repeatChecks(() => runDrift(options), (r) => (r.check ? [r.check] : []), intervalMs, onResult, signal, metrics);
}
