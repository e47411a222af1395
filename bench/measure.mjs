// @ts-check
/**
 * The measurements, each a function of a `lib` (the tool's modules: built ones from dist/ in the
 * benchmark, the sources in the smoke test) so that what is measured is the code users run.
 *
 * @typedef {import('./emulator.mjs').BenchEmulator} BenchEmulator
 * @typedef {{
 *   loadPolicyText: (text: string, file: string, options?: object) => any,
 *   connect: (options: any) => Promise<any>,
 *   connectionOptionsFromEnv: (flags: any, env: any) => any,
 *   readLiveState: (conn: any, options?: any) => Promise<any>,
 *   executeOperation: (conn: any, op: any, secrets: any, options?: any) => Promise<void>,
 *   envSecretResolver: (env: any) => any,
 *   executePlan: (steps: readonly any[], run: (op: any, ctx: any) => Promise<void>, options: any) => Promise<any>,
 *   makePlan: (options: any) => any,
 *   canonicalState: (state: any) => any,
 *   statesEqual: (a: any, b: any) => boolean,
 *   parallelism: number,
 *   retry: { attempts: number, baseDelayMs: number, maxDelayMs?: number },
 *   MilvusClient: any,
 *   startEmulator: (input: { options: object, state?: object }) => Promise<BenchEmulator>,
 * }} BenchLib
 */
import { runNaive } from './naive.mjs';
import { PASSWORD_ENV } from './gen.mjs';

export const ROOT_TOKEN = 'root:Milvus';
/** What every generated user's password is set to (a benchmark value, not a secret). */
export const BENCH_PASSWORD = 'bench-password-0001';

export const now = () => process.hrtime.bigint();
export const since = (start) => Number(process.hrtime.bigint() - start) / 1e6;

/** min / median / max of a list of numbers (NaN when empty). */
export function summarise(values) {
  const sorted = [...values].filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return { min: Number.NaN, median: Number.NaN, max: Number.NaN, runs: 0 };
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { min: sorted[0], median, max: sorted[sorted.length - 1], runs: sorted.length };
}

/** The generated objects only: users `u_*`, roles `tn_*` / `sh_*`, custom groups (admin, public, root left out). */
export function generatedPart(lib, state) {
  return lib.canonicalState({
    users: state.users.filter((u) => u.name.startsWith('u_')),
    roles: state.roles.filter((r) => r.name.startsWith('tn_') || r.name.startsWith('sh_')),
    privilegeGroups: state.privilegeGroups,
  });
}

/**
 * Authorization is off unless BENCH_EMULATOR_AUTH=1: the emulator checks each call against a full
 * snapshot of its state, a cost that grows with the state and belongs to the test double, not to
 * the tool (docs/benchmarks.md). The tool sends its credentials either way.
 */
export function emulatorOptions(profile, limits) {
  return { milvusVersion: profile, limits, authorization: process.env.BENCH_EMULATOR_AUTH === '1' };
}

/**
 * Connects as root. A fresh emulator has, rarely and only on a loaded machine, refused the very
 * first connection ("No connection established"), once three times in a row with the 16× state
 * just loaded, so the benchmark tries six times, waiting longer each time, before giving up.
 */
async function connectTo(lib, address, poolSize) {
  const options = lib.connectionOptionsFromEnv({ address }, { MILVUS_TOKEN: ROOT_TOKEN });
  for (let attempt = 1; ; attempt++) {
    try {
      return await lib.connect({ ...options, poolSize });
    } catch (error) {
      if (attempt >= 6) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
    }
  }
}

/** Runs `work` with a connection to a fresh emulator and always stops both. */
async function withEmulator(lib, { options, state, poolSize }, work) {
  const emulator = await lib.startEmulator({ options, ...(state ? { state } : {}) });
  let conn;
  try {
    conn = poolSize > 0 ? await connectTo(lib, emulator.address, poolSize) : undefined;
    return await work(emulator, conn);
  } finally {
    await conn?.close();
    await emulator.stop();
  }
}

/**
 * Live-state read against an emulator seeded with `state`, `latencyMs` added to every call;
 * `denyBackup` refuses BackupRBAC so that the reader reads role by role.
 * @param {BenchLib} lib
 */
export async function measureLiveRead(lib, { state, profile, limits, latencyMs, runs, databases, denyBackup = false }) {
  return withEmulator(lib, { options: emulatorOptions(profile, limits), state, poolSize: 16 }, async (emulator, conn) => {
    await emulator.setFaults({ latencyMs, denyBackup });
    const samples = [];
    for (let i = 0; i < runs; i++) {
      const before = await emulator.stats();
      const cpu = process.cpuUsage();
      const start = now();
      const read = await lib.readLiveState(conn, { databases });
      const ms = since(start);
      const used = process.cpuUsage(cpu);
      const after = await emulator.stats();
      samples.push({
        ms,
        rpcCount: read.rpcCount,
        serverCalls: after.calls - before.calls,
        serverCpuMs: after.cpuMs - before.cpuMs,
        // The tool's own CPU time (this process); meaningful when the emulator runs elsewhere.
        clientCpuMs: (used.user + used.system) / 1000,
        method: read.method,
        correct: lib.statesEqual(generatedPart(lib, read.state), generatedPart(lib, state)),
      });
    }
    return samples;
  });
}

function runner(lib, conn) {
  const secrets = lib.envSecretResolver({ [PASSWORD_ENV]: BENCH_PASSWORD });
  return (op, ctx) => lib.executeOperation(conn, op, secrets, { afterTransientFailure: ctx.afterTransientFailure });
}

function failureOf(report) {
  const error = report.failed.error;
  return new Error(`apply failed at ${report.failed.step.id}: ${error instanceof Error ? error.message : String(error)}`);
}

/** Reads the server back (no latency) and compares the generated part with the policy. */
async function matchesPolicy(lib, emulator, conn, desired) {
  await emulator.setFaults({ latencyMs: 0 });
  const check = await lib.readLiveState(conn, { databases: desired.databases });
  return lib.statesEqual(generatedPart(lib, check.state), generatedPart(lib, desired.state));
}

/**
 * `rbac apply`'s executor on the plan from `initial` (an RbacState, or a fresh server) to `desired`,
 * with `latencyMs` on every call. The plan is computed before the clock starts; the result is
 * read back afterwards (untimed) and compared with the policy.
 * @param {BenchLib} lib
 */
export async function measureApply(lib, { desired, initial, profile, limits, latencyMs, parallelism }) {
  const width = parallelism ?? lib.parallelism;
  return withEmulator(lib, { options: emulatorOptions(profile, limits), state: initial, poolSize: width }, async (emulator, conn) => {
    const live = await lib.readLiveState(conn, { databases: desired.databases });
    const plan = lib.makePlan({ desired, live, policyHash: 'bench', operator: 'root', limits });
    await emulator.setFaults({ latencyMs });
    const before = await emulator.stats();
    const start = now();
    const report = await lib.executePlan(plan.steps, runner(lib, conn), { parallelism: width, retry: lib.retry });
    const ms = since(start);
    const after = await emulator.stats();
    if (report.failed) throw failureOf(report);
    return {
      ms,
      steps: plan.steps.length,
      serverCpuMs: after.cpuMs - before.cpuMs,
      correct: await matchesPolicy(lib, emulator, conn, desired),
      planSteps: plan.steps,
    };
  });
}

/**
 * The executor alone on given plan steps (e.g. the slice the naive baseline runs) on a fresh server.
 * @param {BenchLib} lib
 */
export async function measureExecuteSteps(lib, { steps, profile, limits, latencyMs }) {
  return withEmulator(lib, { options: emulatorOptions(profile, limits), poolSize: lib.parallelism }, async (emulator, conn) => {
    await emulator.setFaults({ latencyMs });
    const start = now();
    const report = await lib.executePlan(steps, runner(lib, conn), { parallelism: lib.parallelism, retry: lib.retry });
    const ms = since(start);
    if (report.failed) throw failureOf(report);
    return { ms, steps: steps.length };
  });
}

/**
 * The naive baseline on `operations` (an additive plan's, in plan order) against a fresh server.
 * @param {BenchLib} lib
 */
export async function measureNaive(lib, { operations, profile, limits, latencyMs }) {
  return withEmulator(lib, { options: emulatorOptions(profile, limits), poolSize: 0 }, async (emulator) => {
    await emulator.setFaults({ latencyMs });
    return runNaive(lib.MilvusClient, { address: emulator.address, token: ROOT_TOKEN, operations, password: BENCH_PASSWORD });
  });
}

/**
 * The everyday apply: the server differs from the policy in a small part (`drifted`). Timed as
 * `rbac apply` runs it: read the live state, plan, execute; each part reported.
 * @param {BenchLib} lib
 */
export async function measureDriftApply(lib, { desired, drifted, profile, limits, latencyMs }) {
  return withEmulator(lib, { options: emulatorOptions(profile, limits), state: drifted, poolSize: lib.parallelism }, async (emulator, conn) => {
    await emulator.setFaults({ latencyMs });
    let start = now();
    const live = await lib.readLiveState(conn, { databases: desired.databases });
    const readMs = since(start);
    start = now();
    const plan = lib.makePlan({ desired, live, policyHash: 'bench', operator: 'root', limits });
    const planMs = since(start);
    start = now();
    const report = await lib.executePlan(plan.steps, runner(lib, conn), { parallelism: lib.parallelism, retry: lib.retry });
    const executeMs = since(start);
    if (report.failed) throw failureOf(report);
    return { ms: readMs + planMs + executeMs, readMs, planMs, executeMs, steps: plan.steps.length, correct: await matchesPolicy(lib, emulator, conn, desired) };
  });
}
