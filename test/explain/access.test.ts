import { describe, expect, it } from 'vitest';
import { decideAccess, explainAccess, isAllowed } from '../../src/model/access.js';
import type { AccessQuery } from '../../src/model/access.js';
import type { RbacState } from '../../src/model/types.js';
import type { MilvusVersion } from '../../src/model/versions.js';
import { parseMilvusVersion } from '../../src/model/versions.js';
import { oracleAllowed, oracleGrantPaths, pathKey, requestablePrivileges } from './oracle.js';
import { COLLECTIONS, DATABASES, USERS, randomState } from './random-state.js';

const V23 = parseMilvusVersion('v2.3.5') as MilvusVersion;
const V25 = parseMilvusVersion('v2.5.4') as MilvusVersion;

function* queries(): Generator<AccessQuery> {
  for (const { privilege, objectType } of requestablePrivileges()) {
    const names = objectType === 'User' ? [...USERS, '*'] : [...COLLECTIONS, '*'];
    for (const dbName of DATABASES) for (const objectName of names) yield { privilege, objectType, objectName, dbName };
  }
}

const state = (partial: Partial<RbacState>): RbacState => ({ users: [], roles: [], privilegeGroups: [], ...partial });

describe('access against the brute-force oracle on random states', () => {
  for (const [label, version] of [['2.3.5', V23], ['2.5.4', V25]] as const) {
    it(`agrees on every query for 20 seeded states (${label} rules)`, () => {
      let allowedSeen = 0;
      let deniedSeen = 0;
      for (let seed = 1; seed <= 20; seed++) {
        const s = randomState(seed * 7919);
        for (const user of [...USERS, 'root', 'nobody']) {
          for (const q of queries()) {
            const expected = oracleAllowed(s, version, user, q);
            const got = isAllowed(s, version, user, q.privilege, q);
            if (got !== expected) throw new Error(`seed ${seed * 7919} user ${user} ${JSON.stringify(q)}: expected ${expected}, got ${got}`);
            const paths = explainAccess(s, user, q, version);
            const gotKeys = [...new Set(paths.map((p) => pathKey(p.role, p.grant)))].sort().join(',');
            const wantKeys = [...oracleGrantPaths(s, version, user, q)].sort().join(',');
            if (gotKeys !== wantKeys) throw new Error(`seed ${seed * 7919} user ${user} ${JSON.stringify(q)}: paths ${gotKeys} != ${wantKeys}`);
            if (expected) allowedSeen++;
            else deniedSeen++;
          }
        }
      }
      // Both answers must actually occur, or the comparison proves little.
      expect(allowedSeen).toBeGreaterThan(1000);
      expect(deniedSeen).toBeGreaterThan(1000);
    });
  }
});

describe('access rules taken from the proxy', () => {
  const q = (privilege: string, objectType: AccessQuery['objectType'], objectName: string, dbName = 'default'): AccessQuery => ({
    privilege,
    objectType,
    objectName,
    dbName,
  });

  it('lets root and admin members do anything, and anyone act on themselves', () => {
    const s = state({ users: [{ name: 'ann', roles: ['admin'] }, { name: 'bo', roles: [] }] });
    expect(decideAccess(s, V25, 'root', 'DropDatabase', q('DropDatabase', 'Global', '*'))).toEqual({ allowed: true, because: 'root' });
    expect(decideAccess(s, V25, 'ann', 'DropDatabase', q('DropDatabase', 'Global', '*'))).toEqual({ allowed: true, because: 'admin' });
    expect(decideAccess(s, V25, 'bo', 'UpdateUser', q('UpdateUser', 'User', 'bo'))).toEqual({ allowed: true, because: 'self' });
    expect(isAllowed(s, V25, 'bo', 'UpdateUser', q('UpdateUser', 'User', 'ann'))).toBe(false);
  });

  it('gives everyone the grants of public', () => {
    const s = state({
      users: [{ name: 'bo', roles: [] }],
      roles: [{ name: 'public', grants: [{ objectType: 'Global', objectName: '*', dbName: '*', privilege: 'ShowCollections' }] }],
    });
    expect(explainAccess(s, 'bo', q('ShowCollections', 'Global', '*', 'db7'), V23)).toEqual([
      { role: 'public', grant: { objectType: 'Global', objectName: '*', dbName: '*', privilege: 'ShowCollections' }, via: [] },
    ]);
  });

  it('matches All only in the exact database of the grant', () => {
    const all = (dbName: string): RbacState =>
      state({
        users: [{ name: 'bo', roles: ['r'] }],
        roles: [{ name: 'r', grants: [{ objectType: 'Global', objectName: '*', dbName, privilege: 'All' }] }],
      });
    expect(explainAccess(all('db1'), 'bo', q('Search', 'Collection', 'c1', 'db1'), V25)[0]?.via).toEqual(['All']);
    expect(isAllowed(all('db1'), V25, 'bo', 'Search', q('Search', 'Collection', 'c1', 'default'))).toBe(false);
    expect(isAllowed(all('*'), V25, 'bo', 'Search', q('Search', 'Collection', 'c1', 'db1'))).toBe(false);
  });

  it('expands built-in and custom groups and shows the chain', () => {
    const s = state({
      users: [{ name: 'bo', roles: ['r'] }],
      roles: [
        {
          name: 'r',
          grants: [
            { objectType: 'Global', objectName: 'c1', dbName: 'db1', privilege: 'CollectionReadOnly' },
            { objectType: 'Global', objectName: '*', dbName: 'db1', privilege: 'mine' },
          ],
        },
      ],
      privilegeGroups: [{ name: 'mine', privileges: ['ReadOnly'] }],
    });
    const paths = explainAccess(s, 'bo', q('Query', 'Collection', 'c2', 'db1'), V25);
    expect(paths.map((p) => p.via)).toEqual([['mine', 'ReadOnly']]);
    const onC1 = explainAccess(s, 'bo', q('Query', 'Collection', 'c1', 'db1'), V25);
    expect(onC1.map((p) => p.via)).toEqual([['CollectionReadOnly'], ['mine', 'ReadOnly']]);
    // The same grants mean nothing on a server without privilege groups.
    expect(isAllowed(s, V23, 'bo', 'Query', q('Query', 'Collection', 'c1', 'db1'))).toBe(false);
  });

  it('adds the related privileges of a direct Load grant only where the server stores them', () => {
    const s = state({
      users: [{ name: 'bo', roles: ['r'] }],
      roles: [{ name: 'r', grants: [{ objectType: 'Collection', objectName: 'c1', dbName: 'default', privilege: 'Load' }] }],
    });
    expect(explainAccess(s, 'bo', q('GetLoadState', 'Collection', 'c1'), V25)[0]?.via).toEqual(['Load']);
    expect(isAllowed(s, V23, 'bo', 'GetLoadState', q('GetLoadState', 'Collection', 'c1'))).toBe(false);
  });
});
