import { describeOperation } from '../milvus/describe.js';
import { MilvusCallError } from '../milvus/errors.js';
import type { ExecutableStep, ExecutorEvent } from './executor.js';

/**
 * Progress of a running apply. On a terminal one line per phase is redrawn in place (steps done /
 * total, errors); elsewhere (CI logs) plain lines are written when a phase starts and ends, and
 * for every retry and failure. JSON output writes no progress at all.
 */

export type ProgressMode = 'tty' | 'plain' | 'none';

/** Redrawing a line for each of 10 000 steps would cost more than the steps; redraw at most this often. */
const REDRAW_INTERVAL_MS = 100;

/** The error in Milvus's words: a MilvusCallError's message repeats the step, which the line already names. */
function errorText(error: unknown): string {
  if (error instanceof MilvusCallError) return `${error.reason} (${error.code})`;
  return error instanceof Error ? error.message : String(error);
}

/** Plans number their phases; people read the kind of operation the phase holds. */
function phaseLabel(first: ExecutableStep): string {
  return typeof first.phase === 'string' ? first.phase : first.operation.kind;
}

export function progressReporter<S extends ExecutableStep>(mode: ProgressMode, write: (text: string) => void): (event: ExecutorEvent<S>) => void {
  if (mode === 'none') return () => undefined;
  let label = '';
  let header = '';
  let total = 0;
  let done = 0;
  let failed = 0;
  let lastDraw = 0;
  // A dropped connection fails every call in flight at once: one line, then a count, not 64 lines.
  let lastRetry = '';
  let sameRetries = 0;
  const flushRetries = (): void => {
    if (sameRetries > 0) write(`  … and ${sameRetries} more step${sameRetries === 1 ? '' : 's'} retried after the same error\n`);
    sameRetries = 0;
    lastRetry = '';
  };
  const line = (): string => `${header} ${label}: ${done}/${total} done${failed ? `, ${failed} failed` : ''}`;
  const redraw = (force: boolean): void => {
    if (mode !== 'tty') return;
    const now = Date.now();
    if (!force && now - lastDraw < REDRAW_INTERVAL_MS) return;
    lastDraw = now;
    write(`\r\u001b[2K${line()}`);
  };
  return (event) => {
    switch (event.type) {
      case 'phase-start':
        total = event.total;
        done = 0;
        failed = 0;
        header = `[${event.index + 1}/${event.phases}]`;
        label = phaseLabel(event.first);
        if (mode === 'plain') write(`${header} ${label}: ${total} step${total === 1 ? '' : 's'}\n`);
        else redraw(true);
        return;
      case 'step-done':
        done++;
        redraw(false);
        return;
      case 'step-retry': {
        const reason = `${event.attempt}\u0000${errorText(event.error)}`;
        if (reason === lastRetry) {
          sameRetries++;
          return;
        }
        flushRetries();
        lastRetry = reason;
        if (mode === 'tty') write('\n');
        write(`retry ${event.attempt} of step ${event.step.id} (${describeOperation(event.step.operation)}) in ${event.delayMs} ms: ${errorText(event.error)}\n`);
        return;
      }
      case 'step-failed':
        flushRetries();
        failed++;
        if (mode === 'tty') write('\n');
        write(`failed: step ${event.step.id}: ${errorText(event.error)}\n`);
        return;
      case 'phase-end': {
        flushRetries();
        const seconds = (event.ms / 1000).toFixed(2);
        if (mode === 'tty') write(`\r\u001b[2K${line()} (${seconds} s)\n`);
        else write(`${header} ${label}: ${done}/${total} done${failed ? `, ${failed} failed` : ''} (${seconds} s)\n`);
        return;
      }
    }
  };
}
