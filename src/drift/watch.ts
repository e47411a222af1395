import { setTimeout as sleep } from 'node:timers/promises';
import type { DriftMetrics } from './prometheus.js';
import { runDrift } from './run.js';
import type { RunDriftOptions, RunDriftResult } from './run.js';

/**
 * `rbac drift --watch`: a check every interval until stopped, for a long-running sidecar next to
 * node-exporter instead of a cron job. Checks never overlap: the next one waits for the interval
 * after the previous one ended, so a slow server cannot pile checks up. With `metrics`, each
 * check updates the gauges served on /metrics.
 */
export async function watchDrift(
  options: RunDriftOptions,
  intervalMs: number,
  onResult: (result: RunDriftResult) => void,
  signal: AbortSignal,
  metrics?: DriftMetrics,
): Promise<void> {
  while (!signal.aborted) {
    const result = await runDrift(options);
    if (result.check) metrics?.record(result.check);
    onResult(result);
    try {
      await sleep(intervalMs, undefined, { signal });
    } catch {
      return;
    }
  }
}
