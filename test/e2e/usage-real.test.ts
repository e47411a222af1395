import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataType, MilvusClient, RbacObjects } from '@zilliz/milvus2-sdk-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runApply } from '../../src/apply/run.js';
import { featuresOf, parseMilvusVersion } from '../../src/model/versions.js';
import { removeEverythingWithPrefix } from '../conformance/target.js';
import { connectionOptionsFromEnv } from '../../src/milvus/connection-settings.js';
import { runSuggest } from '../../src/usage/run-suggest.js';
import { runUsage } from '../../src/usage/run.js';
import type { UsageReport } from '../../src/usage/report.js';

/**
 * rbac usage and rbac suggest on the real Milvus 2.3.5's access log (scripts/test-real-milvus.sh
 * turns it on and sets MILVUS_ACCESS_LOG): traffic as two users, some of it denied, read back;
 * then the suggested policy applied, the same traffic let through and nothing beyond it.
 */

const ADDRESS = process.env.MILVUS_ADDRESS ?? '';
const LOG = process.env.MILVUS_ACCESS_LOG ?? '';
const ROOT = process.env.MILVUS_TOKEN ?? 'root:Milvus';
const tag = `us${randomBytes(2).toString('hex')}`;
const names = { collection: `${tag}_docs`, reader: `${tag}_reader`, writer: `${tag}_writer`, readRole: `${tag}_read`, writeRole: `${tag}_write` };
const PASSWORD = 'Usage-Test-2026';
/** Suggested roles start with the test's tag too, so cleaning up by prefix removes them. */
const LEAST = `${tag}_least_`;
const clients: MilvusClient[] = [];

function client(token: string): MilvusClient {
  const c = new MilvusClient({ address: ADDRESS, token, maxRetries: 0, timeout: 10_000, logLevel: 'error', channelOptions: { 'grpc.use_local_subchannel_pool': 1 } });
  clients.push(c);
  return c;
}

/** What a call's answer says: ok, or the error code Milvus gave (the SDK returns refusals as statuses). */
async function outcome(call: Promise<{ status?: { error_code?: string | number; code?: number } } | { error_code?: string | number; code?: number }>): Promise<string> {
  try {
    const r = await call;
    const status = ('status' in r && r.status ? r.status : r) as { error_code?: string | number; code?: number };
    return status.error_code === 'Success' || status.error_code === 0 || status.code === 0 ? 'ok' : `refused ${String(status.error_code)}`;
  } catch (error) {
    return /permission deny|PermissionDenied/i.test(String(error)) ? 'denied' : `error ${String(error)}`;
  }
}

const denied = (r: string): boolean => r === 'denied' || /PermissionDenied|65535/.test(r);

/**
 * Waits until Milvus lets the call through (or refuses it, with `want` 'denied'). The embedded
 * 2.3.5's proxy takes a grant or a binding into its privilege cache some time after the call that
 * made it returned: measured here from nothing to more than 7 s.
 */
async function until(want: 'ok' | 'denied', call: () => Promise<string>): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const r = await call();
    if (want === 'ok' ? r === 'ok' : denied(r)) return;
    if (Date.now() > deadline) throw new Error(`still ${r} after 60 s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** The traffic: what each user does, and how Milvus answered. */
async function traffic(): Promise<Record<string, string>> {
  const reader = client(`${names.reader}:${PASSWORD}`);
  const writer = client(`${names.writer}:${PASSWORD}`);
  const row = [{ id: Date.now(), vec: [0.1, 0.2, 0.3, 0.4] }];
  const out: Record<string, string> = {};
  for (let i = 0; i < 3; i++) out[`reader query ${i}`] = await outcome(reader.query({ collection_name: names.collection, filter: 'id > 0', output_fields: ['id'] }));
  out['reader insert'] = await outcome(writer === reader ? Promise.reject(new Error('unreachable')) : reader.insert({ collection_name: names.collection, data: row }));
  for (let i = 0; i < 2; i++) out[`writer insert ${i}`] = await outcome(writer.insert({ collection_name: names.collection, data: row }));
  out['writer query'] = await outcome(writer.query({ collection_name: names.collection, filter: 'id > 0', output_fields: ['id'] }));
  out['writer load state'] = await outcome(writer.getLoadState({ collection_name: names.collection }));
  return out;
}

describe.skipIf(!ADDRESS || !LOG)('rbac usage and suggest on the real Milvus access log', () => {
  let root: MilvusClient;
  let before: Record<string, string>;
  let report: UsageReport;
  let since = 0;
  /** Until the grants are in force: the reader may query, the writer insert. */
  const settled = async (): Promise<void> => {
    const reader = client(`${names.reader}:${PASSWORD}`);
    const writer = client(`${names.writer}:${PASSWORD}`);
    await until('ok', () => outcome(reader.query({ collection_name: names.collection, filter: 'id > 0', output_fields: ['id'] })));
    await until('ok', () => outcome(writer.insert({ collection_name: names.collection, data: [{ id: 1, vec: [0.1, 0.2, 0.3, 0.4] }] })));
  };
  const connection = () => connectionOptionsFromEnv({ address: ADDRESS }, { MILVUS_TOKEN: ROOT });

  beforeAll(async () => {
    root = client(ROOT);
    await root.createCollection({
      collection_name: names.collection,
      fields: [
        { name: 'id', data_type: DataType.Int64, is_primary_key: true },
        { name: 'vec', data_type: DataType.FloatVector, dim: 4 },
      ],
    });
    await root.createIndex({ collection_name: names.collection, field_name: 'vec', index_type: 'FLAT', metric_type: 'L2' });
    await root.loadCollectionSync({ collection_name: names.collection });
    for (const user of [names.reader, names.writer]) await root.createUser({ username: user, password: PASSWORD });
    for (const role of [names.readRole, names.writeRole]) await root.createRole({ roleName: role });
    const grant = (role: string, privilege: string) => root.grantRolePrivilege({ roleName: role, object: RbacObjects.Collection, objectName: names.collection, privilegeName: privilege });
    await grant(names.readRole, 'Query');
    await grant(names.readRole, 'Delete');
    await grant(names.writeRole, 'Insert');
    await grant(names.writeRole, 'Flush');
    await root.addUserToRole({ username: names.reader, roleName: names.readRole });
    await root.addUserToRole({ username: names.writer, roleName: names.writeRole });
    await settled();
    // The log is read from here on: the waiting calls above are not part of the traffic.
    since = Date.now();
    before = await traffic();
    const usage = await runUsage({ logs: [LOG], connection: connection(), format: 'json', since });
    if (!usage.report) throw new Error(usage.errors || usage.output);
    report = usage.report;
  }, 120_000);

  afterAll(async () => {
    const version = parseMilvusVersion((await root.getVersion()).version);
    if (version) await removeEverythingWithPrefix(root, tag, [], featuresOf(version));
    await root.dropCollection({ collection_name: names.collection }).catch(() => undefined);
    for (const c of clients) await c.closeConnection().catch(() => undefined);
  });

  it('drove the traffic: allowed where the grants say, denied elsewhere', () => {
    expect(Object.entries(before).filter(([, r]) => denied(r)).map(([k]) => k).sort()).toEqual(['reader insert', 'writer load state', 'writer query']);
    expect(Object.entries(before).filter(([, r]) => r === 'ok').length).toBe(5);
  });

  it('reports the grants used, with counts, from the log', () => {
    const reader = report.users.find((u) => u.name === names.reader);
    const writer = report.users.find((u) => u.name === names.writer);
    const query = reader?.used.find((c) => c.privilege === 'Query');
    expect(query).toMatchObject({ collection: names.collection, database: 'default', seen: { count: 3 } });
    expect(query?.via).toMatchObject({ role: names.readRole, grant: { privilege: 'Query', objectName: names.collection } });
    const insert = writer?.used.find((c) => c.privilege === 'Insert');
    expect(insert?.seen.count).toBe(2);
    // 2.3's default format logs no collection for Insert: the grant is found among the writer's own.
    expect(insert?.via).toMatchObject({ role: names.writeRole, collectionGuessed: true });
  });

  it('reports what was denied, GetLoadState checked against Load as 2.3.5 does', () => {
    const writer = report.users.find((u) => u.name === names.writer);
    expect(writer?.denied.map((d) => `${d.privilege}:${d.methods.join(',')}`).sort()).toEqual(['Load:GetLoadState', 'Query:Query']);
    expect(report.users.find((u) => u.name === names.reader)?.denied.map((d) => d.privilege)).toEqual(['Insert']);
  });

  it('reports the grants never used', () => {
    const unused = (role: string) => report.roles.find((r) => r.name === role)?.unused.map((g) => g.privilege);
    expect(unused(names.readRole)).toEqual(['Delete']);
    expect(unused(names.writeRole)).toEqual(['Flush']);
  });

  it('suggests a policy that, applied, lets the same traffic through and nothing beyond it', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'rbac-suggest-')), 'least.yaml');
    const suggested = await runSuggest({ logs: [LOG], connection: connection(), out, format: 'text', rolePrefix: LEAST, since });
    expect(suggested.exitCode).toBe(0);
    // The suggestion covers every user in the log; only this test's two are applied here.
    const { readFileSync, writeFileSync } = await import('node:fs');
    const text = readFileSync(out, 'utf8');
    expect(text).toContain(`${LEAST}${names.reader}`);
    const mine = join(mkdtempSync(join(tmpdir(), 'rbac-suggest-')), 'mine.yaml');
    writeFileSync(mine, keepOnly(text, [names.reader, names.writer]));
    const applied = await runApply({ source: { policyFiles: [mine] }, connection: connection(), autoApprove: true, env: { [`RBAC_PASSWORD_${names.reader.toUpperCase()}`]: PASSWORD, [`RBAC_PASSWORD_${names.writer.toUpperCase()}`]: PASSWORD } });
    expect(applied.result.status).toBe('applied');
    // Beyond it: the reader's Delete grant, never used, goes with its old role.
    const reader = client(`${names.reader}:${PASSWORD}`);
    await until('denied', () => outcome(reader.delete({ collection_name: names.collection, filter: 'id < 0' })));
    await settled();
    const after = await traffic();
    expect(after).toEqual(before);
  });
});

/** The suggested policy cut to some users and their roles (the log holds other tests' users too). */
function keepOnly(policy: string, users: readonly string[]): string {
  const lines = policy.split('\n');
  const out: string[] = [];
  let section = '';
  let keep = true;
  for (const line of lines) {
    if (/^[a-z]/i.test(line)) {
      section = line.replace(/:.*/, '');
      keep = true;
    } else if ((section === 'users' || section === 'roles') && /^ {2}\S/.test(line)) {
      const name = line.trim().replace(/:.*/, '');
      keep = users.some((u) => name === u || name === `${LEAST}${u}`);
    }
    if (keep) out.push(line);
  }
  return out.join('\n');
}
