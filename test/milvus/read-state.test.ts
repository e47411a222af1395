import { afterEach, describe, expect, it } from 'vitest';
import { canonicalState, statesEqual } from '../../src/model/canonical.js';
import type { Grant, RbacState } from '../../src/model/types.js';
import type { VersionProfile } from '../../src/model/versions.js';
import { readLiveState } from '../../src/milvus/read-state.js';
import { executeOperation } from '../../src/milvus/execute.js';
import { envSecretResolver } from '../../src/milvus/secrets.js';
import type { Operation } from '../../src/model/operations.js';
import { rawClient, startFixture } from './helpers.js';
import type { Fixture } from './helpers.js';

let fixture: Fixture | undefined;
afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

const secrets = envSecretResolver({ APP_PW: 'app-password-1' });
const grant = (objectType: Grant['objectType'], objectName: string, dbName: string, privilege: string): Grant => ({ objectType, objectName, dbName, privilege });

async function run(f: Fixture, ops: readonly Operation[]): Promise<void> {
  for (const op of ops) await executeOperation(f.conn, op, secrets);
}

function role(state: RbacState, name: string): readonly Grant[] {
  return state.roles.find((r) => r.name === name)?.grants ?? [];
}

describe.each(['2.3', '2.4', '2.5', '2.6'] as const)('readLiveState on Milvus %s', (profile: VersionProfile) => {
  it('reads users, bindings (public never listed), roles and db-scoped grants back exactly as written', async () => {
    fixture = await startFixture({ milvusVersion: profile });
    await run(fixture, [
      { kind: 'createRole', role: 'reader' },
      { kind: 'grant', role: 'reader', form: 'v1', grant: grant('Collection', 'books', 'default', 'Search') },
      { kind: 'grant', role: 'reader', form: 'v1', grant: grant('Collection', 'books', 'db1', 'Query') },
      { kind: 'createUser', user: 'app', password: { env: 'APP_PW' } },
      { kind: 'bindRole', user: 'app', role: 'reader' },
      { kind: 'bindRole', user: 'app', role: 'public' },
    ]);
    const read = await readLiveState(fixture.conn, { databases: ['db1'] });
    expect(read.state.users).toEqual([
      { name: 'app', roles: ['reader'] },
      { name: 'root', roles: [] },
    ]);
    expect(role(read.state, 'reader')).toEqual(canonicalState({ users: [], roles: [{ name: 'reader', grants: [grant('Collection', 'books', 'db1', 'Query'), grant('Collection', 'books', 'default', 'Search')] }], privilegeGroups: [] }).roles[0]?.grants);
    expect(read.state.roles.map((r) => r.name)).toEqual(['admin', 'public', 'reader']);
    expect(read.versionString).toMatch(new RegExp(`^v${profile.replace('.', '\\.')}`));
    expect(read.rpcCount).toBeGreaterThan(0);
  });

  it('stores Global single privileges under * whatever object name was given', async () => {
    fixture = await startFixture({ milvusVersion: profile });
    await run(fixture, [
      { kind: 'createRole', role: 'ddl' },
      { kind: 'grant', role: 'ddl', form: 'v1', grant: grant('Global', 'anything', 'default', 'DropCollection') },
    ]);
    const read = await readLiveState(fixture.conn);
    expect(role(read.state, 'ddl')).toEqual([grant('Global', '*', 'default', 'DropCollection')]);
  });

  it('reads a grant made without a database as db default', async () => {
    fixture = await startFixture({ milvusVersion: profile });
    const client = rawClient(fixture.emulator.address);
    try {
      await client.createRole({ roleName: 'plain' });
      await client.grantPrivilege({ roleName: 'plain', object: 'Collection' as never, objectName: 'books', privilegeName: 'Insert' });
    } finally {
      await client.closeConnection();
    }
    const read = await readLiveState(fixture.conn);
    expect(role(read.state, 'plain')).toEqual([grant('Collection', 'books', 'default', 'Insert')]);
  });

  it('ignores the grantor: the same grants made by different users read back equal', async () => {
    const state = async (grantor: 'root' | 'ops'): Promise<RbacState> => {
      const f = await startFixture({ milvusVersion: profile, seed: { state: { users: [{ name: 'ops', roles: ['admin'] }], roles: [], privilegeGroups: [] }, passwords: { ops: 'ops-password', root: 'Milvus' } } }, {}, { MILVUS_TOKEN: grantor === 'root' ? 'root:Milvus' : 'ops:ops-password' });
      try {
        await run(f, [
          { kind: 'createRole', role: 'r' },
          { kind: 'grant', role: 'r', form: 'v1', grant: grant('Collection', '*', 'default', 'Search') },
        ]);
        return (await readLiveState(f.conn)).state;
      } finally {
        await f.close();
      }
    };
    expect(statesEqual(await state('root'), await state('ops'))).toBe(true);
  });

  it('reads Load without the privileges Milvus adds alongside it', async () => {
    fixture = await startFixture({ milvusVersion: profile });
    await run(fixture, [
      { kind: 'createRole', role: 'loader' },
      { kind: 'grant', role: 'loader', form: 'v1', grant: grant('Collection', 'books', 'default', 'Load') },
      { kind: 'grant', role: 'loader', form: 'v1', grant: grant('Collection', 'books', 'default', 'Flush') },
    ]);
    const read = await readLiveState(fixture.conn);
    expect(role(read.state, 'loader')).toEqual([grant('Collection', 'books', 'default', 'Flush'), grant('Collection', 'books', 'default', 'Load')]);
  });
});

describe.each(['2.5', '2.6'] as const)('privilege groups on Milvus %s', (profile) => {
  it('reads custom groups (not built-in ones) and group grants back by name', async () => {
    fixture = await startFixture({ milvusVersion: profile });
    await run(fixture, [
      { kind: 'createPrivilegeGroup', group: 'readers' },
      { kind: 'addPrivilegesToGroup', group: 'readers', privileges: ['Search', 'Query'] },
      { kind: 'createRole', role: 'r' },
      { kind: 'grant', role: 'r', form: 'v2', grant: grant('Global', 'books', 'db1', 'readers') },
      { kind: 'grant', role: 'r', form: 'v2', grant: grant('Global', '*', '*', 'ClusterReadOnly') },
      { kind: 'grant', role: 'r', form: 'v2', grant: grant('Global', '*', 'db1', 'DatabaseReadOnly') },
    ]);
    const read = await readLiveState(fixture.conn);
    expect(read.method).toBe('backup');
    expect(read.state.privilegeGroups).toEqual([{ name: 'readers', privileges: ['Query', 'Search'] }]);
    expect(role(read.state, 'r')).toEqual([
      grant('Global', '*', '*', 'ClusterReadOnly'),
      grant('Global', '*', 'db1', 'DatabaseReadOnly'),
      grant('Global', 'books', 'db1', 'readers'),
    ]);
  });

  it('falls back to reading role by role when the user may not run BackupRBAC, with the same result', async () => {
    const seedState: RbacState = {
      users: [{ name: 'ops', roles: ['ops'] }],
      roles: [{ name: 'ops', grants: [grant('Global', '*', '*', 'SelectOwnership'), grant('Global', '*', '*', 'ListPrivilegeGroups'), grant('Global', '*', '*', 'ListDatabases')] }, { name: 'x', grants: [grant('Collection', 'c', 'db2', 'Search')] }],
      privilegeGroups: [{ name: 'g', privileges: ['Insert'] }],
    };
    fixture = await startFixture({ milvusVersion: profile, seed: { state: seedState, passwords: { ops: 'ops-password', root: 'Milvus' } } });
    const asRoot = await readLiveState(fixture.conn);
    const f2 = await startFixture({ milvusVersion: profile, seed: { state: seedState, passwords: { ops: 'ops-password', root: 'Milvus' } } }, {}, { MILVUS_TOKEN: 'ops:ops-password' });
    try {
      const asOps = await readLiveState(f2.conn);
      expect(asRoot.method).toBe('backup');
      expect(asOps.method).toBe('select-all-databases');
      expect(asOps.state).toEqual(asRoot.state);
    } finally {
      await f2.close();
    }
  });
});

describe('read cost', () => {
  it('reads 2.3 grants per role and per database with one SelectRole for all bindings', async () => {
    fixture = await startFixture({ milvusVersion: '2.3' });
    await run(fixture, [
      { kind: 'createRole', role: 'a' },
      { kind: 'createRole', role: 'b' },
      { kind: 'grant', role: 'a', form: 'v1', grant: grant('Collection', 'c', 'db1', 'Search') },
    ]);
    const before = fixture.emulator.faults.callCount();
    const read = await readLiveState(fixture.conn, { databases: ['db1'] });
    expect(fixture.emulator.faults.callCount() - before).toBe(read.rpcCount);
    // ListCredUsers + SelectRole + ListDatabases + 4 roles x 2 databases.
    expect(read.rpcCount).toBe(3 + 4 * 2);
    expect(fixture.emulator.faults.callCount('SelectUser')).toBe(1); // only the credential check of connect
    expect(role(read.state, 'a')).toEqual([grant('Collection', 'c', 'db1', 'Search')]);
  });

  it('reads 2.5 in a constant number of calls', async () => {
    fixture = await startFixture({ milvusVersion: '2.5' });
    const ops: Operation[] = [];
    for (let i = 0; i < 6; i++) ops.push({ kind: 'createRole', role: `r${i}` }, { kind: 'grant', role: `r${i}`, form: 'v1', grant: grant('Collection', 'c', 'default', 'Search') });
    await run(fixture, ops);
    const read = await readLiveState(fixture.conn);
    // ListCredUsers + SelectRole + ListDatabases + BackupRBAC + SelectGrant(admin) + SelectGrant(public).
    expect(read.rpcCount).toBe(6);
    expect(read.state.roles.filter((r) => r.grants.length === 1)).toHaveLength(6);
  });
});

describe('read robustness', () => {
  it('tries a read again after a dropped connection', async () => {
    fixture = await startFixture({ milvusVersion: '2.4' });
    await run(fixture, [{ kind: 'createRole', role: 'kept' }]);
    fixture.emulator.faults.dropConnection({ method: 'SelectGrant', nth: 2 });
    const read = await readLiveState(fixture.conn);
    expect(read.state.roles.map((r) => r.name)).toEqual(['admin', 'kept', 'public']);
  });

  it('does not retry a refusal', async () => {
    fixture = await startFixture({ milvusVersion: '2.4' });
    fixture.emulator.faults.failMatching('SelectRole', { grpcCode: 7, message: 'PrivilegeSelectOwnership: permission deny to root' });
    await expect(readLiveState(fixture.conn)).rejects.toThrow(/permission deny/);
    expect(fixture.emulator.faults.callCount('SelectRole')).toBe(1);
  });
});
