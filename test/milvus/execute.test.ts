import { afterEach, describe, expect, it } from 'vitest';
import { executeOperation } from '../../src/milvus/execute.js';
import { envSecretResolver } from '../../src/milvus/secrets.js';
import type { Operation } from '../../src/model/operations.js';
import type { Grant } from '../../src/model/types.js';
import { readLiveState } from '../../src/milvus/read-state.js';
import { startFixture } from './helpers.js';
import type { Fixture } from './helpers.js';

let fixture: Fixture | undefined;
afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

const search: Grant = { objectType: 'Collection', objectName: 'books', dbName: 'db1', privilege: 'Search' };
const group: Grant = { objectType: 'Global', objectName: 'books', dbName: 'db1', privilege: 'g' };

describe('executeOperation maps every operation to its Milvus call', () => {
  it('runs all thirteen kinds, with the effect Milvus gives each', async () => {
    fixture = await startFixture({ milvusVersion: '2.5' });
    const { conn, emulator } = fixture;
    const secrets = envSecretResolver({ APP_PW: 'first-pass-1', NEW_PW: 'second-pass-2', NEW_PW_OLD: 'first-pass-1' });
    const run = (op: Operation): Promise<void> => executeOperation(conn, op, secrets);
    await run({ kind: 'createPrivilegeGroup', group: 'g' });
    await run({ kind: 'addPrivilegesToGroup', group: 'g', privileges: ['Search', 'Query', 'Insert'] });
    await run({ kind: 'removePrivilegesFromGroup', group: 'g', privileges: ['Insert'] });
    await run({ kind: 'createRole', role: 'r' });
    await run({ kind: 'grant', role: 'r', form: 'v1', grant: search });
    await run({ kind: 'grant', role: 'r', form: 'v2', grant: group });
    await run({ kind: 'createUser', user: 'app', password: { env: 'APP_PW' } });
    await run({ kind: 'bindRole', user: 'app', role: 'r' });
    let state = (await readLiveState(conn, { databases: ['db1'] })).state;
    expect(state.privilegeGroups).toEqual([{ name: 'g', privileges: ['Query', 'Search'] }]);
    expect(state.roles.find((r) => r.name === 'r')?.grants).toEqual([search, group]);
    expect(state.users.find((u) => u.name === 'app')?.roles).toEqual(['r']);
    expect(emulator.engine.authenticate('app', 'first-pass-1')).toBe(true);

    await run({ kind: 'updatePassword', user: 'app', password: { env: 'NEW_PW' }, oldPassword: { env: 'APP_PW' } });
    expect(emulator.engine.authenticate('app', 'second-pass-2')).toBe(true);
    await run({ kind: 'unbindRole', user: 'app', role: 'r' });
    await run({ kind: 'revoke', role: 'r', form: 'v1', grant: search });
    await run({ kind: 'revoke', role: 'r', form: 'v2', grant: group });
    await run({ kind: 'dropRole', role: 'r' });
    await run({ kind: 'dropPrivilegeGroup', group: 'g' });
    await run({ kind: 'dropUser', user: 'app' });
    state = (await readLiveState(conn, { databases: ['db1'] })).state;
    expect(state.users.map((u) => u.name)).toEqual(['root']);
    expect(state.roles.map((r) => r.name)).toEqual(['admin', 'public']);
    expect(state.privilegeGroups).toEqual([]);
  });

  it('sends an empty current password when the step names no oldPassword (a superuser\'s step), and reports Milvus refusing it', async () => {
    fixture = await startFixture({ milvusVersion: '2.4', seed: { state: { users: [{ name: 'app', roles: [] }], roles: [], privilegeGroups: [] }, passwords: { root: 'Milvus', app: 'first-pass-1' } } });
    const error = await executeOperation(fixture.conn, { kind: 'updatePassword', user: 'app', password: { env: 'NEW_PW' } }, envSecretResolver({ NEW_PW: 'second-pass-2' })).catch((e: unknown) => e);
    expect(String(error)).toMatch(/update password of user app .*old password not correct for app/);
    expect(String(error)).not.toContain('second-pass-2');
    expect(fixture.emulator.engine.authenticate('app', 'first-pass-1')).toBe(true);
  });

  it('grants v1 in the database the grant names, not the connection default', async () => {
    fixture = await startFixture({ milvusVersion: '2.3' });
    await executeOperation(fixture.conn, { kind: 'createRole', role: 'r' }, envSecretResolver({}));
    await executeOperation(fixture.conn, { kind: 'grant', role: 'r', form: 'v1', grant: { ...search, dbName: 'db9' } }, envSecretResolver({}));
    expect(fixture.emulator.engine.selectGrants('r', { dbName: 'db9' }).map((g) => g.dbName)).toEqual(['db9']);
    expect(fixture.emulator.engine.selectGrants('r', { dbName: 'default' })).toEqual([]);
  });
});
