import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MilvusClient, RbacObjects } from '@zilliz/milvus2-sdk-node';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runDrift } from '../../src/drift/run.js';
import { watchDrift } from '../../src/drift/watch.js';
import type { RunDriftOptions } from '../../src/drift/run.js';
import { startEmulator } from '../../src/emulator/index.js';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { connectionOptionsFromEnv } from '../../src/milvus/connection-settings.js';
import type { RbacState } from '../../src/model/types.js';

const dir = mkdtempSync(join(tmpdir(), 'rbac-drift-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const POLICY = `version: 1
roles:
  reader:
    grants:
      - object: Collection
        objectName: books
        privileges: [Search, Query]
users:
  app:
    roles: [reader]
    password: { env: APP_PW }
`;

// The instance the policy describes, as the emulator's seed: so each test starts in sync.
const IN_SYNC: RbacState = {
  users: [{ name: 'app', roles: ['reader'] }],
  roles: [
    {
      name: 'reader',
      grants: [
        { objectType: 'Collection', objectName: 'books', dbName: 'default', privilege: 'Query' },
        { objectType: 'Collection', objectName: 'books', dbName: 'default', privilege: 'Search' },
      ],
    },
  ],
  privilegeGroups: [],
};

let emulator: RunningEmulator;
let policy: string;
beforeEach(async () => {
  emulator = await startEmulator({ milvusVersion: '2.5', seed: { state: IN_SYNC, passwords: { root: 'Milvus', app: 'app-Secret-1' } } });
  policy = join(dir, 'policy.yaml');
  writeFileSync(policy, POLICY);
});
afterEach(async () => {
  await emulator.stop();
});

function options(extra: Partial<RunDriftOptions> = {}): RunDriftOptions {
  return {
    files: [policy],
    connection: connectionOptionsFromEnv({ address: emulator.address }, { MILVUS_TOKEN: 'root:Milvus' }),
    ...extra,
  };
}

async function driftByHand(): Promise<void> {
  const client = new MilvusClient({ channelOptions: { 'grpc.use_local_subchannel_pool': 1 }, address: emulator.address, token: 'root:Milvus', logLevel: 'error', maxRetries: 0 });
  try {
    const granted = await client.grantPrivilege({ roleName: 'reader', object: RbacObjects.Collection, objectName: 'books', privilegeName: 'Delete' });
    expect(granted.error_code).toBe('Success');
  } finally {
    await client.closeConnection();
  }
}

/**
 * A strict reader of the Prometheus text exposition format (0.0.4): every line is a comment
 * (`# HELP name text`, `# TYPE name type`) or a sample `name{label="value",...} number`; every
 * sample's metric has a TYPE before it; label values are quoted with \\ \" \n escapes only.
 */
function parseExposition(text: string): Map<string, { labels: Record<string, string>; value: number }[]> {
  expect(text.endsWith('\n')).toBe(true);
  const typed = new Map<string, string>();
  const samples = new Map<string, { labels: Record<string, string>; value: number }[]>();
  const name = '[a-zA-Z_:][a-zA-Z0-9_:]*';
  const sample = new RegExp(`^(${name})(?:\\{((?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\\\\n]|\\\\[\\\\"n])*",?)*)\\})? (\\S+)$`);
  for (const line of text.slice(0, -1).split('\n')) {
    // The text format ignores empty lines (prom-client puts one between metric families).
    if (line === '') continue;
    if (line.startsWith('# HELP ')) {
      expect(line).toMatch(new RegExp(`^# HELP ${name} .+$`));
      continue;
    }
    if (line.startsWith('# TYPE ')) {
      const m = new RegExp(`^# TYPE (${name}) (counter|gauge|histogram|summary|untyped)$`).exec(line);
      expect(m, line).not.toBeNull();
      if (m) typed.set(m[1] as string, m[2] as string);
      continue;
    }
    const m = sample.exec(line);
    expect(m, `not a valid sample line: ${line}`).not.toBeNull();
    if (!m) continue;
    const metric = m[1] as string;
    expect(typed.has(metric), `${metric} has no TYPE line before it`).toBe(true);
    const labels: Record<string, string> = {};
    for (const pair of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[pair[1] as string] = pair[2] as string;
    const value = Number(m[3]);
    expect(Number.isNaN(value) && m[3] !== 'NaN').toBe(false);
    samples.set(metric, [...(samples.get(metric) ?? []), { labels, value }]);
  }
  return samples;
}

describe('rbac drift', () => {
  it('exits 0 and says so when Milvus matches the policy', async () => {
    const result = await runDrift(options());
    expect(result.exitCode).toBe(0);
    expect(result.output).toBe('In sync: Milvus matches the policy.\n');
  });

  it('exits 2 on drift, naming the object, what git says, what Milvus has, and the fixing step', async () => {
    await driftByHand();
    const text = await runDrift(options());
    expect(text.exitCode).toBe(2);
    expect(text.output).toContain('Drift: 1 role differs from the policy (1 step would fix it).');
    expect(text.output).toContain('- grant Delete on collection default.books');

    const json = await runDrift(options({ format: 'json' }));
    expect(json.exitCode).toBe(2);
    const report = JSON.parse(json.output) as { objects: { kind: string; name: string; action: string; policy: { grants: { privilege: string }[] }; milvus: { grants: { privilege: string }[] }; fix: string[] }[] };
    expect(report.objects).toHaveLength(1);
    const [role] = report.objects;
    expect(role?.kind).toBe('role');
    expect(role?.name).toBe('reader');
    expect(role?.policy.grants.map((g) => g.privilege)).toEqual(['Query', 'Search']);
    expect(role?.milvus.grants.map((g) => g.privilege)).toEqual(['Delete', 'Query', 'Search']);
    expect(role?.fix).toEqual(['revoke:reader:default:Collection:books:Delete']);

    const markdown = await runDrift(options({ format: 'markdown' }));
    expect(markdown.output).toMatch(/^### Drift check: 127\.0\.0\.1:\d+ \(Milvus v2\.5\.4\)/);
  });

  it('changes nothing on Milvus', async () => {
    await driftByHand();
    const before = emulator.engine.snapshot();
    await runDrift(options());
    expect(emulator.engine.snapshot()).toEqual(before);
  });

  it('exits 3 when Milvus cannot be reached, and 1 when the policy is invalid', async () => {
    const unreachable = await runDrift({ ...options(), connection: connectionOptionsFromEnv({ address: '127.0.0.1:1', timeoutMs: 1500 }, { MILVUS_TOKEN: 'root:Milvus' }) });
    expect(unreachable.exitCode).toBe(3);
    expect(unreachable.errors).toContain('127.0.0.1:1');
    writeFileSync(policy, 'version: 1\nroles:\n  reader:\n    grants:\n      - object: Collection\n        objectName: books\n        privileges: [Serach]\n');
    const invalid = await runDrift(options());
    expect(invalid.exitCode).toBe(1);
    expect(invalid.errors).toContain('Search');
  });

  it('writes a valid Prometheus textfile, and keeps the last success time when a check fails', async () => {
    const file = join(dir, 'rbac.prom');
    await driftByHand();
    const clock = (t: number) => () => new Date(t);
    expect((await runDrift(options({ prometheusTextfile: file, now: clock(1_700_000_000_000) }))).exitCode).toBe(2);
    const ok = parseExposition(readFileSync(file, 'utf8'));
    expect(ok.get('milvus_rbac_drift_up')?.[0]?.value).toBe(1);
    expect(ok.get('milvus_rbac_drift_items')?.find((s) => s.labels.kind === 'role')?.value).toBe(1);
    expect(ok.get('milvus_rbac_drift_items')?.find((s) => s.labels.kind === 'user')?.value).toBe(0);
    expect(ok.get('milvus_rbac_drift_steps')?.[0]?.value).toBe(1);
    expect(ok.get('milvus_rbac_drift_last_success_timestamp_seconds')?.[0]?.value).toBe(1_700_000_000);
    expect(ok.get('milvus_rbac_drift_check_duration_seconds')?.[0]?.value).toBeGreaterThanOrEqual(0);

    const down = await runDrift({
      ...options({ prometheusTextfile: file, now: clock(1_700_000_600_000) }),
      connection: connectionOptionsFromEnv({ address: '127.0.0.1:1', timeoutMs: 1500 }, { MILVUS_TOKEN: 'root:Milvus' }),
    });
    expect(down.exitCode).toBe(3);
    const failed = parseExposition(readFileSync(file, 'utf8'));
    expect(failed.get('milvus_rbac_drift_up')?.[0]?.value).toBe(0);
    expect(failed.has('milvus_rbac_drift_items')).toBe(false);
    expect(failed.get('milvus_rbac_drift_last_success_timestamp_seconds')?.[0]?.value).toBe(1_700_000_000);
  });

  it('never prints the token or a password', async () => {
    await driftByHand();
    for (const format of ['text', 'json', 'markdown'] as const) {
      const result = await runDrift(options({ format }));
      expect(`${result.output}${result.errors}`).not.toContain('Milvus"');
      expect(`${result.output}${result.errors}`).not.toContain('app-Secret-1');
      expect(`${result.output}${result.errors}`).not.toContain('root:Milvus');
    }
  });

  it('--watch checks again each interval, sees drift appear, and stops when told', async () => {
    const file = join(dir, 'watch.prom');
    const codes: number[] = [];
    const stop = new AbortController();
    await watchDrift(
      options({ prometheusTextfile: file }),
      20,
      (result) => {
        codes.push(result.exitCode);
        if (codes.length === 1) void driftByHand();
        if (codes.length === 4) stop.abort();
      },
      stop.signal,
    );
    expect(codes).toHaveLength(4);
    expect(codes[0]).toBe(0);
    expect(codes.at(-1)).toBe(2);
    expect(parseExposition(readFileSync(file, 'utf8')).get('milvus_rbac_drift_steps')?.[0]?.value).toBe(1);
  });
});
