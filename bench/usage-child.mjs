// @ts-check
/** One `rbac usage` run in a fresh process: its time and its peak resident memory. */
const { log, policy } = JSON.parse(process.argv[2] ?? '{}');
const { runUsage } = await import(new URL('../dist/usage/run.js', import.meta.url).href);
const started = process.hrtime.bigint();
try {
  const result = await runUsage({ logs: [log], files: [policy], milvusVersion: '2.5.4', format: 'json' });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (!result.report) throw new Error(result.errors || result.output);
  const peakRssMB = Math.round(process.resourceUsage().maxRSS / 1024);
  process.stdout.write(`${JSON.stringify({ ms, peakRssMB, accessLines: result.report.lines.access, users: result.report.users.length })}\n`);
} catch (error) {
  process.stdout.write(`${JSON.stringify({ error: error instanceof Error ? error.message : String(error) })}\n`);
}
