import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { DataType, MilvusClient, RbacObjects } from '@zilliz/milvus2-sdk-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectionOptionsFromEnv } from '../../src/milvus/connection-settings.js';
import { catalogueAt } from '../../src/model/catalogue-at-version.js';
import { PRIVILEGES } from '../../src/model/catalogue.js';
import { loadPolicy } from '../../src/policy/index.js';
import { usageReport } from '../../src/usage/run.js';
import { featuresOf, parseMilvusVersion } from '../../src/model/versions.js';
import { removeEverythingWithPrefix } from '../conformance/target.js';
import type { UsageReport } from '../../src/usage/report.js';

/**
 * examples/presets.yaml, measured: four common clients (a search API, an ingest job, a read-only
 * dashboard, a database owner) run through the SDK against the real Milvus 2.3.5 with its access
 * log on, each as a user allowed everything; `rbac usage` reads what each used, and the preset is
 * exactly that (beyond what public holds). The shipped file must be what this test writes
 * (UPDATE_PRESETS=1 npm run test:real rewrites it).
 */

const ADDRESS = process.env.MILVUS_ADDRESS ?? '';
const LOG = process.env.MILVUS_ACCESS_LOG ?? '';
const ROOT = process.env.MILVUS_TOKEN ?? 'root:Milvus';
const PRESETS = 'examples/presets.yaml';
const tag = `pr${randomBytes(2).toString('hex')}`;
const PASSWORD = 'Presets-Test-2026';
const CLIENTS = ['search_app', 'ingest_job', 'dashboard', 'database_owner'] as const;
type Client = (typeof CLIENTS)[number];
const user = (c: Client): string => `${tag}_${c}`;
const collection = `${tag}_docs`;
const opened: MilvusClient[] = [];

function connect(token: string): MilvusClient {
  const c = new MilvusClient({ address: ADDRESS, token, maxRetries: 0, timeout: 20_000, logLevel: 'error', channelOptions: { 'grpc.use_local_subchannel_pool': 1 } });
  opened.push(c);
  return c;
}

const vec = [0.1, 0.2, 0.3, 0.4];
const fields = [
  { name: 'id', data_type: DataType.Int64, is_primary_key: true },
  { name: 'vec', data_type: DataType.FloatVector, dim: 4 },
];

/** What each client does, as such clients do. */
const WORKLOADS: Readonly<Record<Client, (c: MilvusClient) => Promise<void>>> = {
  search_app: async (c) => {
    await c.search({ collection_name: collection, data: [vec], limit: 3 });
    await c.query({ collection_name: collection, filter: 'id > 0', output_fields: ['id'] });
    await c.get({ collection_name: collection, ids: [1] });
  },
  ingest_job: async (c) => {
    await c.insert({ collection_name: collection, data: [{ id: 2, vec }] });
    await c.upsert({ collection_name: collection, data: [{ id: 2, vec }] });
    await c.delete({ collection_name: collection, filter: 'id in [2]' });
    await c.flushSync({ collection_names: [collection] });
  },
  dashboard: async (c) => {
    await c.showCollections();
    await c.describeCollection({ collection_name: collection });
    await c.getCollectionStatistics({ collection_name: collection });
    await c.getLoadState({ collection_name: collection });
    await c.query({ collection_name: collection, filter: '', output_fields: ['count(*)'] });
  },
  database_owner: async (c) => {
    const own = `${collection}_own`;
    await c.createCollection({ collection_name: own, fields });
    await c.createIndex({ collection_name: own, field_name: 'vec', index_type: 'FLAT', metric_type: 'L2' });
    await c.loadCollectionSync({ collection_name: own });
    await c.insert({ collection_name: own, data: [{ id: 1, vec }] });
    await c.search({ collection_name: own, data: [vec], limit: 1 });
    await c.releaseCollection({ collection_name: own });
    await c.dropCollection({ collection_name: own });
  },
};

/** (object type, privilege) for every single privilege 2.3.5 accepts on Global and Collection. */
function everyGrant(): [RbacObjects, string][] {
  const catalogue = catalogueAt({ major: 2, minor: 3, patch: 5 });
  const out: [RbacObjects, string][] = [];
  for (const [object, type] of [[RbacObjects.Global, 'Global'], [RbacObjects.Collection, 'Collection']] as const) {
    for (const p of PRIVILEGES) if (catalogue.acceptsOnObjectType(p.name, type)) out.push([object, p.name]);
  }
  return out;
}

/** The preset file for what each client used: its collection written as `docs`. */
function presetsYaml(report: UsageReport): string {
  const lines = [
    '# yaml-language-server: $schema=../schema/policy.schema.json',
    '#',
    '# Grant sets for common clients, measured, not guessed: test/e2e/presets-real.test.ts runs each',
    '# client through the Node SDK against the real Milvus 2.3.5 with its access log on, as a user',
    '# allowed everything, and rbac usage reads what it used. Each role here holds exactly that, on',
    '# top of what public holds by default. `docs` stands for your collection; on 2.4.10 and newer,',
    '# GetLoadState replaces Load for load-state checks (docs/usage.md).',
    '# Regenerated by UPDATE_PRESETS=1 npm run test:real.',
    'version: 1',
    '',
    'target:',
    '  minVersion: "2.3"',
    '',
    'roles:',
  ];
  for (const client of CLIENTS) {
    const used = report.users.find((u) => u.name === user(client))?.used ?? [];
    const needed = used.filter((c) => !c.publicCovers);
    const collectionLevel = [...new Set(needed.filter((c) => c.objectType === 'Collection').map((c) => c.privilege))].sort();
    const global = [...new Set(needed.filter((c) => c.objectType === 'Global').map((c) => c.privilege))].sort();
    lines.push(`  ${client}:   # rbac-lint: accept role-without-users`, '    grants:');
    if (collectionLevel.length > 0) lines.push('      - object: Collection', '        objectNames: [docs]', `        privileges: [${collectionLevel.join(', ')}]`);
    if (global.length > 0) lines.push('      - object: Global', `        privileges: [${global.join(', ')}]`);
  }
  return `${lines.join('\n')}\n`;
}

describe.skipIf(!ADDRESS || !LOG)('examples/presets.yaml, measured on the real server', () => {
  let root: MilvusClient;
  let report: UsageReport;

  beforeAll(async () => {
    root = connect(ROOT);
    await root.createCollection({ collection_name: collection, fields });
    await root.createIndex({ collection_name: collection, field_name: 'vec', index_type: 'FLAT', metric_type: 'L2' });
    await root.loadCollectionSync({ collection_name: collection });
    await root.insert({ collection_name: collection, data: [{ id: 1, vec }] });
    const role = `${tag}_all`;
    await root.createRole({ roleName: role });
    // Every privilege the server takes on each object type, granted one by one on every object.
    for (const [object, privilege] of everyGrant()) await root.grantRolePrivilege({ roleName: role, object, objectName: '*', privilegeName: privilege });
    for (const client of CLIENTS) {
      await root.createUser({ username: user(client), password: PASSWORD });
      await root.addUserToRole({ username: user(client), roleName: role });
    }
    // The embedded 2.3.5 takes a binding into its privilege cache some time after the call
    // returned (up to several seconds): wait until each client may list the collection's partitions.
    for (const client of CLIENTS) {
      const c = connect(`${user(client)}:${PASSWORD}`);
      const deadline = Date.now() + 60_000;
      while ((await c.showPartitions({ collection_name: collection }).catch(() => ({ status: { error_code: 'denied' } }))).status.error_code !== 'Success') {
        if (Date.now() > deadline) throw new Error(`${client}: its grants took no effect in 60 s`);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
    // Only the workloads count, not the waiting above.
    const since = Date.now();
    for (const client of CLIENTS) await WORKLOADS[client](connect(`${user(client)}:${PASSWORD}`));
    report = (await usageReport({ logs: [LOG], connection: connectionOptionsFromEnv({ address: ADDRESS }, { MILVUS_TOKEN: ROOT }), milvusVersion: '2.3.5', since })).report;
  }, 180_000);

  afterAll(async () => {
    const version = parseMilvusVersion((await root.getVersion()).version);
    if (version) await removeEverythingWithPrefix(root, tag, [], featuresOf(version));
    await root.dropCollection({ collection_name: collection }).catch(() => undefined);
    for (const c of opened) await c.closeConnection().catch(() => undefined);
  });

  it('every client ran without a refusal', () => {
    for (const client of CLIENTS) expect(report.users.find((u) => u.name === user(client))?.denied ?? [], client).toEqual([]);
  });

  it('the shipped presets are what the clients used', async () => {
    const measured = presetsYaml(report);
    if (process.env.UPDATE_PRESETS === '1') writeFileSync(PRESETS, measured);
    expect(readFileSync(PRESETS, 'utf8')).toBe(measured);
    const loaded = await loadPolicy([PRESETS]);
    expect(loaded.ok).toBe(true);
  });
});
