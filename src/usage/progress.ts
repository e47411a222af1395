import type { LogProgress } from './read-logs.js';

/** Progress on a terminal, at most twice a second, on one line that ends when reading does. */
export function progressPrinter(stream: NodeJS.WriteStream): (p: LogProgress) => void {
  let shown = 0;
  return (p) => {
    const now = Date.now();
    const done = p.totalBytes !== null && p.bytes >= p.totalBytes;
    if (!done && now - shown < 500) return;
    shown = now;
    const mb = (n: number): string => `${(n / 1_048_576).toFixed(1)} MB`;
    const of = p.totalBytes !== null ? ` of ${mb(p.totalBytes)} (${Math.floor((100 * p.bytes) / Math.max(p.totalBytes, 1))}%)` : '';
    stream.write(`\rreading ${mb(p.bytes)}${of}, ${p.lines.toLocaleString('en-US')} lines${done ? '\n' : ''}`);
  };
}
