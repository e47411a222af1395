import { describe, expect, it } from 'vitest';
import { canonicalState } from '../../src/model/canonical.js';
import { BUILTIN_PRIVILEGE_GROUPS, OBJECT_TYPE_PRIVILEGES, objectTypeOf, PRIVILEGES } from '../../src/model/catalogue.js';
import type { Grant, PrivilegeLevel, RbacState } from '../../src/model/types.js';
import { selectForExport } from '../../src/export/select.js';
import { catalogueAt } from '../../src/model/catalogue-at-version.js';
import { exportPolicy, loadPolicyText } from '../../src/policy/index.js';
import { rng } from '../../bench/gen.mjs';

const RANK: Record<PrivilegeLevel, number> = { collection: 0, database: 1, cluster: 2 };
// The random states are 2.5's: the privileges of later releases stay out.
const v25 = catalogueAt({ major: 2, minor: 5, patch: 4 });
const singles = PRIVILEGES.filter((p) => v25.hasSinglePrivilege(p.name)).map((p) => ({ name: p.name, level: v25.levelOf(p.name) }));
const groups = BUILTIN_PRIVILEGE_GROUPS.map((g) => ({ name: g.name, level: g.level as PrivilegeLevel | null }));

/** A state any Milvus >= 2.5 could hold, written the way the server returns it. */
function randomState(seed: number): RbacState {
  const next = rng(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
  const dbs = ['default', 'sales', 'hr'];
  const collections = ['orders', 'items', '*'];
  const customGroups = (['collection', 'database', 'cluster'] as const).map((level, i) => ({
    name: `custom_${i}`,
    level,
    privileges: singles.filter((p) => p.level === level).filter(() => next() < 0.3).map((p) => p.name),
  }));
  const grantable = [...singles, ...groups, ...customGroups.map((g) => ({ name: g.name, level: g.level as PrivilegeLevel | null }))];
  const roles = Array.from({ length: 4 }, (_, r) => {
    const grants: Grant[] = [];
    for (let i = 0; i < 25; i++) {
      const form = pick(['v1', 'cluster', 'database', 'collection'] as const);
      if (form === 'v1') {
        const objectType = pick(['Global', 'Collection', 'User'] as const);
        const privilege = pick(OBJECT_TYPE_PRIVILEGES[objectType].filter((p) => !['ReadOnly', 'ReadWrite', 'Admin'].includes(p) && v25.definesName(p)));
        const objectName = objectType === 'Global' ? '*' : objectType === 'User' ? pick(['app', '*']) : pick(collections);
        grants.push({ objectType, objectName, dbName: pick(dbs), privilege });
        continue;
      }
      const candidates = grantable.filter((p) => p.level === null || RANK[p.level] <= RANK[form]);
      const privilege = pick(candidates).name;
      const dbName = form === 'cluster' ? '*' : pick(dbs);
      const objectName = form === 'collection' ? pick(collections) : '*';
      grants.push({ objectType: objectTypeOf(privilege), objectName, dbName, privilege });
    }
    return { name: `role_${r}`, grants };
  });
  return canonicalState({
    users: [{ name: 'app', roles: roles.filter(() => next() < 0.5).map((r) => r.name) }],
    roles,
    privilegeGroups: customGroups.filter((g) => g.privileges.length > 0).map(({ name, privileges }) => ({ name, privileges })),
  });
}

describe('exportPolicy on random states', () => {
  const cases = Array.from({ length: 30 }, (_, i) => i + 1).flatMap((seed) => [
    [seed, 'level'],
    [seed, 'object'],
  ] as const);
  it.each(cases)('seed %i, preferring grants by %s, loads back to the same state', (seed, preferForm) => {
    const state = randomState(seed);
    // Grants of custom groups that ended up empty are not representable; drop them from the input.
    const known = new Set(state.privilegeGroups.map((g) => g.name));
    const input = canonicalState({ ...state, roles: state.roles.map((r) => ({ ...r, grants: r.grants.filter((g) => !g.privilege.startsWith('custom_') || known.has(g.privilege)) })) });
    const text = exportPolicy(input, { preferForm, targetVersion: '2.5.4' });
    const loaded = loadPolicyText(text, 'exported.yaml', { targetVersion: '2.5.4' });
    if (!loaded.ok) throw new Error(`${text}\n${loaded.diagnostics.map((d) => `${d.line}:${d.column} ${d.message}`).join('\n')}`);
    expect(loaded.desired.state).toEqual(input);
  });
});

describe('partial exports of random states', () => {
  it.each(Array.from({ length: 20 }, (_, i) => i + 101))('seed %i: two roles, their groups left outside, load back to the same roles', (seed) => {
    const full = randomState(seed);
    const known = new Set(full.privilegeGroups.map((g) => g.name));
    const state = canonicalState({ ...full, roles: full.roles.map((r) => ({ ...r, grants: r.grants.filter((g) => !g.privilege.startsWith('custom_') || known.has(g.privilege)) })) });
    const selected = selectForExport(state, { roles: ['role_0', 'role_2'] });
    expect(selected.desired.state.privilegeGroups).toEqual([]);
    const text = exportPolicy(selected.desired, { targetVersion: '2.5.4', explicitScope: true, externalGroups: selected.externalGroups });
    const loaded = loadPolicyText(text, 'exported.yaml', { targetVersion: '2.5.4' });
    if (!loaded.ok) throw new Error(`${text}\n${loaded.diagnostics.map((d) => `${d.line}:${d.column} ${d.message}`).join('\n')}`);
    expect(loaded.desired.state.roles).toEqual(selected.desired.state.roles);
    expect(loaded.desired.state.roles.map((r) => r.name)).toEqual(['role_0', 'role_2']);
  });
});
