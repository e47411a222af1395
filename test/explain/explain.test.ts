import { describe, expect, it } from 'vitest';
import { effectiveAccess, entryCovers, whoCan } from '../../src/explain/index.js';
import { AccessIndex } from '../../src/model/access.js';
import type { AccessQuery } from '../../src/model/access.js';
import { canonicalState } from '../../src/model/canonical.js';
import type { MilvusVersion } from '../../src/model/versions.js';
import { parseMilvusVersion } from '../../src/model/versions.js';
import { oracleAllowed, oracleGrantPaths, pathKey, requestablePrivileges } from './oracle.js';
import { COLLECTIONS, DATABASES, USERS, randomState } from './random-state.js';

const VERSIONS: [string, MilvusVersion][] = [
  ['2.3.5', parseMilvusVersion('v2.3.5') as MilvusVersion],
  ['2.5.4', parseMilvusVersion('v2.5.4') as MilvusVersion],
];

function allQueries(): AccessQuery[] {
  const out: AccessQuery[] = [];
  for (const { privilege, objectType } of requestablePrivileges()) {
    const names = objectType === 'User' ? [...USERS, '*'] : [...COLLECTIONS, '*'];
    for (const dbName of DATABASES) for (const objectName of names) out.push({ privilege, objectType, objectName, dbName });
  }
  return out;
}

const QUERIES = allQueries();
const sorted = (keys: Iterable<string>): string => [...keys].sort().join(',');

describe('explain user: the listing against the brute-force oracle', () => {
  for (const [label, version] of VERSIONS) {
    it(`lists exactly the grant-given privileges, with every path, on 20 seeded states (${label})`, () => {
      let covered = 0;
      for (let seed = 1; seed <= 20; seed++) {
        const state = randomState(seed * 104729);
        const index = new AccessIndex(state, version);
        for (const user of USERS) {
          const access = effectiveAccess(index, user);
          for (const q of QUERIES) {
            const covering = access.entries.filter((e) => entryCovers(e, q));
            const listed = sorted(new Set(covering.map((e) => pathKey(e.role, e.grant))));
            const expected = sorted(oracleGrantPaths(state, version, user, q));
            if (listed !== expected) {
              throw new Error(`seed ${seed * 104729} ${user} ${JSON.stringify(q)}: listed [${listed}] expected [${expected}]`);
            }
            if (covering.length > 0) covered++;
          }
        }
      }
      expect(covered).toBeGreaterThan(500);
    });
  }

  it('says why root and admin members need no grant', () => {
    const state = canonicalState({ users: [{ name: 'ann', roles: ['admin'] }], roles: [], privilegeGroups: [] });
    const index = new AccessIndex(state);
    expect(effectiveAccess(index, 'root').unconditional).toBe('root');
    expect(effectiveAccess(index, 'ann').unconditional).toBe('admin');
  });

  it('reports grants that give nothing, with the reason', () => {
    const state = canonicalState({
      users: [{ name: 'bo', roles: ['r'] }],
      roles: [
        {
          name: 'r',
          grants: [
            { objectType: 'Global', objectName: '*', dbName: '*', privilege: 'All' },
            { objectType: 'Global', objectName: '*', dbName: 'default', privilege: 'Search' },
            { objectType: 'Collection', objectName: 'c1', dbName: 'default', privilege: 'Query' },
          ],
        },
      ],
      privilegeGroups: [],
    });
    const access = effectiveAccess(new AccessIndex(state, parseMilvusVersion('2.3.5') as MilvusVersion), 'bo');
    expect(access.ineffective.map((i) => i.grant.privilege).sort()).toEqual(['All', 'Search']);
    expect(access.ineffective.find((i) => i.grant.privilege === 'Search')?.reason).toMatch(/checked on Collection objects/);
    expect(access.entries.map((e) => e.privilege)).toEqual(['Query']);
  });
});

describe('who-can against the brute-force oracle', () => {
  for (const [label, version] of VERSIONS) {
    it(`names exactly the users and roles that hold the privilege on 20 seeded states (${label})`, () => {
      let nonEmpty = 0;
      for (let seed = 1; seed <= 20; seed++) {
        const state = randomState(seed * 15485863);
        const index = new AccessIndex(state, version);
        const probes = state.roles.map((r) => r.name);
        const probeState = canonicalState({ ...state, users: [...state.users, ...probes.map((r) => ({ name: `probe_${r}`, roles: [r] }))] });
        // Every sixth query keeps the run short while touching every privilege.
        for (const q of QUERIES.filter((_, i) => (i + seed) % 6 === 0)) {
          const answer = whoCan(index, q);
          const expectedUsers = ['root', ...state.users.map((u) => u.name)].filter((u) => oracleAllowed(state, version, u, q));
          expect(answer.users.map((u) => u.user).sort()).toEqual(expectedUsers.sort());
          for (const u of answer.users) {
            if (u.because !== 'grant') continue;
            expect(sorted(new Set(u.paths.map((p) => pathKey(p.role, p.grant))))).toBe(sorted(oracleGrantPaths(state, version, u.user, q)));
          }
          const expectedRoles = probes.filter(
            (r) => r === 'admin' || [...oracleGrantPaths(probeState, version, `probe_${r}`, q)].some((k) => k.startsWith(`${r}|`)),
          );
          expect(answer.roles.map((r) => r.role).sort()).toEqual([...new Set(['admin', ...expectedRoles])].sort());
          if (answer.users.length > 1) nonEmpty++;
        }
      }
      expect(nonEmpty).toBeGreaterThan(100);
    });
  }
});
