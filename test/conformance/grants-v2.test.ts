import { RbacObjects } from '@zilliz/milvus2-sdk-node';
import type { MilvusClient } from '@zilliz/milvus2-sdk-node';
import { describe, expect, it } from 'vitest';
import { expectError, expectOk } from './expect.js';
import { sdkCall, source, useTarget } from './target.js';
import type { Target } from './target.js';

/** v2 grants (OperatePrivilegeV2) and custom privilege groups; Milvus 2.5+ only. */

const NEEDS_V2 = 'the target has no OperatePrivilegeV2 / privilege groups (Milvus < 2.5)';

async function setup(t: Target, suffix: string): Promise<{ root: MilvusClient; role: string; db: string }> {
  const root = await t.client();
  const role = t.name(suffix);
  expectOk(await root.createRole({ roleName: role }));
  const db = t.name('db');
  t.track('database', db);
  await root.createDatabase({ db_name: db });
  return { root, role, db };
}

async function everyGrant(root: MilvusClient, role: string): Promise<[string, string, string, string][]> {
  const answer = await root.listGrants({ roleName: role, db_name: '*' });
  expectOk(answer);
  return answer.entities.map((e) => [e.db_name, e.object.name, e.object_name, e.grantor.privilege.name]);
}

describe('v2 grants and privilege groups', () => {
  const target = useTarget();

  it(`${source('rootcoord validatePrivilegeGroupParams: cluster level; seed 002')} a cluster group is granted at db * / collection * and reads back by its name`, async (ctx) => {
    const t = target();
    if (!t.features.grantV2) return ctx.skip(NEEDS_V2);
    const { root, role } = await setup(t, 'cl');
    expectOk(await root.grantPrivilegeV2({ role, privilege: 'ClusterReadOnly', db_name: '*', collection_name: '*' }));
    expect(await everyGrant(root, role)).toEqual([['*', 'Global', '*', 'ClusterReadOnly']]);
  });

  it(`${source('rootcoord validatePrivilegeGroupParams: cluster level')} a cluster group below the cluster level is refused`, async (ctx) => {
    const t = target();
    if (!t.features.grantV2) return ctx.skip(NEEDS_V2);
    const { root, role, db } = await setup(t, 'cl2');
    expectError(await root.grantPrivilegeV2({ role, privilege: 'ClusterAdmin', db_name: db, collection_name: '*' }), {
      code: 1100,
      reason: 'dbName and collectionName should be * for the cluster level privilege: ClusterAdmin',
    });
  });

  it(`${source('rootcoord validatePrivilegeGroupParams: database level; seed 002')} a database group is granted at db D / collection *, not on a collection`, async (ctx) => {
    const t = target();
    if (!t.features.grantV2) return ctx.skip(NEEDS_V2);
    const { root, role, db } = await setup(t, 'dbl');
    expectOk(await root.grantPrivilegeV2({ role, privilege: 'DatabaseReadOnly', db_name: db, collection_name: '*' }));
    expect(await everyGrant(root, role)).toEqual([[db, 'Global', '*', 'DatabaseReadOnly']]);
    expectError(await root.grantPrivilegeV2({ role, privilege: 'DatabaseAdmin', db_name: db, collection_name: 'col1' }), {
      reason: 'collectionName should be * for the database level privilege: DatabaseAdmin',
    });
  });

  it(`${source('rootcoord validatePrivilegeGroupParams: collection level; seed 002')} a collection group needs a database when it names a collection`, async (ctx) => {
    const t = target();
    if (!t.features.grantV2) return ctx.skip(NEEDS_V2);
    const { root, role, db } = await setup(t, 'col');
    expectOk(await root.grantPrivilegeV2({ role, privilege: 'CollectionReadOnly', db_name: db, collection_name: 'col1' }));
    expect(await everyGrant(root, role)).toEqual([[db, 'Global', 'col1', 'CollectionReadOnly']]);
    expectError(await root.grantPrivilegeV2({ role, privilege: 'CollectionAdmin', db_name: '*', collection_name: 'col1' }), {
      reason: 'please specify database name for the collection level privilege: CollectionAdmin',
    });
  });

  it(`${source('rootcoord OperatePrivilege v2: object type from util.GetObjectType')} a single privilege granted with v2 is stored under its own object type`, async (ctx) => {
    const t = target();
    if (!t.features.grantV2) return ctx.skip(NEEDS_V2);
    const { root, role, db } = await setup(t, 'single');
    expectOk(await root.grantPrivilegeV2({ role, privilege: 'Search', db_name: db, collection_name: 'col1' }));
    expectOk(await root.grantPrivilegeV2({ role, privilege: 'CreateCollection', db_name: db, collection_name: '*' }));
    expect(await everyGrant(root, role)).toEqual([
      [db, 'Collection', 'col1', 'Search'],
      [db, 'Global', '*', 'CreateCollection'],
    ]);
    expectOk(await root.revokePrivilegeV2({ role, privilege: 'Search', db_name: db, collection_name: 'col1' }));
    expect(await everyGrant(root, role)).toEqual([[db, 'Global', '*', 'CreateCollection']]);
  });

  it(`${source('rootcoord isValidPrivilegeV2')} v2 refuses an unknown privilege name`, async (ctx) => {
    const t = target();
    if (!t.features.grantV2) return ctx.skip(NEEDS_V2);
    const { root, role } = await setup(t, 'unk');
    expectError(await root.grantPrivilegeV2({ role, privilege: 'NoSuchThing', db_name: '*', collection_name: '*' }), {
      error_code: 'OperatePrivilegeFailure',
      reason: 'not found the privilege name[NoSuchThing]',
    });
  });

  it(`${source('meta_table.go CreatePrivilegeGroup/OperatePrivilegeGroup; seed 003')} a custom group is granted by name and read back by name, not expanded`, async (ctx) => {
    const t = target();
    if (!t.features.privilegeGroups) return ctx.skip(NEEDS_V2);
    const { root, role, db } = await setup(t, 'cg');
    const group = t.name('readers');
    expectOk(await root.createPrivilegeGroup({ group_name: group }));
    expectOk(await root.addPrivilegesToGroup({ group_name: group, privileges: ['Query', 'Search'] }));
    expectOk(await root.grantPrivilegeV2({ role, privilege: group, db_name: db, collection_name: 'col1' }));
    expect(await everyGrant(root, role)).toEqual([[db, 'Global', 'col1', group]]);
    const listed = (await root.listPrivilegeGroups()).privilege_groups.find((g) => g.group_name === group);
    expect(listed?.privileges.map((p) => p.name).sort()).toEqual(['Query', 'Search']);
  });

  it(`${source('meta_table.go CheckIfPrivilegeGroupDropable')} a group still granted to a role cannot be dropped`, async (ctx) => {
    const t = target();
    if (!t.features.privilegeGroups) return ctx.skip(NEEDS_V2);
    const { root, role, db } = await setup(t, 'inuse');
    const group = t.name('used');
    await root.createPrivilegeGroup({ group_name: group });
    await root.addPrivilegesToGroup({ group_name: group, privileges: ['Query'] });
    await root.grantPrivilegeV2({ role, privilege: group, db_name: db, collection_name: 'col1' });
    expectError(await root.dropPrivilegeGroup({ group_name: group }), {
      code: 1100,
      reason: `privilege group [${group}] is used by role [${role}], Use REVOKE API to revoke it first`,
    });
    expectOk(await root.revokePrivilegeV2({ role, privilege: group, db_name: db, collection_name: 'col1' }));
    expectOk(await root.dropPrivilegeGroup({ group_name: group }));
  });

  it(`${source('meta_table.go CheckIfPrivilegeGroupCreatable; internal/proxy/util.go ValidatePrivilegeGroupName')} group names: rules, built-in names and duplicates are refused`, async (ctx) => {
    const t = target();
    if (!t.features.privilegeGroups) return ctx.skip(NEEDS_V2);
    const root = await t.client();
    expectError(await root.createPrivilegeGroup({ group_name: `1${t.name('g')}` }), { code: 1100, reason: 'must be an underscore or letter' });
    expectError(await root.createPrivilegeGroup({ group_name: t.name('a$b') }), {
      code: 1100,
      reason: 'can only contain numbers, letters and underscores',
    });
    for (const builtin of ['Insert', 'ClusterAdmin', 'ReadOnly']) {
      expectError(await root.createPrivilegeGroup({ group_name: builtin }), {
        code: 1100,
        reason: `privilege group name [${builtin}] is defined by built in privileges or privilege groups in system`,
      });
    }
    expectOk(await root.createPrivilegeGroup({ group_name: t.name('g1') }));
    expectError(await root.createPrivilegeGroup({ group_name: t.name('g1') }), {
      code: 1100,
      reason: `privilege group name [${t.name('g1')}] is defined by users`,
    });
  });

  it(`${source('meta_table.go CheckIfPrivilegeGroupAlterable')} adding refuses mixed levels, unknown names, unknown groups and empty lists`, async (ctx) => {
    const t = target();
    if (!t.features.privilegeGroups) return ctx.skip(NEEDS_V2);
    const root = await t.client();
    const group = t.name('mix');
    await root.createPrivilegeGroup({ group_name: group });
    expectError(await root.addPrivilegesToGroup({ group_name: group, privileges: ['Query', 'CreateDatabase'] }), {
      reason: 'privileges are not the same privilege level',
    });
    expectError(await root.addPrivilegesToGroup({ group_name: group, privileges: ['Nope'] }), {
      reason: 'there is no privilege name or privilege group name [Nope] defined in system to operate',
    });
    expectError(await root.addPrivilegesToGroup({ group_name: t.name('nogroup'), privileges: ['Query'] }), {
      reason: `there is no privilege group name [${t.name('nogroup')}] defined in system to operate`,
    });
    expectError(await root.addPrivilegesToGroup({ group_name: group, privileges: [] }), {
      reason: 'privileges is empty when alter the privilege group',
    });
  });

  it(`${source('meta_table.go OperatePrivilegeGroup: set union / difference')} adding twice and removing absent privileges are no-ops`, async (ctx) => {
    const t = target();
    if (!t.features.privilegeGroups) return ctx.skip(NEEDS_V2);
    const root = await t.client();
    const group = t.name('idem');
    await root.createPrivilegeGroup({ group_name: group });
    expectOk(await root.addPrivilegesToGroup({ group_name: group, privileges: ['Query'] }));
    expectOk(await root.addPrivilegesToGroup({ group_name: group, privileges: ['Query', 'Search'] }));
    expectOk(await root.removePrivilegesFromGroup({ group_name: group, privileges: ['Insert', 'Search'] }));
    const listed = (await root.listPrivilegeGroups()).privilege_groups.find((g) => g.group_name === group);
    expect(listed?.privileges.map((p) => p.name)).toEqual(['Query']);
  });

  it(`${source('rootcoord ListPrivilegeGroups: built-in + custom; seeds 002/004')} ListPrivilegeGroups lists the nine built-in groups with their members`, async (ctx) => {
    const t = target();
    if (!t.features.privilegeGroups) return ctx.skip(NEEDS_V2);
    const root = await t.client();
    const groups = (await root.listPrivilegeGroups()).privilege_groups;
    const names = groups.map((g) => g.group_name);
    expect(names).toEqual(
      expect.arrayContaining([
        'CollectionReadOnly', 'CollectionReadWrite', 'CollectionAdmin', 'DatabaseReadOnly', 'DatabaseReadWrite',
        'DatabaseAdmin', 'ClusterReadOnly', 'ClusterReadWrite', 'ClusterAdmin',
      ]),
    );
    const dbRo = groups.find((g) => g.group_name === 'DatabaseReadOnly')?.privileges.map((p) => p.name);
    expect(dbRo?.sort()).toEqual(['DescribeDatabase', 'ShowCollections']);
  });

  it(`${source('rootcoord isValidPrivilege: custom group in v1')} a v1 grant cannot name a custom group`, async (ctx) => {
    const t = target();
    if (!t.features.privilegeGroups) return ctx.skip(NEEDS_V2);
    const { root, role } = await setup(t, 'v1g');
    const group = t.name('v1grp');
    await root.createPrivilegeGroup({ group_name: group });
    expectError(await root.grantPrivilege({ roleName: role, object: RbacObjects.Global, objectName: '*', privilegeName: group as 'All' }), {
      error_code: 'OperatePrivilegeFailure',
      reason: `can not operate the custom privilege group [${group}]`,
    });
  });

  it(`${source('rootcoord CheckIfDropRole: ListGrant db * = every database (2.5+)')} a role whose only grant is in another database cannot be dropped`, async (ctx) => {
    const t = target();
    if (!t.features.selectGrantAllDatabases) return ctx.skip('before 2.5 DropRole looks only at db default and * (probe 2.3.5)');
    const { root, role, db } = await setup(t, 'dbonly');
    await root.grantPrivilegeV2({ role, privilege: 'Insert', db_name: db, collection_name: 'col1' });
    expectError(await root.dropRole({ roleName: role }), { reason: 'fail to drop the role that it has privileges' });
    const forced = await sdkCall<{ error_code: string; reason: string }>(root, 'DropRole', { role_name: role, force_drop: true });
    expectOk(forced);
  });
});
