import { RbacObjects } from '@zilliz/milvus2-sdk-node';
import { describe, expect, it } from 'vitest';
import { expectError, expectOk } from './expect.js';
import { ON_REAL, sdkCall, source, useTarget } from './target.js';

/** Connect, GetVersion, CheckHealth, databases, BackupRBAC / RestoreRBAC, methods outside RBAC. */
describe('service calls', () => {
  const target = useTarget();

  it(`${source('internal/proxy/impl.go Connect; probe 2.3.5')} Connect answers server info and an identifier`, async () => {
    const root = await target().client();
    const answer = await sdkCall<{ status: { error_code: string }; server_info: { build_tags: string }; identifier: string }>(root, 'Connect', {
      client_info: { sdk_type: 'nodejs', user: 'root' },
    });
    expectOk(answer);
    expect(answer.server_info.build_tags).toMatch(/^v2\./);
    expect(answer.identifier).not.toBe('');
  });

  it(`${source('GetVersion / CheckHealth; probe 2.3.5')} GetVersion reports a v2.x version and CheckHealth says healthy`, async () => {
    const root = await target().client();
    expect((await root.getVersion()).version).toMatch(/^v2\.\d+\.\d+/);
    const health = await root.checkHealth();
    expect(health.isHealthy).toBe(true);
  });

  it(`${source('rootcoord CreateDatabase / DropDatabase; probe 2.3.5')} databases are created, listed, refused twice and dropped`, async () => {
    const t = target();
    const root = await t.client();
    const db = t.name('db');
    t.track('database', db);
    expectOk(await root.createDatabase({ db_name: db }));
    expect((await root.listDatabases()).db_names).toEqual(expect.arrayContaining(['default', db]));
    expectError(await root.createDatabase({ db_name: db }), { error_code: 'UnexpectedError', exact: `database already exist: ${db}` });
    expectOk(await root.dropDatabase({ db_name: db }));
    expect((await root.listDatabases()).db_names).not.toContain(db);
  });

  it(`${source('internal/proxy/util.go ValidateDatabaseName: merr DatabaseNameInvalid (802)')} database name rules`, async () => {
    const root = await target().client();
    const cases: [string, string][] = [
      ['', "database name couldn't be empty"],
      ['1db', 'the first character of a database name must be an underscore or letter'],
      ['a-b', 'database name can only contain numbers, letters and underscores'],
      ['a$b', 'database name can only contain numbers, letters and underscores'],
    ];
    for (const [name, problem] of cases) {
      expectError(await root.createDatabase({ db_name: name }), {
        error_code: 'UnexpectedError',
        code: 802,
        exact: `${problem}: invalid database name[database=${name}]`,
      });
    }
  });

  it(`${source('rootcoord DropDatabase; measured 2.3.5')} dropping default is refused, dropping an unknown database succeeds`, async () => {
    const t = target();
    const root = await t.client();
    expectError(await root.dropDatabase({ db_name: 'default' }), { error_code: 'UnexpectedError', code: 65535, exact: 'can not drop default database' });
    expectOk(await root.dropDatabase({ db_name: t.name('never') }));
  });

  it(`${source('probe 2.3.5: dropDatabase keeps grants')} grants in a dropped database come back when it is re-created`, async () => {
    const t = target();
    const root = await t.client();
    const db = t.name('keep');
    const role = t.name('keep_r');
    t.track('database', db);
    await root.createDatabase({ db_name: db });
    await root.createRole({ roleName: role });
    const inDb = await t.client({ user: 'root', password: 'Milvus', database: db });
    await inDb.grantPrivilege({ roleName: role, object: RbacObjects.Collection, objectName: 'c', privilegeName: 'Insert' });
    await root.dropDatabase({ db_name: db });
    await root.createDatabase({ db_name: db });
    const rows = (await root.listGrants({ roleName: role, db_name: db })).entities.map((e) => e.grantor.privilege.name);
    expect(rows).toEqual(['Insert']);
  });

  it(`${source('rootcoord BackupRBAC: RBACMeta')} BackupRBAC returns users with roles, roles, grants and groups, with no plain password`, async (ctx) => {
    const t = target();
    if (!t.features.backupRbac) return ctx.skip(`Milvus ${t.versionString} has no BackupRBAC`);
    const root = await t.client();
    const user = t.name('bk');
    const role = t.name('bk_r');
    await root.createUser({ username: user, password: 'secret_pw1' });
    await root.createRole({ roleName: role });
    await root.addUserToRole({ username: user, roleName: role });
    await root.grantPrivilege({ roleName: role, object: RbacObjects.Collection, objectName: 'c', privilegeName: 'Search' });
    const backup = await root.backupRBAC();
    expectOk(backup);
    const meta = backup.RBAC_meta;
    // The SDK types RBACMeta.users as {name}; the proto's UserInfo is {user, password, roles}.
    const users = meta.users as unknown as { user: string; password: string; roles: { name: string }[] }[];
    const backedUser = users.find((u) => u.user === user);
    expect(backedUser?.roles.map((r) => r.name)).toEqual([role]);
    expect(backedUser?.password).not.toContain('secret_pw1');
    expect(meta.roles.map((r) => r.name)).toContain(role);
    expect(meta.grants.filter((g) => g.role.name === role).map((g) => [g.object.name, g.object_name, g.grantor.privilege.name])).toEqual([
      ['Collection', 'c', 'Search'],
    ]);
  });

  it(`${source('meta_table.go CheckIfRBACRestorable / RestoreRBAC')} RestoreRBAC loads a backup and refuses one that clashes`, async (ctx) => {
    const t = target();
    if (!t.features.backupRbac) return ctx.skip(`Milvus ${t.versionString} has no RestoreRBAC`);
    const root = await t.client();
    const role = t.name('rs_r');
    const grant = {
      role: { name: role },
      object: { name: 'Global' },
      object_name: '*',
      db_name: 'default',
      grantor: { user: { name: 'root' }, privilege: { name: 'CreateCollection' } },
    };
    const meta = { users: [], roles: [{ name: role }], grants: [grant], privilege_groups: [] };
    expectOk(await root.restoreRBAC({ RBAC_meta: meta } as Parameters<typeof root.restoreRBAC>[0]));
    const rows = (await root.listGrants({ roleName: role, db_name: 'default' })).entities.map((e) => e.grantor.privilege.name);
    expect(rows).toEqual(['CreateCollection']);
    expectError(await root.restoreRBAC({ RBAC_meta: meta } as Parameters<typeof root.restoreRBAC>[0]), {
      reason: `role [${role}] already exists`,
    });
  });

  it.skipIf(ON_REAL)(`${source('emulator scope')} a method outside RBAC and collection names answers UNIMPLEMENTED, which the SDK turns into an empty answer`, async () => {
    const root = await target().client();
    const answer = await sdkCall<{ status?: unknown }>(root, 'GetLoadState', { collection_name: 'c' });
    expect(answer.status).toBeUndefined();
  });
});

describe.skipIf(ON_REAL)('authorization disabled (emulator option --no-auth; Milvus authorizationEnabled=false)', () => {
  const target = useTarget({ authorization: false });
  it(`${source('common.security.authorizationEnabled = false')} calls need no credentials and run as root`, async () => {
    const t = target();
    const anonymous = t.looseClient({});
    expectOk(await anonymous.createRole({ roleName: t.name('anon') }));
    const grants = await anonymous.grantPrivilege({ roleName: t.name('anon'), object: RbacObjects.Global, objectName: '*', privilegeName: 'CreateCollection' });
    expectOk(grants);
    const rows = (await anonymous.listGrants({ roleName: t.name('anon'), db_name: 'default' })).entities;
    expect(rows.map((r) => r.grantor.user.name)).toEqual(['root']);
  });
});
