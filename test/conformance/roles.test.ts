import { RbacObjects } from '@zilliz/milvus2-sdk-node';
import { describe, expect, it } from 'vitest';
import { expectError, expectOk } from './expect.js';
import { ON_REAL, sdkCall, source, useTarget } from './target.js';

/** Roles and bindings: CreateRole, DropRole, OperateUserRole, SelectRole. */
describe('roles', () => {
  const target = useTarget();
  const PASSWORD = 'secret_pw1';

  it(`${source('internal/proxy/impl.go CreateRole; probe 2.3.5')} creates a role that SelectRole lists`, async () => {
    const t = target();
    const root = await t.client();
    expectOk(await root.createRole({ roleName: t.name('r1') }));
    const roles = (await root.listRoles()).results.map((r) => r.role.name);
    expect(roles).toContain(t.name('r1'));
    expect(roles).toEqual(expect.arrayContaining(['admin', 'public']));
  });

  it(`${source('rootcoord CreateRole: role already exists; probe 2.3.5')} refuses a duplicate role`, async () => {
    const t = target();
    const root = await t.client();
    await root.createRole({ roleName: t.name('dup') });
    expectError(await root.createRole({ roleName: t.name('dup') }), {
      error_code: 'CreateRoleFailure',
      exact: `role [name:"${t.name('dup')}"] already exists`,
    });
  });

  describe(`${source('internal/proxy/util.go ValidateRoleName / validateName')} role name rules`, () => {
    it('refuses an empty name, with expected/actual detail', async () => {
      const root = await target().client();
      expectError(await root.createRole({ roleName: '' }), {
        error_code: 'IllegalArgument',
        code: 1100,
        exact: 'role name should be not empty: invalid parameter[expected=not empty][actual=]',
      });
    });

    it('accepts a leading underscore and a dollar sign', async () => {
      const t = target();
      const root = await t.client();
      expectOk(await root.createRole({ roleName: `_${t.name('u')}` }));
      expectOk(await root.createRole({ roleName: t.name('a$b') }));
      await root.dropRole({ roleName: `_${t.name('u')}` });
    });

    it('refuses a leading digit, naming the byte values', async () => {
      const t = target();
      const root = await t.client();
      expectError(await root.createRole({ roleName: `1${t.name('r')}` }), {
        code: 1100,
        exact: 'the first character of role name must be an underscore or letter: invalid parameter[expected=95][actual=49]',
      });
    });

    it('refuses other characters, naming the character and its position', async () => {
      const t = target();
      const root = await t.client();
      const name = t.name('a-b');
      expectError(await root.createRole({ roleName: name }), {
        code: 1100,
        exact: `role name can only contain numbers, letters, dollars and underscores, found - at ${name.indexOf('-')}: invalid parameter`,
      });
    });

    it('refuses names longer than proxy.maxNameLength (255)', async () => {
      const t = target();
      const root = await t.client();
      expectError(await root.createRole({ roleName: t.name('r').padEnd(256, 'r') }), {
        code: 1100,
        exact: 'the length of role name must be not greater than limit: invalid parameter[256 out of range 0 <= value <= 255]',
      });
    });
  });

  it(`${source('internal/proxy/impl.go DropRole: IsDefaultRole')} refuses to drop admin and public`, async () => {
    const root = await target().client();
    for (const role of ['admin', 'public']) {
      expectError(await root.dropRole({ roleName: role }), {
        code: 1401,
        exact: `the role[${role}] is a default role, which can't be dropped: privilege not permitted`,
      });
    }
  });

  it(`${source('rootcoord DropRole: not found the role')} refuses to drop an unknown role`, async () => {
    const t = target();
    const root = await t.client();
    expectError(await root.dropRole({ roleName: t.name('nobody') }), {
      error_code: 'DropRoleFailure',
      exact: "not found the role, maybe the role isn't existed or internal system error",
    });
  });

  it(`${source('rootcoord DropRole: role with privileges')} refuses to drop a role that still holds a grant`, async () => {
    const t = target();
    const root = await t.client();
    await root.createRole({ roleName: t.name('held') });
    expectOk(await root.grantPrivilege({ roleName: t.name('held'), object: RbacObjects.Global, objectName: '*', privilegeName: 'CreateCollection' }));
    expectError(await root.dropRole({ roleName: t.name('held') }), {
      error_code: 'DropRoleFailure',
      exact: 'fail to drop the role that it has privileges. Use REVOKE API to revoke privileges',
    });
    expect((await root.listRoles()).results.map((r) => r.role.name)).toContain(t.name('held'));
  });

  it(`${source('probe 2.3.5: dropRole with a bound user')} drops a role with bound users, unbinding them`, async () => {
    const t = target();
    const root = await t.client();
    await root.createUser({ username: t.name('bu'), password: PASSWORD });
    await root.createRole({ roleName: t.name('br') });
    await root.addUserToRole({ username: t.name('bu'), roleName: t.name('br') });
    expectOk(await root.dropRole({ roleName: t.name('br') }));
    expect((await root.describeUser({ username: t.name('bu') })).results[0]?.roles ?? []).toEqual([]);
  });

  it(`${source('kv_catalog: IgnorableError "has existed"')} binding twice succeeds and binds once`, async () => {
    const t = target();
    const root = await t.client();
    await root.createUser({ username: t.name('b2'), password: PASSWORD });
    await root.createRole({ roleName: t.name('b2r') });
    expectOk(await root.addUserToRole({ username: t.name('b2'), roleName: t.name('b2r') }));
    expectOk(await root.addUserToRole({ username: t.name('b2'), roleName: t.name('b2r') }));
    const roles = (await root.describeUser({ username: t.name('b2') })).results[0]?.roles.map((r) => r.name);
    expect(roles).toEqual([t.name('b2r')]);
    const role = await root.describeRole({ roleName: t.name('b2r') });
    expect(role.results[0]?.users.map((u) => u.name)).toEqual([t.name('b2')]);
  });

  it(`${source('rootcoord OperateUserRole: user and role must exist for Add')} refuses binding an unknown user or role`, async () => {
    const t = target();
    const root = await t.client();
    await root.createUser({ username: t.name('b3'), password: PASSWORD });
    await root.createRole({ roleName: t.name('b3r') });
    expectError(await root.addUserToRole({ username: t.name('nobody'), roleName: t.name('b3r') }), {
      error_code: 'OperateUserRoleFailure',
      exact: "not found the user, maybe the user isn't existed or internal system error",
    });
    expectError(await root.addUserToRole({ username: t.name('b3'), roleName: t.name('norole') }), {
      error_code: 'OperateUserRoleFailure',
      exact: "not found the role, maybe the role isn't existed or internal system error",
    });
  });

  it(`${source('rootcoord OperateUserRole Remove: no user check; IgnorableError')} unbinding what is not bound succeeds`, async () => {
    const t = target();
    const root = await t.client();
    await root.createUser({ username: t.name('b4'), password: PASSWORD });
    await root.createRole({ roleName: t.name('b4r') });
    expectOk(await root.removeUserFromRole({ username: t.name('b4'), roleName: t.name('b4r') }));
    expectOk(await root.removeUserFromRole({ username: t.name('nobody'), roleName: t.name('b4r') }));
    expectError(await root.removeUserFromRole({ username: t.name('b4'), roleName: t.name('norole') }), {
      reason: 'not found the role',
    });
  });

  it(`${source('rootcoord SelectRole: unknown → empty; include_user_info')} SelectRole of an unknown role is empty; users only on request`, async () => {
    const t = target();
    const root = await t.client();
    const unknown = await root.describeRole({ roleName: t.name('nobody') });
    expectOk(unknown);
    expect(unknown.results).toEqual([]);
    await root.createUser({ username: t.name('s1'), password: PASSWORD });
    await root.createRole({ roleName: t.name('s1r') });
    await root.addUserToRole({ username: t.name('s1'), roleName: t.name('s1r') });
    const without = await sdkCall<{ results: { users: unknown[] }[] }>(root, 'SelectRole', {
      role: { name: t.name('s1r') },
      include_user_info: false,
    });
    expect(without.results[0]?.users).toEqual([]);
  });

  it(`${source('proxy.maxRoleNum = 10, counting admin and public; probe 2.3.5')} refuses the role beyond the limit`, async () => {
    const t = target();
    const root = await t.client();
    const existing = (await root.listRoles()).results.length;
    const limit = Number(process.env.MILVUS_MAX_ROLES ?? 10);
    const made: string[] = [];
    for (let i = existing; i < limit; i++) {
      made.push(t.name(`lim${i}`));
      expectOk(await root.createRole({ roleName: t.name(`lim${i}`) }));
    }
    expectError(await root.createRole({ roleName: t.name('over') }), {
      error_code: 'CreateRoleFailure',
      exact: 'unable to create role because the number of roles has reached the limit',
    });
    for (const role of made) await root.dropRole({ roleName: role });
  });

  it(`${source('rootcoord DropRole force_drop (2.5+); probe 2.3.5 ignores it')} force_drop drops a role with grants only where supported`, async () => {
    const t = target();
    const root = await t.client();
    await root.createRole({ roleName: t.name('fd') });
    await root.grantPrivilege({ roleName: t.name('fd'), object: RbacObjects.Global, objectName: '*', privilegeName: 'CreateCollection' });
    const answer = await sdkCall<{ error_code: string; reason: string }>(root, 'DropRole', { role_name: t.name('fd'), force_drop: true });
    if (t.features.forceDrop) {
      expectOk(answer);
      await root.createRole({ roleName: t.name('fd') });
      expect((await root.listGrants({ roleName: t.name('fd'), db_name: 'default' })).entities).toEqual([]);
    } else {
      expectError(answer, { error_code: 'DropRoleFailure', reason: 'fail to drop the role that it has privileges' });
    }
  });
});

describe.skipIf(ON_REAL)('roles: configured limit (emulator option --max-roles; real servers: proxy.maxRoleNum)', () => {
  const target = useTarget({ limits: { maxRoles: 4 } });
  it(`${source('proxy.maxRoleNum configurable')} enforces a configured role limit`, async () => {
    const t = target();
    const root = await t.client();
    expectOk(await root.createRole({ roleName: t.name('a') }));
    expectOk(await root.createRole({ roleName: t.name('b') }));
    expectError(await root.createRole({ roleName: t.name('c') }), { reason: 'number of roles has reached the limit' });
  });
});
