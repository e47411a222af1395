// @ts-check
/**
 * `npm run bench`: every figure of docs/benchmarks.md, measured in one run on this machine.
 *
 *   node --expose-gc bench/run.mjs [--sizes small,1x,2x,4x,8x,16x] [--quick] [--no-docs] [--no-results]
 *   node bench/run.mjs --render-only     (docs and chart again from bench/results.json, e.g. after editing bench/notes.md)
 *
 * Writes bench/results.json, bench/chart.svg and docs/benchmarks.md (unless --no-docs), and prints
 * the table. Needs a build (`npm run bench` builds first).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { driftState } from './drift.mjs';
import { measureFleet } from './fleet.mjs';
import { measureUsage } from './usage.mjs';
import { generatePolicy, PASSWORD_ENV, SIZES } from './gen.mjs';
import { loadDistLib } from './lib-dist.mjs';
import { measureApply, measureDriftApply, measureExecuteSteps, measureLiveRead, measureNaive, now, since, summarise } from './measure.mjs';
import { renderChart, renderMarkdown, renderTable } from './render.mjs';

const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};
const quick = flag('--quick');
const wanted = option('--sizes', SIZES.map((s) => s.name).join(',')).split(',');
const unknown = wanted.filter((w) => !SIZES.some((s) => s.name === w));
if (unknown.length > 0) {
  process.stderr.write(`unknown size(s) ${unknown.join(', ')}: use ${SIZES.map((s) => s.name).join(', ')}\n`);
  process.exit(2);
}
const sizes = SIZES.filter((s) => wanted.includes(s.name));

/** Repetitions: more where runs are cheap, fewer at 8× and 16× (the whole run must stay under 10 min). */
const REPS = quick ? { cheap: 1, read: 1, costly: 1, cold: 2 } : { cheap: 5, read: 3, costly: 1, cold: 10 };
function repsFor(size, kind) {
  if (quick) return 1;
  switch (kind) {
    case 'cheap':
      return size.scale >= 8 ? 3 : REPS.cheap;
    case 'read':
      return size.scale >= 16 ? 2 : REPS.read;
    case 'apply':
      return size.scale <= 1 ? 3 : 1;
    default:
      return REPS.costly;
  }
}
const READ_LATENCY_MS = 1;
const APPLY_LATENCY_MS = 2;
/** The naive baseline runs this many steps (the start of the additive plan) at every size: 100k sequential calls would take minutes. */
const NAIVE_SLICE = quick ? 200 : 1000;
/** The headline: a 10k-step plan, naive and tool both run in full, once, at the first size that has one. */
const TEN_K = 10_000;
let tenKMeasured = quick;
const DRIFT_FRACTION = 0.01;
/** Read paths: each profile's own, plus 2.5 with BackupRBAC refused (the per-role path of 2.4.18+). */
const PROFILES = [
  { key: '2.3', profile: '2.3', flavour: 'v1' },
  { key: '2.4', profile: '2.4', flavour: 'v1' },
  { key: '2.5', profile: '2.5', flavour: 'v2' },
  { key: '2.5 no backup', profile: '2.5', flavour: 'v2', denyBackup: true },
  { key: '2.6', profile: '2.6', flavour: 'v2' },
];
const APPLY_PROFILE = '2.5';
const VERSION_OF = { '2.3': 'v2.3.5', '2.4': 'v2.4.15', '2.5': 'v2.5.4', '2.6': 'v2.6.0' };

const root = new URL('../', import.meta.url);
const work = mkdtempSync(join(os.tmpdir(), 'rbac-bench-'));
const log = (text) => process.stderr.write(`${text}\n`);
const benchStart = now();

function machine() {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model?.trim() ?? 'unknown',
    cpus: cpus.length,
    memoryGB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    date: new Date().toISOString(),
    /** 1-minute load average when the run started: above the CPU count, other work shared the machine. */
    loadAverageAtStart: Math.round(os.loadavg()[0] * 100) / 100,
  };
}

/** Runs `node <args>` and returns the wall time in ms, failing loudly on a non-zero exit. */
function timeNode(nodeArgs, label) {
  const start = now();
  const result = spawnSync(process.execPath, nodeArgs, { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  const ms = since(start);
  if (result.status !== 0) throw new Error(`${label} exited ${result.status}: ${result.stderr.slice(0, 500)}`);
  return { ms, stdout: result.stdout };
}

function measureColdStart(smallPolicyFile) {
  const bin = new URL('bin/rbac.js', root).pathname;
  const help = [];
  const validate = [];
  const sdkImport = [];
  for (let i = 0; i < REPS.cold; i++) {
    help.push(timeNode([bin, '--help'], 'rbac --help').ms);
    validate.push(timeNode([bin, 'validate', '-f', smallPolicyFile], 'rbac validate').ms);
    sdkImport.push(timeNode(['--input-type=module', '-e', "import('@zilliz/milvus2-sdk-node')"], 'SDK import').ms);
  }
  const baseline = [];
  for (let i = 0; i < REPS.cold; i++) baseline.push(timeNode(['-e', '0'], 'node -e 0').ms);
  return { help: summarise(help), validateSmall: summarise(validate), sdkImport: summarise(sdkImport), nodeBaseline: summarise(baseline) };
}

/** Size of the generated access log `rbac usage` reads: a gigabyte, as the issue asks (64 MiB in a quick run). */
const USAGE_MB = quick ? 64 : 1024;

/** Servers in the fleet run: `rbac plan --all-targets` against as many single runs. */
const FLEET_TARGETS = 10;

/** Grants in the one very large role: lint's redundancy checks once grew with the square of this. */
const LARGE_ROLE_GRANTS = 20_000;

/** `rbac validate` (lint on, a fresh process) of a policy whose one role holds LARGE_ROLE_GRANTS grants. */
function measureLargeRole() {
  const collections = Array.from({ length: LARGE_ROLE_GRANTS / 2 }, (_, i) => `c${i}`);
  const file = join(work, 'large-role.yaml');
  writeFileSync(file, `version: 1\nroles:\n  big:\n    grants:\n      - privileges: [Search, Query]\n        collections: [${collections.join(', ')}]\n`);
  const bin = new URL('bin/rbac.js', root).pathname;
  const runs = [];
  for (let i = 0; i < (quick ? 1 : 3); i++) runs.push(timeNode([bin, 'validate', '-f', file], 'rbac validate (one large role)').ms);
  return { grants: LARGE_ROLE_GRANTS, validateMs: summarise(runs) };
}

/** A fresh process per run: validate, then plan against an empty server and against a 1% drift. */
function runPipelineChild({ policyFile, lives, version, limits }) {
  const child = new URL('./pipeline-child.mjs', import.meta.url).pathname;
  const { stdout } = timeNode([child, JSON.stringify({ policyFile, lives, version, limits })], 'pipeline child');
  const result = JSON.parse(stdout.trim().split('\n').pop() ?? '{}');
  if (result.error) throw new Error(result.error);
  return result;
}

/** Runs one section; a failure is recorded in the results and the run goes on. */
async function attempt(label, section, run) {
  try {
    return await run();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    log(`[${label}] ${section} FAILED: ${message}`);
    return { error: message };
  }
}

async function benchSize(lib, engineModule, size) {
  const label = size.name;
  const generated = { v1: generatePolicy({ size, flavour: 'v1' }), v2: generatePolicy({ size, flavour: 'v2' }) };
  const dims = generated.v2.dimensions;
  const limits = dims.defaultLimits ? { maxUsers: 100, maxRoles: 10 } : { maxUsers: dims.users * 2 + 1, maxRoles: (generated.v2.expected.roles + 2) * 2 };
  const loaded = {};
  for (const flavour of ['v1', 'v2']) {
    const result = lib.loadPolicyText(generated[flavour].yaml, `${label}-${flavour}.yaml`);
    if (!result.ok) throw new Error(`generated ${label} ${flavour} policy is invalid: ${JSON.stringify(result.diagnostics.slice(0, 3))}`);
    loaded[flavour] = result.desired;
  }
  const desired = loaded.v2;
  const out = { name: label, scale: size.scale, dimensions: dims, counts: generated.v2.expected, limits };

  const version = engineModule.versions.parseMilvusVersion(VERSION_OF[APPLY_PROFILE]);
  const fresh = new engineModule.RbacEngine({ version, limits }).snapshot();
  const drift = driftState(desired.state, { fraction: DRIFT_FRACTION, extraUsers: !dims.defaultLimits });
  const driftedLive = new engineModule.RbacEngine({ version, limits }, drift.state).snapshot();
  // The additive plan, computed here once: the naive baseline replays its first steps.
  const additivePlan = lib.makePlan({
    desired,
    live: { state: fresh, version, versionString: VERSION_OF[APPLY_PROFILE], address: 'bench' },
    policyHash: 'bench',
    operator: 'root',
    limits,
  });

  // Validate and plan compute, cold, each in its own process.
  out.validate = await attempt(label, 'validate + plan compute', async () => {
    const policyFile = join(work, `${label}.yaml`);
    writeFileSync(policyFile, generated.v2.yaml);
    const lives = [
      { name: 'additive', file: join(work, `${label}-fresh.json`), state: fresh },
      { name: 'drift', file: join(work, `${label}-drift.json`), state: driftedLive },
    ];
    for (const l of lives) writeFileSync(l.file, JSON.stringify(l.state));
    log(`[${label}] validate + plan compute`);
    const pipelines = [];
    for (let i = 0; i < repsFor(size, 'cheap'); i++) {
      pipelines.push(runPipelineChild({ policyFile, lives: lives.map(({ name, file }) => ({ name, file })), version: VERSION_OF[APPLY_PROFILE], limits }));
    }
    out.plan = { peakRssMB: summarise(pipelines.map((p) => p.maxRssMB)) };
    for (const name of ['additive', 'drift']) {
      const runs = pipelines.map((p) => p.plans.find((x) => x.name === name));
      out.plan[name] = {
        steps: runs[0].steps,
        diffMs: summarise(runs.map((r) => r.diffMs)),
        orderMs: summarise(runs.map((r) => r.orderMs)),
        simulateMs: summarise(runs.map((r) => r.simulateMs)),
        totalMs: summarise(runs.map((r) => r.totalMs)),
        cpuMs: summarise(runs.map((r) => r.cpuMs)),
      };
    }
    return {
      ms: summarise(pipelines.map((p) => p.validateMs)),
      cpuMs: summarise(pipelines.map((p) => p.validateCpuMs)),
      moduleImportMs: summarise(pipelines.map((p) => p.importMs)),
      peakRssMB: summarise(pipelines.map((p) => p.validateMaxRssMB)),
    };
  });

  // Live-state read per version profile, 1 ms on every call.
  out.read = {};
  for (const { key, profile, flavour, denyBackup } of PROFILES) {
    out.read[key] = await attempt(label, `live read on ${key}`, async () => {
      log(`[${label}] live read on ${key}`);
      const samples = await measureLiveRead(lib, {
        denyBackup: denyBackup === true,
        state: loaded[flavour].state,
        profile,
        limits,
        latencyMs: READ_LATENCY_MS,
        runs: repsFor(size, 'read'),
        databases: loaded[flavour].databases,
      });
      return {
        flavour,
        method: samples[0].method,
        rpcCount: samples[0].rpcCount,
        ms: summarise(samples.map((s) => s.ms)),
        serverCpuMs: summarise(samples.map((s) => s.serverCpuMs)),
        clientCpuMs: summarise(samples.map((s) => s.clientCpuMs)),
        correct: samples.every((s) => s.correct),
      };
    });
  }

  // Apply of the all-additive plan (fresh server), 2 ms on every call.
  out.apply = await attempt(label, 'apply (additive)', async () => {
    log(`[${label}] apply (additive)`);
    const runs = [];
    for (let i = 0; i < repsFor(size, 'apply'); i++) runs.push(await measureApply(lib, { desired, profile: APPLY_PROFILE, limits, latencyMs: APPLY_LATENCY_MS }));
    const ms = summarise(runs.map((r) => r.ms));
    return {
      steps: runs[0].steps,
      ms,
      stepsPerSecond: runs[0].steps / (ms.median / 1000),
      serverCpuMs: summarise(runs.map((r) => r.serverCpuMs)),
      correct: runs.every((r) => r.correct),
    };
  });

  // The naive baseline and the tool on the same first steps of that plan.
  out.naive = await attempt(label, 'naive baseline', async () => {
    log(`[${label}] naive baseline (${NAIVE_SLICE} steps) and the tool on the same steps`);
    const slice = additivePlan.steps.slice(0, NAIVE_SLICE);
    const naive = await measureNaive(lib, { operations: slice.map((s) => s.operation), profile: APPLY_PROFILE, limits, latencyMs: APPLY_LATENCY_MS });
    const tool = [];
    for (let i = 0; i < REPS.read; i++) tool.push((await measureExecuteSteps(lib, { steps: slice, profile: APPLY_PROFILE, limits, latencyMs: APPLY_LATENCY_MS })).ms);
    const toolMs = summarise(tool);
    const naivePerStep = naive.ms / slice.length;
    const applyMedian = out.apply.ms?.median ?? Number.NaN;
    return {
      steps: slice.length,
      naiveMs: naive.ms,
      toolMs,
      ratio: naive.ms / toolMs.median,
      projectedNaiveFullMs: naivePerStep * additivePlan.steps.length,
      projectedFullRatio: (naivePerStep * additivePlan.steps.length) / applyMedian,
    };
  });

  // A 10,000-step plan applied in full both ways (the naive run takes about half a minute).
  if (!tenKMeasured && additivePlan.steps.length >= TEN_K) {
    tenKMeasured = true;
    out.naiveTenK = await attempt(label, 'naive baseline, 10k steps', async () => {
      log(`[${label}] naive baseline and the tool on the first ${TEN_K} steps, in full`);
      const steps = additivePlan.steps.slice(0, TEN_K);
      const naive = await measureNaive(lib, { operations: steps.map((s) => s.operation), profile: APPLY_PROFILE, limits, latencyMs: APPLY_LATENCY_MS });
      const tool = [];
      for (let i = 0; i < REPS.read; i++) tool.push((await measureExecuteSteps(lib, { steps, profile: APPLY_PROFILE, limits, latencyMs: APPLY_LATENCY_MS })).ms);
      const toolMs = summarise(tool);
      return { steps: steps.length, naiveMs: naive.ms, toolMs, ratio: naive.ms / toolMs.median };
    });
  }

  // The everyday apply: 1% of the state differs.
  out.drift = await attempt(label, 'apply (1% drift)', async () => {
    log(`[${label}] apply (1% drift)`);
    const runs = [];
    for (let i = 0; i < repsFor(size, 'read'); i++) {
      runs.push(await measureDriftApply(lib, { desired, drifted: drift.state, profile: APPLY_PROFILE, limits, latencyMs: APPLY_LATENCY_MS }));
    }
    return {
      changes: drift.changes,
      steps: runs[0].steps,
      ms: summarise(runs.map((r) => r.ms)),
      readMs: summarise(runs.map((r) => r.readMs)),
      planMs: summarise(runs.map((r) => r.planMs)),
      executeMs: summarise(runs.map((r) => r.executeMs)),
      correct: runs.every((r) => r.correct),
    };
  });
  return out;
}

const fmtSteps = (n) => n.toLocaleString('en-US');

/** Each target of the issue, checked against the largest size measured; a failed section misses its targets. */
function checkTargets(results) {
  const largest = results.sizes[results.sizes.length - 1];
  const t = [];
  const add = (name, target, value, pass, unit) => t.push({ name, target, value: value ?? Number.NaN, unit, pass: Boolean(pass) && Number.isFinite(value) });
  const under = (value, limit) => Number.isFinite(value) && value < limit;
  add('CLI cold start: rbac --help', '< 300 ms', results.coldStart.help.median, under(results.coldStart.help.median, 300), 'ms');
  add('CLI cold start: rbac validate (small file)', '< 300 ms', results.coldStart.validateSmall.median, under(results.coldStart.validateSmall.median, 300), 'ms');
  if (results.largeRole) {
    const ms = results.largeRole.validateMs.median;
    add(`rbac validate (lint on) of one role with ${fmtSteps(results.largeRole.grants)} grants`, '< 5 s', ms, under(ms, 5000), 'ms');
  }
  if (results.usage && !results.usage.error) {
    add(`rbac usage peak memory on a ${(results.usage.bytes / 1073741824).toFixed(2)} GiB access log`, 'flat (streamed)', results.usage.peakRssMB, results.usage.peakRssMB < 256, 'MB');
  }
  if (results.fleet && !results.fleet.error) {
    const f = results.fleet;
    add(`rbac plan over a fleet of ${f.targets} targets, against ${f.targets} runs one after another`, 'faster', f.ratio, f.ratio > 1, '×');
  }
  if (!largest) return t;
  const at = `at ${largest.name}`;
  const validateMs = largest.validate?.ms?.median;
  add(`validate ${at}`, '< 2 s', validateMs, under(validateMs, 2000), 'ms');
  for (const kind of ['additive', '1% drift']) {
    const value = largest.plan?.[kind === 'additive' ? 'additive' : 'drift']?.totalMs?.median;
    add(`plan compute (diff+order+simulate, ${kind}) ${at}`, '< 2 s', value, under(value, 2000), 'ms');
  }
  const memory = largest.plan?.peakRssMB?.max;
  add(`peak memory (validate + plan) ${at}`, '< 500 MB', memory, under(memory, 500), 'MB');
  for (const [profile, read] of Object.entries(largest.read ?? {})) {
    if (read.error) {
      add(`live read on ${profile} ${at}`, 'runs', Number.NaN, false, 'ms');
      continue;
    }
    const backup = read.method === 'backup';
    // roles + 2: admin and public are roles too.
    const rpcTarget = backup ? 1 : largest.counts.roles + 2 + 5;
    add(`live read RPCs on ${profile} (${read.method}) ${at}`, backup ? '1 RPC' : `≤ roles + 5 (${rpcTarget})`, read.rpcCount, read.rpcCount <= rpcTarget, 'RPCs');
    if (!backup) add(`live read time on ${profile} (${read.method}, 1 ms latency) ${at}`, '< 2 s', read.ms.median, under(read.ms.median, 2000), 'ms');
  }
  const ratios = results.sizes.map((s) => s.naive?.ratio ?? Number.NaN);
  const measured = ratios.filter((r) => Number.isFinite(r));
  const worst = measured.length > 0 ? Math.min(...measured) : Number.NaN;
  const allSizes = measured.length === ratios.length ? 'worst size' : 'worst size measured (a size failed)';
  add(`apply vs naive sequential (same steps, 2 ms latency), ${allSizes}`, '≥ 10×', worst, worst >= 10 && measured.length === ratios.length, '×');
  const tenK = results.sizes.find((s) => s.naiveTenK)?.naiveTenK;
  if (tenK) add(`apply of a ${fmtSteps(tenK.steps)}-step plan vs naive sequential, both run in full (2 ms latency)`, '≥ 10×', tenK.ratio, tenK.ratio >= 10, '×');
  const driftMs = largest.drift?.ms?.median;
  add(`apply of a 1% change ${at} (read + plan + execute)`, '< 3 s', driftMs, under(driftMs, 3000), 'ms');
  return t;
}

async function main() {
  const lib = await loadDistLib();
  const dist = new URL('../dist/', import.meta.url);
  const [engine, versions] = await Promise.all([import(new URL('engine/engine.js', dist).href), import(new URL('model/versions.js', dist).href)]);
  const engineModule = { RbacEngine: engine.RbacEngine, versions };

  const small = generatePolicy({ size: SIZES[0], flavour: 'v2' });
  const smallFile = join(work, 'cold-start-small.yaml');
  writeFileSync(smallFile, small.yaml);
  log('cold start');
  const results = {
    machine: machine(),
    settings: {
      quick,
      readLatencyMs: READ_LATENCY_MS,
      applyLatencyMs: APPLY_LATENCY_MS,
      applyProfile: APPLY_PROFILE,
      parallelism: lib.parallelism,
      naiveSliceSteps: NAIVE_SLICE,
      driftFraction: DRIFT_FRACTION,
      emulatorAuthorization: process.env.BENCH_EMULATOR_AUTH === '1',
      emulator: 'separate process',
    },
    coldStart: measureColdStart(smallFile),
    largeRole: measureLargeRole(),
    sizes: [],
  };
  log(`rbac usage on a ${USAGE_MB} MiB access log`);
  results.usage = await attempt('usage', 'usage', () => measureUsage({ root, work, megabytes: USAGE_MB }));
  log('fleet of 10');
  results.fleet = await attempt('fleet', 'fleet', () =>
    measureFleet({ root, work, policyFile: smallFile, passwordEnv: PASSWORD_ENV, count: FLEET_TARGETS, latencyMs: READ_LATENCY_MS, reps: quick ? 1 : 3 }),
  );
  for (const size of sizes) {
    const started = now();
    results.sizes.push(await benchSize(lib, engineModule, size));
    // Leaves the next size a clean heap (`npm run bench` passes --expose-gc).
    globalThis.gc?.();
    log(`[${size.name}] done in ${(since(started) / 1000).toFixed(1)} s`);
  }
  results.targets = checkTargets(results);
  results.totalSeconds = since(benchStart) / 1000;
  results.machine.loadAverageAtEnd = Math.round(os.loadavg()[0] * 100) / 100;

  const table = renderTable(results);
  process.stdout.write(`${table}\n`);
  if (!flag('--no-results')) writeFileSync(new URL('results.json', import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
  if (!flag('--no-docs')) writeDocs(results);
  log(`bench finished in ${results.totalSeconds.toFixed(0)} s`);
}

function writeDocs(results) {
  writeFileSync(new URL('chart.svg', import.meta.url), renderChart(results));
  writeFileSync(new URL('docs/benchmarks.md', root), renderMarkdown(results));
}

try {
  if (flag('--render-only')) {
    const results = JSON.parse(readFileSync(new URL('results.json', import.meta.url), 'utf8'));
    writeDocs(results);
    process.stdout.write(`${renderTable(results)}\n`);
  } else {
    await main();
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
