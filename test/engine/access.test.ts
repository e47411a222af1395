import { describe, expect, it } from 'vitest';
import { FaultController, injectedStatus } from '../../src/emulator/faults.js';
import { parseSeed } from '../../src/emulator/seed.js';
import { errorStatus } from '../../src/emulator/status.js';
import { decideAccess, isAllowed, requirementOf } from '../../src/model/access.js';
import { RbacError } from '../../src/engine/errors.js';
import type { RbacState } from '../../src/model/types.js';

/** Effective privileges, wire statuses, faults and seeds: the pieces around the engine. */

const V25 = { major: 2, minor: 5, patch: 4 };
const V23 = { major: 2, minor: 3, patch: 5 };

const state: RbacState = {
  users: [
    { name: 'alice', roles: ['reader'] },
    { name: 'boss', roles: ['admin'] },
    { name: 'carol', roles: ['dbadmin'] },
    { name: 'dave', roles: [] },
  ],
  roles: [
    { name: 'admin', grants: [] },
    { name: 'public', grants: [{ objectType: 'Global', objectName: '*', dbName: '*', privilege: 'ShowCollections' }] },
    {
      name: 'reader',
      grants: [
        { objectType: 'Collection', objectName: 'books', dbName: 'default', privilege: 'Search' },
        { objectType: 'Global', objectName: 'films', dbName: 'media', privilege: 'readers' },
      ],
    },
    { name: 'dbadmin', grants: [{ objectType: 'Global', objectName: '*', dbName: 'sales', privilege: 'All' }] },
  ],
  privilegeGroups: [{ name: 'readers', privileges: ['Query', 'Search'] }],
};

const coll = (objectName: string, dbName = 'default') => ({ objectType: 'Collection' as const, objectName, dbName });

describe('isAllowed', () => {
  it('root and members of admin may do anything', () => {
    expect(decideAccess(state, V25, 'root', 'DropDatabase', { objectType: 'Global', objectName: '*', dbName: 'x' })).toEqual({
      allowed: true,
      because: 'root',
    });
    expect(isAllowed(state, V25, 'boss', 'Insert', coll('anything'))).toBe(true);
  });

  it('a grant covers its own object in its own database only', () => {
    expect(isAllowed(state, V25, 'alice', 'Search', coll('books'))).toBe(true);
    expect(isAllowed(state, V25, 'alice', 'Search', coll('movies'))).toBe(false);
    expect(isAllowed(state, V25, 'alice', 'Search', coll('books', 'other'))).toBe(false);
    expect(isAllowed(state, V25, 'alice', 'Insert', coll('books'))).toBe(false);
  });

  it('a custom group grants its members on the member’s object type, and says which grant allowed it', () => {
    const decision = decideAccess(state, V25, 'alice', 'Query', coll('films', 'media'));
    expect(decision).toMatchObject({ allowed: true, because: 'grant', role: 'reader', grant: { privilege: 'readers' } });
    expect(isAllowed(state, V25, 'alice', 'Insert', coll('films', 'media'))).toBe(false);
  });

  it('All covers everything in its database; public’s grants reach every user', () => {
    expect(isAllowed(state, V25, 'carol', 'DropCollection', { objectType: 'Global', objectName: '*', dbName: 'sales' })).toBe(true);
    expect(isAllowed(state, V25, 'carol', 'DropCollection', { objectType: 'Global', objectName: '*', dbName: 'default' })).toBe(false);
    expect(isAllowed(state, V25, 'dave', 'ShowCollections', { objectType: 'Global', objectName: '*', dbName: 'any' })).toBe(true);
  });

  it('built-in groups expand only on versions that have them', () => {
    const withGroup: RbacState = {
      ...state,
      roles: [...state.roles, { name: 'ops', grants: [{ objectType: 'Global', objectName: '*', dbName: '*', privilege: 'ClusterReadOnly' }] }],
      users: [{ name: 'olga', roles: ['ops'] }],
    };
    const target = { objectType: 'Global' as const, objectName: '*', dbName: 'default' };
    expect(isAllowed(withGroup, V25, 'olga', 'ListDatabases', target)).toBe(true);
    expect(isAllowed(withGroup, V23, 'olga', 'ListDatabases', target)).toBe(false);
  });
});

describe('requirementOf', () => {
  it('names the privilege each RBAC call needs, with self-service exceptions', () => {
    expect(requirementOf('CreateCredential', {}, 'alice', [])).toEqual({ privilege: 'CreateOwnership', objectType: 'Global', objectName: '*' });
    expect(requirementOf('SelectUser', { user: 'alice' }, 'alice', [])).toBeNull();
    expect(requirementOf('SelectUser', { user: 'bob' }, 'alice', [])).toEqual({ privilege: 'SelectUser', objectType: 'User', objectName: 'bob' });
    expect(requirementOf('SelectGrant', { role: 'reader' }, 'alice', ['reader'])).toBeNull();
    expect(requirementOf('SelectGrant', { role: 'other' }, 'alice', ['reader'])?.privilege).toBe('SelectOwnership');
    expect(requirementOf('GetVersion', {}, 'alice', [])).toBeNull();
  });
});

describe('errorStatus', () => {
  it('typed proxy errors carry the merr code and suffix; coordinator errors the call’s failure code', () => {
    expect(errorStatus(new RbacError('ParameterInvalid', 'x', { detail: '[d]' }), 'CreateRole')).toMatchObject({
      error_code: 'IllegalArgument',
      code: 1100,
      reason: 'x: invalid parameter[d]',
    });
    expect(errorStatus(new RbacError('NotFound', 'gone'), 'DropRole')).toMatchObject({ error_code: 'DropRoleFailure', code: 65535, reason: 'gone' });
    expect(errorStatus(new RbacError('ProtectedObject', 'no'), 'DropRole')).toMatchObject({
      error_code: 'UnexpectedError',
      code: 1401,
      reason: 'no: privilege not permitted',
    });
  });
});

describe('FaultController', () => {
  it('fires a failNth rule on the nth matching call only, once', () => {
    const faults = new FaultController();
    faults.failNth(2, injectedStatus('boom'), { method: 'CreateRole' });
    expect(faults.onCall('CreateRole').action).toBeUndefined();
    expect(faults.onCall('ListCredUsers').action).toBeUndefined();
    expect(faults.onCall('CreateRole').action?.type).toBe('fail');
    expect(faults.onCall('CreateRole').action).toBeUndefined();
    expect(faults.callCount('CreateRole')).toBe(3);
  });

  it('sums the latencies that match and refuses bad arguments', () => {
    const faults = new FaultController();
    faults.setLatency(10);
    faults.setLatency(5, ['SelectGrant']);
    expect(faults.onCall('SelectGrant').delayMs).toBe(15);
    expect(faults.onCall('CreateRole').delayMs).toBe(10);
    expect(() => faults.setLatency(-1)).toThrow(/non-negative/);
    expect(() => faults.failNth(0, injectedStatus('x'))).toThrow(/positive integer/);
  });
});

describe('parseSeed', () => {
  it('reads state and passwords, defaulting object name and database', () => {
    const seed = parseSeed(
      JSON.stringify({ users: [{ name: 'a', roles: ['r'] }], roles: [{ name: 'r', grants: [{ objectType: 'Global', privilege: 'All' }] }], passwords: { a: 'pw_123456' } }),
    );
    expect(seed.state.roles[0]?.grants).toEqual([{ objectType: 'Global', objectName: '*', dbName: 'default', privilege: 'All' }]);
    expect(seed.passwords).toEqual({ a: 'pw_123456' });
  });

  it('names the path of each problem', () => {
    expect(() => parseSeed('{')).toThrow(/not valid JSON/);
    expect(() => parseSeed('{"roles":[{"name":"r","grants":[{"objectType":"Table","privilege":"All"}]}]}')).toThrow(
      /\$\.roles\[0\]\.grants\[0\]\.objectType: must be one of/,
    );
    expect(() => parseSeed('{"usrs":[]}')).toThrow(/\$\.usrs: unknown key/);
  });
});
