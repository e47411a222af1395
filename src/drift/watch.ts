import { setTimeout as sleep } from 'node:timers/promises';
import { runDrift } from './run.js';
import type { RunDriftOptions, RunDriftResult } from './run.js';

/**
 * `rbac drift --watch`: a check every interval until stopped, for a long-running sidecar next to
 * node-exporter instead of a cron job. Checks never overlap: the next one waits for the interval
 * after the previous one ended, so a slow server cannot pile checks up.
 */
export async function watchDrift(
  options: RunDriftOptions,
  intervalMs: number,
  onResult: (result: RunDriftResult) => void,
  signal: AbortSignal,
): Promise<void> {
  while (!signal.aborted) {
    onResult(await runDrift(options));
    try {
      await sleep(intervalMs, undefined, { signal });
    } catch {
      return;
    }
  }
}
