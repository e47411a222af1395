import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MilvusClient } from '@zilliz/milvus2-sdk-node';
import { describe, expect, it } from 'vitest';
import { driftState } from '../../bench/drift.mjs';
import { startEmulatorInProcess } from '../../bench/emulator.mjs';
import { measureFleet } from '../../bench/fleet.mjs';
import { measureUsage } from '../../bench/usage.mjs';
import { generatePolicy, PASSWORD_ENV, SIZES } from '../../bench/gen.mjs';
import type { BenchSize } from '../../bench/gen.mjs';
import { measureApply, measureDriftApply, measureExecuteSteps, measureLiveRead, measureNaive, summarise } from '../../bench/measure.mjs';
import type { BenchLib } from '../../bench/measure.mjs';
import { renderChart, renderMarkdown, renderTable, scaling } from '../../bench/render.mjs';
import { executePlan } from '../../src/apply/executor.js';
import { DEFAULT_PARALLELISM, DEFAULT_RETRY } from '../../src/apply/run.js';
import { startEmulator } from '../../src/emulator/index.js';
import { connect, connectionOptionsFromEnv, envSecretResolver, executeOperation, readLiveState } from '../../src/milvus/index.js';
import { canonicalState, statesEqual } from '../../src/model/canonical.js';
import { RbacEngine } from '../../src/engine/engine.js';
import type { DesiredState } from '../../src/model/desired.js';
import { makePlan } from '../../src/plan/make.js';
import { loadPolicyText, summarisePolicy } from '../../src/policy/index.js';

/**
 * A smoke run of the benchmark: the generator, every measurement and the renderer, at a tiny size
 * and at the default-limits size, against the emulator in this process with no latency. Checks that
 * what the benchmark measures is right (states read and applied equal the policy), never how fast.
 */

const lib: BenchLib = {
  loadPolicyText,
  connect,
  connectionOptionsFromEnv,
  readLiveState,
  executeOperation,
  envSecretResolver,
  executePlan,
  makePlan,
  canonicalState,
  statesEqual,
  parallelism: DEFAULT_PARALLELISM,
  retry: DEFAULT_RETRY,
  MilvusClient,
  startEmulator: (input) => startEmulatorInProcess(startEmulator, input),
};

const TINY: BenchSize = { name: 'tiny', scale: 1, tenants: 2, sharedRoles: 1, users: 12, collectionsPerTenant: 3 };
const SMALL = SIZES.find((s) => s.name === 'small') as BenchSize;
const RAISED = { maxUsers: 1000, maxRoles: 100 };

function load(size: BenchSize, flavour: 'v1' | 'v2'): DesiredState {
  const result = loadPolicyText(generatePolicy({ size, flavour }).yaml, `${size.name ?? 'gen'}-${flavour}.yaml`);
  if (!result.ok) throw new Error(`generated policy invalid: ${JSON.stringify(result.diagnostics.slice(0, 3))}`);
  return result.desired;
}

describe('bench generator', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    const a = generatePolicy({ size: SIZES[1] as BenchSize, flavour: 'v2', seed: 3 });
    const b = generatePolicy({ size: SIZES[1] as BenchSize, flavour: 'v2', seed: 3 });
    const c = generatePolicy({ size: SIZES[1] as BenchSize, flavour: 'v2', seed: 4 });
    expect(a.yaml).toBe(b.yaml);
    expect(c.yaml).not.toBe(a.yaml);
  });

  it.each(['v1', 'v2'] as const)('writes %s policies the loader accepts, with the counts it announces', (flavour) => {
    for (const size of [TINY, SMALL, SIZES[1] as BenchSize]) {
      const generated = generatePolicy({ size, flavour });
      const result = loadPolicyText(generated.yaml, 'generated.yaml');
      expect(result.ok, JSON.stringify(result.ok ? [] : result.diagnostics.slice(0, 3))).toBe(true);
      if (!result.ok) continue;
      const { users, roles, privilegeGroups, grants } = generated.expected;
      expect(summarisePolicy(result.desired)).toEqual({ users, roles, privilegeGroups, grants });
      const bindings = result.desired.state.users.reduce((sum, u) => sum + u.roles.length, 0);
      expect(bindings).toBe(generated.expected.bindings);
    }
  });

  it('sizes the base as the issue asks: 64 roles, 640 users, about 6.4k grants; small fits default limits', () => {
    const base = generatePolicy({ size: SIZES[1] as BenchSize, flavour: 'v2' }).expected;
    expect(base.roles).toBe(64);
    expect(base.users).toBe(640);
    expect(Math.abs(base.grants - 6400)).toBeLessThan(320);
    const small = generatePolicy({ size: SMALL, flavour: 'v1' }).expected;
    expect(small.roles).toBe(8);
    expect(small.users).toBe(99);
  });

  it('drifts a state by about the fraction asked, deterministically', () => {
    const state = load(SIZES[1] as BenchSize, 'v2').state;
    const one = driftState(state, { fraction: 0.01 });
    const again = driftState(state, { fraction: 0.01 });
    expect(canonicalState(one.state)).toEqual(canonicalState(again.state));
    expect(statesEqual(one.state, state)).toBe(false);
    const grants = state.roles.reduce((sum, r) => sum + r.grants.length, 0);
    expect(one.changes.grantsMissing + one.changes.grantsExtra).toBeGreaterThan(grants * 0.005);
    expect(one.changes.grantsMissing + one.changes.grantsExtra).toBeLessThanOrEqual(Math.ceil(grants * 0.01) + 1);
    expect(() => driftState(state, { fraction: 0 })).toThrow(/fraction/);
  });
});

describe('bench measurements (1×-style smoke run, no latency)', () => {
  it('reads the seeded state back on every read path: per role and database (2.3), BackupRBAC (2.5), per role (2.5 without BackupRBAC)', async () => {
    const cases = [
      { profile: '2.3', flavour: 'v1' as const, method: 'select-per-database', denyBackup: false },
      { profile: '2.5', flavour: 'v2' as const, method: 'backup', denyBackup: false },
      { profile: '2.5', flavour: 'v2' as const, method: 'select-all-databases', denyBackup: true },
    ];
    for (const { profile, flavour, method, denyBackup } of cases) {
      const desired = load(TINY, flavour);
      const samples = await measureLiveRead(lib, { state: desired.state, profile, limits: RAISED, latencyMs: 0, runs: 1, databases: desired.databases, denyBackup });
      expect(samples).toHaveLength(1);
      expect(samples[0]?.correct).toBe(true);
      expect(samples[0]?.method).toBe(method);
      expect(samples[0]?.serverCalls).toBe(samples[0]?.rpcCount);
    }
  });

  it('applies the additive plan, runs the naive baseline on its first steps, and applies a drift', async () => {
    const desired = load(TINY, 'v2');
    const expected = generatePolicy({ size: TINY, flavour: 'v2' }).expected;
    const applied = await measureApply(lib, { desired, profile: '2.5', limits: RAISED, latencyMs: 0 });
    expect(applied.correct).toBe(true);
    // groups + their members + roles + grants + users + bindings, one step each
    expect(applied.steps).toBe(2 * expected.privilegeGroups + expected.roles + expected.grants + expected.users + expected.bindings);

    const slice = applied.planSteps.slice(0, 40);
    const naive = await measureNaive(lib, { operations: slice.map((s) => s.operation), profile: '2.5', limits: RAISED, latencyMs: 0 });
    expect(naive.calls).toBe(40);
    const tool = await measureExecuteSteps(lib, { steps: slice, profile: '2.5', limits: RAISED, latencyMs: 0 });
    expect(tool.steps).toBe(40);

    const drifted = driftState(desired.state, { fraction: 0.05 });
    const drift = await measureDriftApply(lib, { desired, drifted: drifted.state, profile: '2.5', limits: RAISED, latencyMs: 0 });
    expect(drift.correct).toBe(true);
    expect(drift.steps).toBeGreaterThan(0);
    expect(drift.steps).toBeLessThan(applied.steps / 4);
  });

  it('plans the default-limits case (8 roles, 99 users) within Milvus\'s default limits', () => {
    const desired = load(SMALL, 'v1');
    const limits = { maxUsers: 100, maxRoles: 10 };
    const version = { major: 2, minor: 3, patch: 5 };
    const live = { state: new RbacEngine({ version, limits }).snapshot(), version, versionString: 'v2.3.5', address: 'bench' };
    const plan = makePlan({ desired, live, policyHash: 'bench', operator: 'root', limits });
    expect(plan.steps.filter((s) => s.operation.kind === 'createUser')).toHaveLength(99);
    expect(plan.steps.filter((s) => s.operation.kind === 'createRole')).toHaveLength(8);
    // One user or role more and the plan is refused before anything is applied.
    const over = loadPolicyText(generatePolicy({ size: { ...SMALL, users: 100 }, flavour: 'v1' }).yaml, 'over.yaml');
    if (!over.ok) throw new Error('the over-limit policy should load (limits are only warned about offline)');
    expect(() => makePlan({ desired: over.desired, live, policyHash: 'bench', operator: 'root', limits })).toThrow(/limit/);
  });
});

describe('bench fleet run', () => {
  it('plans every server of a fleet in one run and one run per server, the built CLI in fresh processes', async (ctx) => {
    if (!existsSync('dist/cli/main.js')) return ctx.skip('dist/ is not built (npm test builds it first)');
    const work = mkdtempSync(join(tmpdir(), 'rbac-bench-fleet-'));
    const policyFile = join(work, 'small.yaml');
    writeFileSync(policyFile, generatePolicy({ size: SIZES[0] as BenchSize, flavour: 'v2' }).yaml);
    const result = await measureFleet({ root: new URL('../../', import.meta.url), work, policyFile, passwordEnv: PASSWORD_ENV, count: 2, latencyMs: 0, reps: 1 });
    expect(result.targets).toBe(2);
    expect(result.stepsPerTarget).toBeGreaterThan(100);
    expect([result.fleetMs.runs, result.oneByOneMs.runs]).toEqual([1, 1]);
    expect(result.ratio).toBeGreaterThan(0);
  }, 60_000);
});

describe('bench usage run', () => {
  it('generates an access log and reads every call of it back with the built CLI code', async (ctx) => {
    if (!existsSync('dist/usage/run.js')) return ctx.skip('dist/ is not built (npm test builds it first)');
    const result = await measureUsage({ root: new URL('../../', import.meta.url), work: mkdtempSync(join(tmpdir(), 'rbac-bench-usage-')), megabytes: 2 });
    expect(result.bytes).toBeGreaterThanOrEqual(2 * 1024 * 1024);
    expect(result.users).toBe(40);
    expect(result.peakRssMB).toBeGreaterThan(0);
  }, 60_000);
});

describe('bench summaries and rendering', () => {
  it('summarises runs as min / median / max', () => {
    expect(summarise([5, 1, 3])).toEqual({ min: 1, median: 3, max: 5, runs: 3 });
    expect(summarise([4, 1, 3, 2])).toEqual({ min: 1, median: 2.5, max: 4, runs: 4 });
    expect(summarise([]).runs).toBe(0);
  });

  it('renders results with their figures and judges growth', () => {
    const summary = (median: number) => ({ min: median, median, max: median, runs: 1 });
    const size = (name: string, scale: number, factor: number) => ({
      name,
      scale,
      counts: { roles: 64 * scale, users: 640 * scale, grants: 6400 * scale, privilegeGroups: 4, bindings: 700 * scale },
      validate: { ms: summary(100 * factor), cpuMs: summary(90 * factor), peakRssMB: summary(80 * factor) },
      plan: {
        additive: { steps: 8000 * scale, diffMs: summary(1), orderMs: summary(1), simulateMs: summary(1), totalMs: summary(50 * factor) },
        drift: { steps: 80 * scale, diffMs: summary(1), orderMs: summary(1), simulateMs: summary(1), totalMs: summary(20 * factor) },
        peakRssMB: summary(90 * factor),
      },
      read: { '2.5': { flavour: 'v2', method: 'backup', rpcCount: 6, ms: summary(30 * scale * scale), serverCpuMs: summary(5), clientCpuMs: summary(7), correct: true } },
      apply: { steps: 8000 * scale, ms: summary(4000 * factor), stepsPerSecond: 2000, serverCpuMs: summary(1), correct: true },
      naive: { steps: 1000, naiveMs: 5000, toolMs: summary(500), ratio: 10, projectedNaiveFullMs: 40000, projectedFullRatio: 10 },
      drift: { steps: 80, ms: summary(700 * factor), readMs: summary(1), planMs: summary(1), executeMs: summary(1), correct: true },
    });
    const results = {
      machine: { cpuModel: 'Test CPU', cpus: 2, memoryGB: 4, node: 'v20', platform: 'linux', date: '2026-01-01T00:00:00Z', loadAverageAtStart: 0.5 },
      settings: { quick: true, readLatencyMs: 1, applyLatencyMs: 2, applyProfile: '2.5', parallelism: 32, naiveSliceSteps: 1000, driftFraction: 0.01, emulatorAuthorization: false },
      coldStart: { help: summary(120), validateSmall: summary(250), sdkImport: summary(500), nodeBaseline: summary(40) },
      sizes: [size('1x', 1, 1), size('4x', 4, 4)],
      usage: { bytes: 1073741824, lines: 3894000, generateMs: 7000, ms: 16900, megabytesPerSecond: 60.6, peakRssMB: 114, users: 40 },
      fleet: { targets: 10, latencyMs: 1, stepsPerTarget: 954, fleetMs: summary(3000), oneByOneMs: summary(11000), ratio: 11000 / 3000 },
      targets: [{ name: 'validate at 4x', target: '< 2 s', value: 400, unit: 'ms', pass: true }],
      totalSeconds: 12,
    };
    const growth = scaling(results);
    expect(growth.find((g) => g.name === 'validate')?.verdict).toBe('linear or better');
    expect(growth.find((g) => g.name === 'live read 2.5')?.verdict).toBe('worse than linear');
    expect(growth.find((g) => g.name === 'live read 2.5')?.exponent).toBeCloseTo(2, 5);
    const text = renderTable(results);
    expect(text).toContain('64 / 640 / 6,400');
    expect(text).toContain('PASS  validate at 4x');
    const markdown = renderMarkdown(results);
    expect(markdown).toContain('Test CPU, 2 CPUs');
    expect(markdown).toContain('`rbac plan --all-targets` over 10 servers (954 steps each, four targets at a time, one process) took 3.00 s');
    expect(text).toContain('fleet of 10: one run 3.00 s');
    expect(markdown).toContain('`rbac usage` read 1.00 GiB (3,894,000 calls of 40 users, Milvus 2.5 formats) against a policy in 16.9 s: 61 MB/s, peak resident memory 114 MB.');
    expect(markdown).toContain('| validate | 100 ms (100 ms–100 ms) | 400 ms (400 ms–400 ms) |');
    expect(renderChart(results)).toMatch(/^<svg[\s\S]*<polyline[\s\S]*<\/svg>\n$/);
  });
});
