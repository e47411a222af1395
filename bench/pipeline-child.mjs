// @ts-check
/**
 * One cold run of the offline pipeline in a fresh process, as `rbac validate` / `rbac plan` run:
 * load and validate the policy, then plan (diff → order → simulate) against each given live state.
 * A fresh process per run gives honest cold timings and a peak-memory figure (maxRSS) that belongs
 * to this work alone. Prints one JSON line.
 *
 * Input: one argument, JSON { policyFile, version, limits, lives: [{ name, file }] }.
 */
import { readFileSync } from 'node:fs';

const input = JSON.parse(process.argv[2] ?? '{}');
const distRoot = process.env.BENCH_DIST ?? new URL('../dist/', import.meta.url).href;
const ms = (start) => Number(process.hrtime.bigint() - start) / 1e6;
/** CPU time (user + system) since `start`: steadier than wall time on a busy machine. */
const cpuMs = (start) => {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
};
const rssMB = () => process.resourceUsage().maxRSS / 1024;

let start = process.hrtime.bigint();
const policy = await import(new URL('policy/index.js', distRoot).href);
const importMs = ms(start);

start = process.hrtime.bigint();
const validateCpu = process.cpuUsage();
const loaded = await policy.loadPolicy([input.policyFile], {});
const validateMs = ms(start);
const validateCpuMs = cpuMs(validateCpu);
if (!loaded.ok) {
  process.stdout.write(`${JSON.stringify({ error: `the generated policy is invalid: ${loaded.diagnostics.slice(0, 3).map(policy.formatDiagnostic).join('; ')}` })}\n`);
  process.exit(1);
}
const validateMaxRssMB = rssMB();

const [versions, diff, order, simulate] = await Promise.all(
  ['model/versions.js', 'plan/diff.js', 'plan/order.js', 'plan/simulate.js'].map((p) => import(new URL(p, distRoot).href)),
);
const version = versions.parseMilvusVersion(input.version);
const features = versions.featuresOf(version);
const desired = loaded.desired;

const plans = [];
for (const live of input.lives ?? []) {
  const state = JSON.parse(readFileSync(live.file, 'utf8'));
  const operator = 'root';
  const planCpu = process.cpuUsage();
  let t = process.hrtime.bigint();
  const d = diff.diffStates({ live: state, desired, features, operator, limits: input.limits, versionLabel: input.version });
  const diffMs = ms(t);
  t = process.hrtime.bigint();
  const steps = order.orderSteps({ operations: d.operations, live: state, operator });
  const orderMs = ms(t);
  t = process.hrtime.bigint();
  simulate.simulatePlan({ live: state, desired, steps, version, limits: input.limits, operator, droppedRoles: d.dropped.roles });
  const simulateMs = ms(t);
  plans.push({ name: live.name, steps: steps.length, diffMs, orderMs, simulateMs, totalMs: diffMs + orderMs + simulateMs, cpuMs: cpuMs(planCpu) });
}

const memory = process.memoryUsage();
process.stdout.write(
  `${JSON.stringify({ importMs, validateMs, validateCpuMs, validateMaxRssMB, maxRssMB: rssMB(), heapUsedMB: memory.heapUsed / 1048576, plans })}\n`,
);
