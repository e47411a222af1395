import { RbacObjects } from '@zilliz/milvus2-sdk-node';
import type { MilvusClient } from '@zilliz/milvus2-sdk-node';
import { describe, expect, it } from 'vitest';
import { connect } from '../../src/milvus/connection.js';
import { connectionOptionsFromEnv } from '../../src/milvus/connection-settings.js';
import { MilvusCallError } from '../../src/milvus/errors.js';
import { executeOperation } from '../../src/milvus/execute.js';
import { envSecretResolver } from '../../src/milvus/secrets.js';
import { expectError, expectGrpcError, expectOk } from './expect.js';
import { source, useTarget } from './target.js';
import type { Target } from './target.js';

/**
 * Authentication (token user:password, base64, in the `authorization` header) and authorization
 * of the RBAC calls themselves (internal/proxy/privilege_interceptor.go; probe 2.3.5).
 */

const UNAUTHENTICATED = 16;
const PERMISSION_DENIED = 7;
const PASSWORD = 'secret_pw1';

async function plainUser(t: Target, suffix: string): Promise<{ root: MilvusClient; name: string; client: MilvusClient }> {
  const root = await t.client();
  const name = t.name(suffix);
  expectOk(await root.createUser({ username: name, password: PASSWORD }));
  const client = await t.client({ user: name, password: PASSWORD });
  return { root, name, client };
}

describe('authentication', () => {
  const target = useTarget();

  it(`${source('internal/proxy/authentication_interceptor.go; probe 2.3.5')} a call without credentials is refused`, async () => {
    const client = target().looseClient({});
    await expectGrpcError(client.getVersion(), UNAUTHENTICATED, 'missing authorization in header');
  });

  it(`${source('authentication_interceptor.go: passwordVerify; probe 2.3.5')} a wrong password or an unknown user is refused`, async () => {
    const t = target();
    await expectGrpcError(t.looseClient({ user: 'root', password: 'not_the_password' }).listUsers(), UNAUTHENTICATED, 'auth check failure');
    await expectGrpcError(t.looseClient({ user: t.name('ghost'), password: PASSWORD }).listUsers(), UNAUTHENTICATED, 'auth check failure');
  });

  it(`${source('Milvus default root password "Milvus"')} root logs in with username and password as well as with a token`, async () => {
    const t = target();
    const client = await t.client({ user: 'root', password: 'Milvus' });
    expectOk(await client.checkHealth());
  });
});

describe('authorization of a non-admin caller', () => {
  const target = useTarget();

  it(`${source('privilege_interceptor: no check for GetVersion/CheckHealth')} any authenticated user may call GetVersion and CheckHealth`, async () => {
    const { client } = await plainUser(target(), 'any');
    expectOk(await client.getVersion());
    expect((await client.checkHealth()).isHealthy).toBe(true);
  });

  it(`${source('privilege_interceptor: CreateCredential/CreateRole need Global CreateOwnership')} creating users and roles needs CreateOwnership`, async () => {
    const t = target();
    const { name, client } = await plainUser(t, 'c1');
    await expectGrpcError(client.createUser({ username: t.name('x'), password: PASSWORD }), PERMISSION_DENIED, `PrivilegeCreateOwnership: permission deny to ${name}`);
    await expectGrpcError(client.createRole({ roleName: t.name('x') }), PERMISSION_DENIED, 'PrivilegeCreateOwnership');
  });

  it(`${source('privilege_interceptor: ListCredUsers/SelectRole need SelectOwnership')} listing users and roles needs SelectOwnership`, async () => {
    const { client } = await plainUser(target(), 'c2');
    await expectGrpcError(client.listUsers(), PERMISSION_DENIED, 'PrivilegeSelectOwnership');
    await expectGrpcError(client.describeRole({ roleName: 'public' }), PERMISSION_DENIED, 'PrivilegeSelectOwnership');
  });

  it(`${source('privilege_interceptor: SelectUser on User/<name>; self allowed')} reading another user needs SelectUser; reading oneself does not`, async () => {
    const { name, client } = await plainUser(target(), 'c3');
    expectOk(await client.describeUser({ username: name }));
    await expectGrpcError(client.describeUser({ username: 'root' }), PERMISSION_DENIED, 'PrivilegeSelectUser');
  });

  it(`${source('privilege_interceptor: OperatePrivilege/OperateUserRole need ManageOwnership')} granting and binding need ManageOwnership`, async () => {
    const t = target();
    const { root, name, client } = await plainUser(t, 'c4');
    await root.createRole({ roleName: t.name('c4r') });
    await expectGrpcError(
      client.grantPrivilege({ roleName: t.name('c4r'), object: RbacObjects.Global, objectName: '*', privilegeName: 'CreateCollection' }),
      PERMISSION_DENIED,
      'PrivilegeManageOwnership',
    );
    await expectGrpcError(client.addUserToRole({ username: name, roleName: 'admin' }), PERMISSION_DENIED, 'PrivilegeManageOwnership');
  });

  it(`${source('privilege_interceptor: ManageOwnership; the tool sends grants and bindings without the SDK interceptors')} the tool's own grant and bind calls carry the caller: refused to a plain user, done for root`, async () => {
    const t = target();
    const { root, name } = await plainUser(t, 'c4b');
    const role = t.name('c4br');
    expectOk(await root.createRole({ roleName: role }));
    const grant = { kind: 'grant', role, form: 'v1', grant: { objectType: 'Collection', objectName: 'books', dbName: 'default', privilege: 'Query' } } as const;
    const bind = { kind: 'bindRole', user: name, role } as const;
    const asUser = await connect(connectionOptionsFromEnv({ address: t.address }, { MILVUS_TOKEN: `${name}:${PASSWORD}` }));
    try {
      for (const op of [grant, bind]) {
        const error = await executeOperation(asUser, op, envSecretResolver({})).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(MilvusCallError);
        expect((error as MilvusCallError).code).toBe('PERMISSION_DENIED');
        expect((error as MilvusCallError).reason).toContain('PrivilegeManageOwnership');
      }
    } finally {
      await asUser.close();
    }
    const asRoot = await connect(connectionOptionsFromEnv({ address: t.address }, { MILVUS_TOKEN: t.rootToken }));
    try {
      await executeOperation(asRoot, grant, envSecretResolver({}));
      await executeOperation(asRoot, bind, envSecretResolver({}));
    } finally {
      await asRoot.close();
    }
    const grants = await root.listGrants({ roleName: role, db_name: 'default' });
    expect(grants.entities.map((e) => `${e.object.name}/${e.object_name}/${e.grantor.privilege.name}`)).toEqual(['Collection/books/Query']);
    const user = await root.describeUser({ username: name });
    expect(user.results[0]?.roles.map((r) => r.name)).toEqual([role]);
  });

  it(`${source('privilege_interceptor: DeleteCredential needs DropOwnership')} deleting a user needs DropOwnership`, async () => {
    const t = target();
    const { root, client } = await plainUser(t, 'c5');
    await root.createUser({ username: t.name('victim'), password: PASSWORD });
    await expectGrpcError(client.deleteUser({ username: t.name('victim') }), PERMISSION_DENIED, 'PrivilegeDropOwnership');
  });

  it(`${source('privilege_interceptor: UpdateCredential on User/<name>; self allowed')} changing another password needs UpdateUser; one's own does not`, async () => {
    const t = target();
    const { root, name, client } = await plainUser(t, 'c6');
    await root.createUser({ username: t.name('other'), password: PASSWORD });
    await expectGrpcError(
      client.updateUser({ username: t.name('other'), oldPassword: PASSWORD, newPassword: 'password2' }),
      PERMISSION_DENIED,
      'PrivilegeUpdateUser',
    );
    expectOk(await client.updateUser({ username: name, oldPassword: PASSWORD, newPassword: 'password2' }));
  });

  it(`${source('privilege_interceptor: CreateDatabase / ListDatabases')} database calls need their own privileges`, async () => {
    const t = target();
    const { client } = await plainUser(t, 'c7');
    await expectGrpcError(client.createDatabase({ db_name: t.name('nodb') }), PERMISSION_DENIED, 'PrivilegeCreateDatabase');
    await expectGrpcError(client.listDatabases(), PERMISSION_DENIED, 'PrivilegeListDatabases');
  });

  it(`${source('privilege_interceptor: SelectGrant of a role one holds; probe 2.3.5')} a user may read the grants of public but not of other roles`, async () => {
    const t = target();
    const { root, client } = await plainUser(t, 'c8');
    await root.createRole({ roleName: t.name('c8r') });
    expectOk(await client.listGrants({ roleName: 'public', db_name: 'default' }));
    await expectGrpcError(client.listGrants({ roleName: t.name('c8r'), db_name: 'default' }), PERMISSION_DENIED, 'PrivilegeSelectOwnership');
  });

  it(`${source('casbin policy: grants through a role; probe 2.3.5')} a role granting CreateOwnership and User/*/SelectUser lets the user do just that`, async () => {
    const t = target();
    const { root, name, client } = await plainUser(t, 'c9');
    const role = t.name('c9r');
    await root.createRole({ roleName: role });
    await root.grantPrivilege({ roleName: role, object: RbacObjects.Global, objectName: '*', privilegeName: 'CreateOwnership' });
    await root.grantPrivilege({ roleName: role, object: RbacObjects.User, objectName: '*', privilegeName: 'SelectUser' });
    await root.addUserToRole({ username: name, roleName: role });
    expectOk(await client.createRole({ roleName: t.name('byc9') }));
    expectOk(await client.describeUser({ username: 'root' }));
    await expectGrpcError(client.listUsers(), PERMISSION_DENIED, 'PrivilegeSelectOwnership');
  });

  it(`${source('privilege_interceptor: admin role bypasses checks')} a member of admin may do everything`, async () => {
    const t = target();
    const { root, name, client } = await plainUser(t, 'c10');
    await root.addUserToRole({ username: name, roleName: 'admin' });
    expectOk(await client.listUsers());
    expectOk(await client.createRole({ roleName: t.name('byadm') }));
    expectOk(await client.grantPrivilege({ roleName: t.name('byadm'), object: RbacObjects.Global, objectName: '*', privilegeName: 'DropDatabase' }));
    const grants = await root.listGrants({ roleName: t.name('byadm'), db_name: 'default' });
    expect(grants.entities[0]?.grantor.user.name).toBe(name);
  });

  it(`${source('Milvus: a refused call changes nothing')} a refused call leaves the state unchanged`, async () => {
    const t = target();
    const { root, client } = await plainUser(t, 'c11');
    await expectGrpcError(client.createRole({ roleName: t.name('never') }), PERMISSION_DENIED, 'PrivilegeCreateOwnership');
    expect((await root.listRoles()).results.map((r) => r.role.name)).not.toContain(t.name('never'));
    expectError(await root.dropRole({ roleName: t.name('never') }), { reason: 'not found the role' });
  });
});
