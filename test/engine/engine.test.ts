import { describe, expect, it } from 'vitest';
import { RbacEngine } from '../../src/engine/engine.js';
import { RbacError } from '../../src/engine/errors.js';
import { DEFAULT_OBJECT_LIMITS } from '../../src/model/names.js';
import type { Operation } from '../../src/model/operations.js';
import type { RbacState } from '../../src/model/types.js';
import { parseMilvusVersion } from '../../src/model/versions.js';

/** The engine without a network: plan steps, rules, snapshots. */

function engineOn(version: string, initial?: RbacState, passwords?: Map<string, string>): RbacEngine {
  const v = parseMilvusVersion(version);
  if (!v) throw new Error(version);
  return new RbacEngine({ version: v, limits: DEFAULT_OBJECT_LIMITS }, initial, passwords);
}

function errorOf(run: () => void): RbacError {
  try {
    run();
  } catch (error) {
    if (error instanceof RbacError) return error;
    throw error;
  }
  throw new Error('expected an RbacError');
}

const ctx = { caller: 'root', resolvePassword: () => 'password_1' };

describe('RbacEngine: fresh state', () => {
  it('starts as a fresh Milvus: root, admin, public and public’s default grants', () => {
    const state = engineOn('2.5.4').snapshot();
    expect(state.users).toEqual([{ name: 'root', roles: [] }]);
    expect(state.roles.map((r) => r.name)).toEqual(['admin', 'public']);
    expect(state.privilegeGroups).toEqual([]);
  });

  it.each([
    ['2.3.5', ['IndexDetail', 'DescribeCollection', 'ShowCollections']],
    ['2.4.2', ['IndexDetail', 'DescribeCollection', 'ShowCollections']],
    ['2.4.3', ['IndexDetail', 'DescribeCollection']],
    ['2.4.17', ['IndexDetail', 'DescribeCollection']],
    ['2.4.18', ['IndexDetail', 'DescribeCollection', 'ListAliases']],
    ['2.5.4', ['IndexDetail', 'DescribeCollection', 'ListAliases']],
    ['3.0.0', ['IndexDetail', 'DescribeCollection', 'ListAliases']],
  ])('gives public on %s the start-up grants of that release (root_coord.go initRbac / initPublicRolePrivilege)', (version, privileges) => {
    const state = engineOn(version).snapshot();
    expect(state.roles.find((r) => r.name === 'public')?.grants.map((g) => g.privilege)).toEqual(privileges);
  });

  it('root logs in with Milvus, nobody logs in with a wrong password', () => {
    const engine = engineOn('2.5.4');
    expect(engine.authenticate('root', 'Milvus')).toBe(true);
    expect(engine.authenticate('root', 'milvus')).toBe(false);
    expect(engine.authenticate('ghost', 'Milvus')).toBe(false);
  });
});

describe('RbacEngine.apply (plan simulation)', () => {
  it('applies a whole plan in the safe order and ends in the expected state', () => {
    const engine = engineOn('2.5.4');
    const steps: Operation[] = [
      { kind: 'createPrivilegeGroup', group: 'readers' },
      { kind: 'addPrivilegesToGroup', group: 'readers', privileges: ['Query', 'Search'] },
      { kind: 'createRole', role: 'app' },
      { kind: 'grant', role: 'app', form: 'v2', grant: { objectType: 'Global', objectName: 'books', dbName: 'default', privilege: 'readers' } },
      { kind: 'grant', role: 'app', form: 'v1', grant: { objectType: 'Collection', objectName: 'books', dbName: 'default', privilege: 'Insert' } },
      { kind: 'createUser', user: 'svc', password: { env: 'SVC_PASSWORD' } },
      { kind: 'bindRole', user: 'svc', role: 'app' },
    ];
    for (const step of steps) engine.apply(step, ctx);
    const state = engine.snapshot();
    expect(state.users).toEqual([
      { name: 'root', roles: [] },
      { name: 'svc', roles: ['app'] },
    ]);
    expect(state.roles.find((r) => r.name === 'app')?.grants).toEqual([
      { objectType: 'Collection', objectName: 'books', dbName: 'default', privilege: 'Insert' },
      { objectType: 'Global', objectName: 'books', dbName: 'default', privilege: 'readers' },
    ]);
    expect(state.privilegeGroups).toEqual([{ name: 'readers', privileges: ['Query', 'Search'] }]);
    expect(engine.authenticate('svc', 'password_1')).toBe(true);
  });

  it('the teardown order empties what the build order made', () => {
    const engine = engineOn('2.5.4');
    const g = { objectType: 'Collection' as const, objectName: 'c', dbName: 'default', privilege: 'Search' };
    engine.apply({ kind: 'createRole', role: 'r' }, ctx);
    engine.apply({ kind: 'grant', role: 'r', form: 'v1', grant: g }, ctx);
    engine.apply({ kind: 'createUser', user: 'u', password: { env: 'X' } }, ctx);
    engine.apply({ kind: 'bindRole', user: 'u', role: 'r' }, ctx);
    for (const step of [
      { kind: 'unbindRole', user: 'u', role: 'r' },
      { kind: 'revoke', role: 'r', form: 'v1', grant: g },
      { kind: 'dropRole', role: 'r' },
      { kind: 'dropUser', user: 'u' },
    ] as Operation[]) {
      engine.apply(step, ctx);
    }
    expect(engine.snapshot()).toEqual(engineOn('2.5.4').snapshot());
  });

  it('without resolvePassword, users are created without a password and cannot log in', () => {
    const engine = engineOn('2.5.4');
    engine.apply({ kind: 'createUser', user: 'nopw', password: { env: 'UNSET' } }, { caller: 'root' });
    expect(engine.hasUser('nopw')).toBe(true);
    expect(engine.authenticate('nopw', '')).toBe(false);
  });

  it('a failing step throws and changes nothing', () => {
    const engine = engineOn('2.5.4');
    const before = engine.snapshot();
    const error = errorOf(() => engine.apply({ kind: 'bindRole', user: 'ghost', role: 'admin' }, ctx));
    expect(error.kind).toBe('NotFound');
    expect(engine.snapshot()).toEqual(before);
  });

  it('dropping a role that still holds a grant is refused (the planner must revoke first)', () => {
    const engine = engineOn('2.5.4');
    engine.apply({ kind: 'createRole', role: 'r' }, ctx);
    engine.apply({ kind: 'grant', role: 'r', form: 'v1', grant: { objectType: 'Global', objectName: '*', dbName: 'db1', privilege: 'CreateCollection' } }, ctx);
    const error = errorOf(() => engine.apply({ kind: 'dropRole', role: 'r' }, ctx));
    expect(error.kind).toBe('InUse');
  });
});

describe('RbacEngine rules by version', () => {
  it('2.3 leaves grants in other databases behind when a role is dropped; they return with the role', () => {
    const engine = engineOn('2.3.5');
    engine.createRole('r');
    engine.grantV1({ role: 'r', objectType: 'Collection', objectName: 'c', dbName: 'db1', privilege: 'Insert' }, 'root');
    engine.dropRole('r', false);
    expect(engine.hasRole('r')).toBe(false);
    engine.createRole('r');
    expect(engine.selectGrants('r', { dbName: 'db1' }).map((g) => g.privilege)).toEqual(['Insert']);
  });

  it('2.3 stores names with their spaces; 2.4+ trims them', () => {
    const old = engineOn('2.3.5');
    old.createUser('  bob  ', 'password_1');
    expect(old.listUsers()).toContain('  bob  ');
    const recent = engineOn('2.5.4');
    recent.createUser('  bob  ', 'password_1');
    expect(recent.listUsers()).toContain('bob');
  });

  it('v1 Load adds the related privileges only where the version does', () => {
    for (const [version, count] of [['2.3.5', 1], ['2.5.4', 3]] as const) {
      const engine = engineOn(version);
      engine.createRole('r');
      engine.grantV1({ role: 'r', objectType: 'Collection', objectName: 'c', dbName: '', privilege: 'Load' }, 'root');
      expect(engine.selectGrants('r').length).toBe(count);
    }
  });

  it('the snapshot drops the implied related grants, so the state compares across versions', () => {
    const a = engineOn('2.3.5');
    const b = engineOn('2.5.4');
    for (const e of [a, b]) {
      e.createRole('r');
      e.grantV1({ role: 'r', objectType: 'Collection', objectName: 'c', dbName: '', privilege: 'Load' }, 'root');
    }
    // public's start-up grants differ between these versions; the role r must not.
    const r = (e: typeof a): unknown => e.snapshot().roles.find((x) => x.name === 'r');
    expect(r(a)).toEqual(r(b));
    expect(r(a)).toEqual({ name: 'r', grants: [{ objectType: 'Collection', objectName: 'c', dbName: 'default', privilege: 'Load' }] });
  });

  it('v2 calls and privilege groups are unimplemented before privilege groups exist', () => {
    const engine = engineOn('2.4.5');
    expect(engine.supportsCall('OperatePrivilegeV2')).toBe(false);
    expect(errorOf(() => engine.createPrivilegeGroup('g')).kind).toBe('Unimplemented');
    expect(engine.supportsCall('CreateRole')).toBe(true);
  });

  it('a custom group with only level-less privileges cannot be granted with v2', () => {
    const engine = engineOn('2.5.4');
    engine.createRole('r');
    engine.createPrivilegeGroup('g');
    engine.addPrivilegesToGroup('g', ['All']);
    const error = errorOf(() => engine.grantV2({ role: 'r', privilege: 'g', dbName: '*', collectionName: '*' }, 'root'));
    expect(error.message).toBe('not found the privilege level');
  });

  it('refuses users beyond the limit and counts root', () => {
    const engine = new RbacEngine({ version: { major: 2, minor: 5, patch: 4 }, limits: { maxUsers: 2, maxRoles: 10 } });
    engine.createUser('a', 'password_1');
    const error = errorOf(() => engine.createUser('b', 'password_1'));
    expect(error.kind).toBe('QuotaExceeded');
  });
});

describe('RbacEngine seed, backup and restore', () => {
  const seed: RbacState = {
    users: [{ name: 'alice', roles: ['reader'] }],
    roles: [{ name: 'reader', grants: [{ objectType: 'Collection', objectName: '*', dbName: 'default', privilege: 'Search' }] }],
    privilegeGroups: [],
  };

  it('loads a seed with passwords; root keeps its default password', () => {
    const engine = engineOn('2.5.4', seed, new Map([['alice', 'alice_pw1']]));
    expect(engine.authenticate('alice', 'alice_pw1')).toBe(true);
    expect(engine.authenticate('root', 'Milvus')).toBe(true);
    expect(engine.snapshot().users).toEqual([
      { name: 'alice', roles: ['reader'] },
      { name: 'root', roles: [] },
    ]);
  });

  it('refuses a seed binding a user to an unknown role', () => {
    const bad: RbacState = { ...seed, users: [{ name: 'bob', roles: ['ghost'] }] };
    expect(() => engineOn('2.5.4', bad)).toThrow(/unknown role ghost/);
  });

  it('a backup carries no plain password and restores into an empty engine with logins intact', () => {
    const engine = engineOn('2.5.4', seed, new Map([['alice', 'alice_pw1']]));
    const backup = engine.backup();
    expect(JSON.stringify(backup)).not.toContain('alice_pw1');
    const target = engineOn('2.5.4');
    target.restore(backup);
    expect(target.snapshot().users).toEqual(engine.snapshot().users);
    expect(target.authenticate('alice', 'alice_pw1')).toBe(true);
    expect(errorOf(() => target.restore(backup)).message).toBe('role [reader] already exists');
  });
});

describe('RbacEngine seed validation', () => {
  it('refuses a seed whose names Milvus could not hold', () => {
    const bad: RbacState = { users: [{ name: '1bad', roles: [] }], roles: [], privilegeGroups: [] };
    expect(() => engineOn('2.5.4', bad)).toThrow(/seed: user "1bad": invalid user name/);
  });
});
