import { RbacObjects } from '@zilliz/milvus2-sdk-node';
import type { MilvusClient } from '@zilliz/milvus2-sdk-node';
import { describe, expect, it } from 'vitest';
import { expectError, expectOk } from './expect.js';
import { sdkCall, source, useTarget } from './target.js';
import type { Target } from './target.js';

/** v1 grants: OperatePrivilege and SelectGrant. */

interface Row {
  readonly object: string;
  readonly objectName: string;
  readonly db: string;
  readonly privilege: string;
  readonly grantor: string;
}

async function grantsOf(client: MilvusClient, role: string, db: string): Promise<Row[]> {
  const answer = await client.listGrants({ roleName: role, db_name: db });
  expectOk(answer);
  return answer.entities.map((e) => ({
    object: e.object.name,
    objectName: e.object_name,
    db: e.db_name,
    privilege: e.grantor.privilege.name,
    grantor: e.grantor.user.name,
  }));
}

async function roleWith(t: Target, suffix: string): Promise<{ root: MilvusClient; role: string }> {
  const root = await t.client();
  const role = t.name(suffix);
  expectOk(await root.createRole({ roleName: role }));
  return { root, role };
}

describe('v1 grants', () => {
  const target = useTarget();

  it(`${source('measured on 2.3.5; the tool sends v1 grants this way')} an explicit entity.db_name is honoured over the connection's database, for grant and revoke`, async () => {
    const t = target();
    const { root, role } = await roleWith(t, 'dbname');
    const db = t.name('db');
    expectOk(await root.createDatabase({ db_name: db }));
    t.track('database', db);
    const entity = { role: { name: role }, object: { name: 'Collection' }, object_name: 'books', db_name: db, grantor: { privilege: { name: 'Query' } } };
    expectOk(await sdkCall(root, 'OperatePrivilege', { entity, type: 0 }));
    expect((await grantsOf(root, role, db)).map((r) => [r.db, r.objectName, r.privilege])).toEqual([[db, 'books', 'Query']]);
    expect(await grantsOf(root, role, 'default')).toEqual([]);
    expectOk(await sdkCall(root, 'OperatePrivilege', { entity, type: 1 }));
    expect(await grantsOf(root, role, db)).toEqual([]);
  });

  it(`${source('rootcoord isValidPrivilege: Global object name forced to *; probe 2.3.5')} a Global grant is stored with object name *`, async () => {
    const { root, role } = await roleWith(target(), 'g1');
    expectOk(await root.grantPrivilege({ roleName: role, object: RbacObjects.Global, objectName: 'foo', privilegeName: 'DropCollection' }));
    expect(await grantsOf(root, role, 'default')).toEqual([
      { object: RbacObjects.Global, objectName: '*', db: 'default', privilege: 'DropCollection', grantor: 'root' },
    ]);
  });

  it(`${source('MetaTable.OperatePrivilege: empty db_name → default')} a grant without a database goes to default`, async () => {
    const { root, role } = await roleWith(target(), 'g2');
    expectOk(await root.grantPrivilege({ roleName: role, object: RbacObjects.Collection, objectName: 'col1', privilegeName: 'Search' }));
    const rows = await grantsOf(root, role, 'default');
    expect(rows.map((r) => [r.db, r.object, r.objectName, r.privilege])).toEqual([['default', 'Collection', 'col1', 'Search']]);
  });

  it(`${source('internal/proxy/impl.go RelatedPrivileges (2.4+); probe 2.3.5 adds none')} granting Load adds GetLoadState and GetLoadingProgress`, async () => {
    const t = target();
    const { root, role } = await roleWith(t, 'load');
    expectOk(await root.grantPrivilege({ roleName: role, object: RbacObjects.Collection, objectName: 'col1', privilegeName: 'Load' }));
    const privileges = (await grantsOf(root, role, 'default')).map((r) => r.privilege).sort();
    const expected = t.features.relatedPrivileges ? ['GetLoadState', 'GetLoadingProgress', 'Load'] : ['Load'];
    expect(privileges).toEqual(expected);
    expectOk(await root.revokePrivilege({ roleName: role, object: RbacObjects.Collection, objectName: 'col1', privilegeName: 'Load' }));
    expect(await grantsOf(root, role, 'default')).toEqual([]);
  });

  it(`${source('internal/proxy/impl.go RelatedPrivileges (2.4+)')} granting Flush adds GetFlushState; revoking removes it`, async () => {
    const t = target();
    const { root, role } = await roleWith(t, 'flush');
    expectOk(await root.grantPrivilege({ roleName: role, object: RbacObjects.Collection, objectName: '*', privilegeName: 'Flush' }));
    const privileges = (await grantsOf(root, role, 'default')).map((r) => r.privilege).sort();
    expect(privileges).toEqual(t.features.relatedPrivileges ? ['Flush', 'GetFlushState'] : ['Flush']);
    expectOk(await root.revokePrivilege({ roleName: role, object: RbacObjects.Collection, objectName: '*', privilegeName: 'Flush' }));
    expect(await grantsOf(root, role, 'default')).toEqual([]);
  });

  it(`${source('kv_catalog AlterGrant: "has been granted" is ignorable; grantor kept')} granting twice succeeds and keeps the first grantor`, async () => {
    const t = target();
    const { root, role } = await roleWith(t, 'twice');
    const other = t.name('adm');
    await root.createUser({ username: other, password: 'secret_pw1' });
    await root.addUserToRole({ username: other, roleName: 'admin' });
    const otherClient = await t.client({ user: other, password: 'secret_pw1' });
    expectOk(await root.grantPrivilege({ roleName: role, object: RbacObjects.Collection, objectName: 'col1', privilegeName: 'Query' }));
    expectOk(await otherClient.grantPrivilege({ roleName: role, object: RbacObjects.Collection, objectName: 'col1', privilegeName: 'Query' }));
    expectOk(await otherClient.grantPrivilege({ roleName: role, object: RbacObjects.Collection, objectName: 'col1', privilegeName: 'Insert' }));
    const rows = await grantsOf(root, role, 'default');
    expect(rows.map((r) => [r.privilege, r.grantor])).toEqual([
      ['Insert', other],
      ['Query', 'root'],
    ]);
  });

  it(`${source('kv_catalog DeleteGrant: "isn\'t existed" is ignorable')} revoking a grant that is absent succeeds`, async () => {
    const { root, role } = await roleWith(target(), 'absent');
    expectOk(await root.revokePrivilege({ roleName: role, object: RbacObjects.Collection, objectName: 'nocol', privilegeName: 'Query' }));
    expectOk(await root.revokePrivilege({ roleName: role, object: RbacObjects.Global, objectName: '*', privilegeName: 'CreateCollection' }));
  });

  it(`${source('rootcoord isValidPrivilege; probe 2.3.5')} refuses unknown privileges and privileges of another object type`, async () => {
    const t = target();
    const { root, role } = await roleWith(t, 'bad');
    const modern = t.features.privilegeGroups;
    const cases: [string, string, string][] = [
      ['Collection', 'Foo', modern ? 'not found the privilege name[Foo] in object[Collection]' : 'not found the privilege name[Foo]'],
      ['Global', 'Insert', modern ? 'not found the privilege name[Insert] in object[Global]' : 'not found the privilege name[Insert]'],
      ['Collection', 'CreateCollection', 'not found the privilege name[CreateCollection]'],
    ];
    for (const [object, privilege, reason] of cases) {
      expectError(await root.grantPrivilege({ roleName: role, object: object as RbacObjects, objectName: '*', privilegeName: privilege as 'All' }), {
        error_code: 'OperatePrivilegeFailure',
        reason,
      });
    }
  });

  it(`${source('internal/proxy/impl.go validPrivilegeParams; measured 2.3.5')} refuses an empty privilege and an object name breaking the name rule`, async () => {
    const { root, role } = await roleWith(target(), 'par');
    expectError(await root.grantPrivilege({ roleName: role, object: RbacObjects.Collection, objectName: 'c', privilegeName: '' as 'All' }), {
      error_code: 'IllegalArgument',
      code: 1100,
      exact: 'Privilege should be not empty: invalid parameter[expected=not empty][actual=]',
    });
    expectError(await root.grantPrivilege({ roleName: role, object: RbacObjects.Collection, objectName: 'a-b', privilegeName: 'Search' }), {
      code: 1100,
      exact: 'role name can only contain numbers, letters, dollars and underscores, found - at 1: invalid parameter',
    });
  });

  it(`${source('measured 2.3.5: accepted by 2.3.5 already')} partition, alias and flush-state privileges are grantable`, async () => {
    const { root, role } = await roleWith(target(), 'new');
    for (const [object, privilege] of [
      [RbacObjects.Collection, 'GetFlushState'],
      [RbacObjects.Collection, 'ShowPartitions'],
      [RbacObjects.Global, 'DescribeAlias'],
      [RbacObjects.Global, 'CreateAlias'],
    ] as const) {
      expectOk(await root.grantPrivilege({ roleName: role, object, objectName: '*', privilegeName: privilege as 'All' }));
    }
  });

  it(`${source('rootcoord isValidObject; 2.4.18+ (#37787): "the object entity in the request is nil or invalid"')} refuses an unknown object type, case-sensitively`, async () => {
    const t = target();
    const { root, role } = await roleWith(t, 'otype');
    for (const object of ['Foo', 'global']) {
      expectError(await root.grantPrivilege({ roleName: role, object: object as RbacObjects, objectName: '*', privilegeName: 'CreateCollection' }), {
        error_code: 'OperatePrivilegeFailure',
        reason: t.features.objectEntityWording ? 'the object entity in the request is nil or invalid' : `not found the object type[name: ${object}], supported the object types: [`,
      });
    }
  });

  it(`${source('rootcoord operatePrivilegeCommonCheck: role must exist')} refuses a grant to an unknown role`, async () => {
    const t = target();
    const root = await t.client();
    expectError(await root.grantPrivilege({ roleName: t.name('norole'), object: RbacObjects.Global, objectName: '*', privilegeName: 'CreateCollection' }), {
      error_code: 'OperatePrivilegeFailure',
      exact: "not found the role, maybe the role isn't existed or internal system error",
    });
  });

  it(`${source('rootcoord isValidPrivilege: legacy groups; probe 2.3.5')} a v1 grant cannot name ReadOnly / ReadWrite / Admin`, async () => {
    const t = target();
    const { root, role } = await roleWith(t, 'legacy');
    const answer = await root.grantPrivilege({ roleName: role, object: RbacObjects.Collection, objectName: 'col1', privilegeName: 'ReadOnly' as 'All' });
    const reason = t.features.privilegeGroups ? 'can not operate the built-in privilege group [ReadOnly]' : 'not found the privilege name[ReadOnly]';
    expectError(answer, { error_code: 'OperatePrivilegeFailure', reason });
  });

  it(`${source('probe 2.3.5: * and All')} privilege * and privilege All are distinct grants`, async () => {
    const { root, role } = await roleWith(target(), 'star');
    expectOk(await root.grantPrivilege({ roleName: role, object: RbacObjects.Global, objectName: '*', privilegeName: '*' as 'All' }));
    expectOk(await root.grantPrivilege({ roleName: role, object: RbacObjects.Global, objectName: '*', privilegeName: 'All' }));
    expect((await grantsOf(root, role, 'default')).map((r) => r.privilege)).toEqual(['*', 'All']);
  });

  it(`${source('internal/proxy: db from the dbname header; probe 2.3.5')} a grant made on a client using db1 lands in db1`, async () => {
    const t = target();
    const { root, role } = await roleWith(t, 'hdr');
    const db = t.name('db1');
    t.track('database', db);
    expectOk(await root.createDatabase({ db_name: db }));
    const inDb = await t.client({ user: 'root', password: 'Milvus', database: db });
    expectOk(await inDb.grantPrivilege({ roleName: role, object: RbacObjects.Collection, objectName: 'col1', privilegeName: 'Insert' }));
    expect((await grantsOf(root, role, db)).map((r) => [r.db, r.privilege])).toEqual([[db, 'Insert']]);
    expect(await grantsOf(root, role, 'default')).toEqual([]);
  });

  it(`${source('kv_catalog ListGrant: db * matches every database; probe 2.3.5')} a grant stored with db * is listed for every database`, async () => {
    const t = target();
    const { root, role } = await roleWith(t, 'anydb');
    const inAny = await t.client({ user: 'root', password: 'Milvus', database: '*' });
    expectOk(await inAny.grantPrivilege({ roleName: role, object: RbacObjects.Collection, objectName: 'col1', privilegeName: 'Compaction' }));
    for (const db of ['default', 'otherdb', '*']) {
      expect((await grantsOf(root, role, db)).map((r) => [r.db, r.privilege])).toEqual([['*', 'Compaction']]);
    }
  });

  it(`${source('SelectGrant response shape, rootcoord SelectGrant')} each entity carries role, object, object_name, db_name, grantor user and privilege`, async () => {
    const { root, role } = await roleWith(target(), 'shape');
    await root.grantPrivilege({ roleName: role, object: RbacObjects.User, objectName: '*', privilegeName: 'SelectUser' });
    const answer = await root.listGrants({ roleName: role, db_name: 'default' });
    expect(answer.entities).toEqual([
      {
        role: { name: role, description: '' },
        object: { name: 'User' },
        object_name: '*',
        db_name: 'default',
        grantor: { user: { name: 'root' }, privilege: { name: 'SelectUser' } },
      },
    ]);
  });

  it(`${source('rootcoord SelectGrant: not found the role')} SelectGrant of an unknown role fails`, async () => {
    const t = target();
    const root = await t.client();
    expectError(await root.listGrants({ roleName: t.name('norole'), db_name: 'default' }), {
      error_code: 'SelectGrantFailure',
      exact: "not found the role, maybe the role isn't existed or internal system error",
    });
  });

  it(`${source('kv_catalog ListGrant: exact object key')} SelectGrant with an object returns that object only`, async () => {
    const { root, role } = await roleWith(target(), 'exact');
    await root.grantPrivilege({ roleName: role, object: RbacObjects.Collection, objectName: 'col1', privilegeName: 'Search' });
    await root.grantPrivilege({ roleName: role, object: RbacObjects.Collection, objectName: '*', privilegeName: 'Insert' });
    const answer = await root.selectGrant({ roleName: role, object: RbacObjects.Collection, objectName: 'col1' });
    expect(answer.entities.map((e) => [e.object_name, e.grantor.privilege.name])).toEqual([['col1', 'Search']]);
  });

  it(`${source('internal/proxy/impl.go validGrantParams; measured 2.3.5')} SelectGrant naming an object type needs a valid object name`, async () => {
    const { root, role } = await roleWith(target(), 'noobj');
    expectError(await root.selectGrant({ roleName: role, object: RbacObjects.Collection, objectName: '' }), {
      error_code: 'IllegalArgument',
      code: 1100,
      exact: 'role name should be not empty: invalid parameter[expected=not empty][actual=]',
    });
  });

  it(`${source('internal/proxy/impl.go SelectGrant: role entity required')} SelectGrant without a role is a parameter error`, async () => {
    const root = await target().client();
    const answer = await sdkCall<{ status: { error_code: string; reason: string; code: number } }>(root, 'SelectGrant', { entity: {} });
    expectError(answer, { error_code: 'IllegalArgument', code: 1100, reason: 'the role entity in the grant entity is nil' });
  });

  it(`${source('rootcoord initRbac / initPublicRolePrivilege; probe 2.3.5')} public holds DescribeCollection, IndexDetail and ShowCollections (before 2.4.3) or ListAliases (2.4.18+) in db *`, async () => {
    const t = target();
    const root = await t.client();
    const rows = await grantsOf(root, 'public', 'default');
    expect(rows).toEqual(
      expect.arrayContaining([
        { object: RbacObjects.Collection, objectName: '*', db: '*', privilege: 'IndexDetail', grantor: 'root' },
        { object: RbacObjects.Global, objectName: '*', db: '*', privilege: 'DescribeCollection', grantor: 'root' },
        { object: RbacObjects.Global, objectName: '*', db: '*', privilege: t.version.major === 2 && t.version.minor < 4 ? 'ShowCollections' : 'ListAliases', grantor: 'root' },
      ]),
    );
  });
});
