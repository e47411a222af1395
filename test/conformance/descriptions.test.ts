import { describe, expect, it } from 'vitest';
import { expectError, expectOk } from './expect.js';
import { ON_REAL, source, useTarget } from './target.js';

/**
 * Role and user descriptions (Milvus 2.6.19+) through the real SDK: AlterRole, and the
 * description fields of CreateRole, CreateCredential, UpdateCredential, SelectRole and SelectUser.
 * Sources: milvus 2.6 commits c88e03fca6 (#50535, role descriptions) and 505d18cbb0 (#50526, user
 * descriptions), both first in v2.6.19; internal/proxy/impl.go and internal/rootcoord/meta_table.go
 * at v3.0.0 (f46a032855) for the checks and their texts.
 */

describe.skipIf(ON_REAL)('descriptions on 2.6.19', () => {
  const target = useTarget({ milvusVersion: '2.6.19' });

  it(`${source('impl.go CreateRole/AlterRole; kv_catalog ListRole @ f46a032855')} a role keeps the description it is created with, AlterRole replaces it and "" clears it`, async () => {
    const t = target();
    const root = await t.client();
    const role = t.name('desc');
    expectOk(await root.createRole({ roleName: role, description: 'reads the catalogue' }));
    const described = async (): Promise<string | undefined> => (await root.describeRole({ roleName: role })).results?.[0]?.role.description;
    expect(await described()).toBe('reads the catalogue');
    expectOk(await root.alterRole({ roleName: role, description: 'reads and searches' }));
    expect(await described()).toBe('reads and searches');
    expectOk(await root.alterRole({ roleName: role, description: '' }));
    expect(await described()).toBe('');
  });

  it(`${source('impl.go AlterRole; meta_table CheckIfAlterRole @ f46a032855')} AlterRole refuses the default roles, an unknown role and a description over 1024 bytes`, async () => {
    const t = target();
    const root = await t.client();
    expectError(await root.alterRole({ roleName: 'admin', description: 'x' }), { code: 1401, reason: "the role[admin] is a default role, which can't be altered" });
    expectError(await root.alterRole({ roleName: t.name('nosuch'), description: 'x' }), { code: 65535, exact: 'failed to check if alter role: role not exists' });
    const role = t.name('long');
    expectOk(await root.createRole({ roleName: role }));
    expectError(await root.alterRole({ roleName: role, description: 'x'.repeat(1025) }), {
      code: 1100,
      exact: 'the length of role description must be not greater than limit: invalid parameter[1025 out of range 0 <= value <= 1024]',
    });
  });

  it(`${source('impl.go UpdateCredential; kv_catalog getUserResult @ f46a032855')} a user keeps its description; UpdateCredential may change only the description`, async () => {
    const t = target();
    const root = await t.client();
    const user = t.name('u');
    expectOk(await root.createUser({ username: user, password: 'first-password', description: 'the search API' }));
    const described = async (): Promise<string | undefined> => (await root.describeUser({ username: user })).results?.[0]?.description;
    expect(await described()).toBe('the search API');
    expectOk(await root.updateUser({ username: user, description: 'the search API, v2' }));
    expect(await described()).toBe('the search API, v2');
    // The password did not change.
    const asUser = await t.client({ user, password: 'first-password' });
    expectOk(await asUser.describeUser({ username: user }));
  });

  it(`${source('AlterRole needs CreateOwnership (proto privilege_ext_obj)')} AlterRole by a user without CreateOwnership is refused`, async () => {
    const t = target();
    const root = await t.client();
    const user = t.name('plain');
    const role = t.name('r');
    expectOk(await root.createUser({ username: user, password: 'plain-password' }));
    expectOk(await root.createRole({ roleName: role }));
    const plain = await t.client({ user, password: 'plain-password' });
    await expect(plain.alterRole({ roleName: role, description: 'x' })).rejects.toThrow(/PrivilegeCreateOwnership: permission deny/);
  });
});

describe.skipIf(ON_REAL)('descriptions before 2.6.19', () => {
  const target = useTarget({ milvusVersion: '2.6.18' });
  it(`${source('proto v2.6.18: no AlterRole, no description fields')} AlterRole is an unknown method and a description given at creation is dropped`, async () => {
    const t = target();
    const root = await t.client();
    const role = t.name('old');
    expectOk(await root.createRole({ roleName: role, description: 'lost' }));
    expect((await root.describeRole({ roleName: role })).results?.[0]?.role.description).toBe('');
    const answer = (await root.alterRole({ roleName: role, description: 'x' })) as { error_code?: string };
    // The SDK turns gRPC UNIMPLEMENTED into an empty answer: no status at all.
    expect(answer.error_code).toBeUndefined();
  });
});
