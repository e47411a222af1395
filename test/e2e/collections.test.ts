import { DataType } from '@zilliz/milvus2-sdk-node';
import type { MilvusClient } from '@zilliz/milvus2-sdk-node';
import { afterEach, describe, expect, it } from 'vitest';
import { runApply } from '../../src/apply/run.js';
import { runDrift } from '../../src/drift/run.js';
import { connectionOptionsFromEnv } from '../../src/milvus/connection-settings.js';
import type { VersionProfile } from '../../src/model/versions.js';
import { PASSWORD_ENV, ROOT_TOKEN, startPlanFixture } from './plan-helpers.js';
import type { PlanFixture } from './plan-helpers.js';

/**
 * Grants that follow their collection (Milvus 2.6.12+, 2.6 commits e836a446bb and 2b4988a471):
 * dropping a collection deletes its grants, renaming moves them, and a grant naming an alias lands
 * on the collection. Milvus accepts a grant on a collection that does not exist (no existence
 * check in rootcoord's OperatePrivilege), so the tool makes it ahead; drift does not count it.
 * Through the real SDK against the emulator of each version.
 */

const POLICY = `version: 1
scope:
  roles: { prefixes: [app_] }
roles:
  app_reader:
    grants:
      - object: Collection
        objectNames: [products, books]
        privileges: [Search]
`;

const FIELDS = [
  { name: 'id', data_type: DataType.Int64, is_primary_key: true },
  { name: 'v', data_type: DataType.FloatVector, dim: 4 },
];

async function createCollection(client: MilvusClient, name: string): Promise<void> {
  const status = await client.createCollection({ collection_name: name, fields: FIELDS });
  expect(status.error_code).toBe('Success');
}

async function storedSearchGrants(client: MilvusClient): Promise<string[]> {
  const grants = await client.listGrants({ roleName: 'app_reader', db_name: 'default' });
  return (grants.entities ?? []).filter((e) => e.grantor.privilege.name === 'Search').map((e) => e.object_name).sort();
}

let f: PlanFixture | undefined;
afterEach(async () => {
  await f?.close();
  f = undefined;
});

async function fixture(profile: VersionProfile | string): Promise<{ f: PlanFixture; apply: (file: string) => Promise<string>; drift: (file: string) => ReturnType<typeof runDrift> }> {
  f = await startPlanFixture(profile as VersionProfile);
  const connection = connectionOptionsFromEnv({ address: f.emulator.address }, { MILVUS_TOKEN: ROOT_TOKEN });
  return {
    f,
    apply: async (file) => (await runApply({ connection, source: { policyFiles: [file] }, autoApprove: true, env: { ...PASSWORD_ENV } })).result.status,
    drift: (file) => runDrift({ files: [file], connection }),
  };
}

describe('grants follow their collection (3.0)', () => {
  it('makes grants on a missing collection ahead, does not count them as drift, and grants again after a drop', async () => {
    const { f, apply, drift } = await fixture('3.0');
    const file = await f.policy(POLICY);
    const first = await f.plan([file]);
    expect(first.plan?.warnings.join('\n')).toContain('2 grants name collections that do not exist yet');
    expect(await apply(file)).toBe('applied');
    expect(await storedSearchGrants(f.raw)).toEqual(['books', 'products']);
    expect((await drift(file)).exitCode).toBe(0);

    // The collection appears, then is dropped: Milvus deletes its grants with it.
    await createCollection(f.raw, 'products');
    await f.raw.dropCollection({ collection_name: 'products' });
    expect(await storedSearchGrants(f.raw)).toEqual(['books']);
    const waiting = await drift(file);
    expect(waiting.exitCode).toBe(0);
    expect(waiting.report?.waiting).toEqual(['grant:app_reader:default:Collection:products:Search']);
    expect(waiting.output).toContain('1 grant waits for its collection to exist.');

    // Created again, the missing grant is drift; the next apply grants it.
    await createCollection(f.raw, 'products');
    const drifted = await drift(file);
    expect(drifted.exitCode).toBe(2);
    expect(drifted.report?.waiting).toEqual([]);
    expect(await apply(file)).toBe('applied');
    expect((await f.plan([file], { detailedExitcode: true })).exitCode).toBe(0);
  });

  it('moves grants with a renamed collection', async () => {
    const { f, drift } = await fixture('3.0');
    const file = await f.policy(POLICY);
    await createCollection(f.raw, 'products');
    const plan = await f.plan([file]);
    if (!plan.plan) throw new Error(plan.errors);
    await f.apply(plan.plan);
    await f.raw.renameCollection({ collection_name: 'products', new_collection_name: 'products_v2' });
    expect(await storedSearchGrants(f.raw)).toEqual(['books', 'products_v2']);
    // The policy still names products: that grant is missing, and products no longer exists.
    const report = await drift(file);
    expect(report.report?.waiting).toEqual(['grant:app_reader:default:Collection:products:Search']);
  });

  it('plans a grant naming an alias on its collection, and converges', async () => {
    const { f, apply } = await fixture('3.0');
    await createCollection(f.raw, 'books_2026');
    await f.raw.createAlias({ collection_name: 'books_2026', alias: 'books' });
    await createCollection(f.raw, 'products');
    const file = await f.policy(POLICY);
    const first = await f.plan([file]);
    expect(first.plan?.steps.map((s) => s.id)).toEqual([
      'createRole:app_reader',
      'grant:app_reader:default:Collection:books_2026:Search',
      'grant:app_reader:default:Collection:products:Search',
    ]);
    expect(first.plan?.warnings.join('\n')).toContain('grants on default.books land on default.books_2026');
    expect(await apply(file)).toBe('applied');
    expect(await storedSearchGrants(f.raw)).toEqual(['books_2026', 'products']);
    expect((await f.plan([file], { detailedExitcode: true })).exitCode).toBe(0);
  });
});

describe('before grants followed their collection (2.6.11)', () => {
  it('keeps grants of a dropped collection and stores a grant on an alias under the alias', async () => {
    const { f, apply } = await fixture('2.6.11');
    await createCollection(f.raw, 'books_2026');
    await f.raw.createAlias({ collection_name: 'books_2026', alias: 'books' });
    await createCollection(f.raw, 'products');
    const file = await f.policy(POLICY);
    expect(await apply(file)).toBe('applied');
    expect(await storedSearchGrants(f.raw)).toEqual(['books', 'products']);
    await f.raw.dropCollection({ collection_name: 'products' });
    expect(await storedSearchGrants(f.raw)).toEqual(['books', 'products']);
    expect((await f.plan([file], { detailedExitcode: true })).exitCode).toBe(0);
  });
});

describe('a server newer than every release the tool knows', () => {
  it('is planned with the newest rules and a warning, never refused', async () => {
    const { f, apply } = await fixture('3.1.0');
    const file = await f.policy(POLICY);
    const plan = await f.plan([file]);
    expect(plan.exitCode).toBe(0);
    expect(plan.plan?.warnings.join('\n')).toContain('Milvus 3.1.0 is newer than any release this tool knows (3.0.0)');
    expect(await apply(file)).toBe('applied');
    expect((await f.plan([file], { detailedExitcode: true })).exitCode).toBe(0);
  });
});
