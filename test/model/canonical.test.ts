import { describe, expect, it } from 'vitest';
import { canonicalState, flattenGrants, grantKey, statesEqual } from '../../src/model/canonical.js';
import type { Grant, RbacState } from '../../src/model/types.js';

const search: Grant = { objectType: 'Collection', objectName: 'books', dbName: 'default', privilege: 'Search' };
const query: Grant = { objectType: 'Collection', objectName: 'books', dbName: 'default', privilege: 'Query' };
const global: Grant = { objectType: 'Global', objectName: '*', dbName: 'default', privilege: 'CreateCollection' };

describe('canonicalState', () => {
  it('orders users, roles, groups and their members, and removes duplicates', () => {
    const messy: RbacState = {
      users: [
        { name: 'zed', roles: ['b', 'a', 'b'] },
        { name: 'amy', roles: [] },
      ],
      roles: [{ name: 'r', grants: [search, global, query, search] }],
      privilegeGroups: [{ name: 'g', privileges: ['Query', 'Search', 'Query'] }],
    };
    const c = canonicalState(messy);
    expect(c.users.map((u) => u.name)).toEqual(['amy', 'zed']);
    expect(c.users[1]?.roles).toEqual(['a', 'b']);
    expect(c.roles[0]?.grants.map((g) => g.privilege)).toEqual(['Query', 'Search', 'CreateCollection']);
    expect(c.privilegeGroups[0]?.privileges).toEqual(['Query', 'Search']);
  });

  it('merges two entries of the same name instead of keeping one', () => {
    const c = canonicalState({
      users: [],
      roles: [
        { name: 'r', grants: [search] },
        { name: 'r', grants: [query] },
      ],
      privilegeGroups: [],
    });
    expect(c.roles).toHaveLength(1);
    expect(c.roles[0]?.grants).toHaveLength(2);
  });

  it('drops extra properties so a RoleGrant compares like a Grant', () => {
    const withRole = { ...search, role: 'r' };
    const c = canonicalState({ users: [], roles: [{ name: 'r', grants: [withRole] }], privilegeGroups: [] });
    expect(Object.keys(c.roles[0]?.grants[0] ?? {}).sort()).toEqual(['dbName', 'objectName', 'objectType', 'privilege']);
  });
});

describe('statesEqual', () => {
  it('is true for the same content in any order', () => {
    const a: RbacState = { users: [{ name: 'u', roles: ['x', 'y'] }], roles: [{ name: 'x', grants: [search, query] }], privilegeGroups: [] };
    const b: RbacState = { users: [{ name: 'u', roles: ['y', 'x'] }], roles: [{ name: 'x', grants: [query, search] }], privilegeGroups: [] };
    expect(statesEqual(a, b)).toBe(true);
  });
  it('is false when one grant differs in any field', () => {
    const a: RbacState = { users: [], roles: [{ name: 'x', grants: [search] }], privilegeGroups: [] };
    for (const change of [{ dbName: 'db1' }, { objectName: 'films' }, { privilege: 'Query' }, { objectType: 'Global' as const }]) {
      const b: RbacState = { users: [], roles: [{ name: 'x', grants: [{ ...search, ...change }] }], privilegeGroups: [] };
      expect(statesEqual(a, b)).toBe(false);
    }
  });
});

describe('grant keys and flattening', () => {
  it('gives distinct keys to distinct grants', () => {
    expect(new Set([search, query, global].map(grantKey)).size).toBe(3);
  });
  it('flattens grants with their role, sorted by role', () => {
    const flat = flattenGrants({
      users: [],
      roles: [
        { name: 'b', grants: [search] },
        { name: 'a', grants: [query] },
      ],
      privilegeGroups: [],
    });
    expect(flat.map((g) => `${g.role}:${g.privilege}`)).toEqual(['a:Query', 'b:Search']);
  });
});

describe('related privileges of Load and Flush (implied.ts)', () => {
  const onBooks = (privilege: string, objectName = 'books'): Grant => ({ objectType: 'Collection', objectName, dbName: 'default', privilege });
  it('treats Load alone (2.3 read-back) and Load with its related grants (2.4.10+ read-back) as equal', () => {
    const v23: RbacState = { users: [], roles: [{ name: 'r', grants: [onBooks('Load'), onBooks('Flush')] }], privilegeGroups: [] };
    const v25: RbacState = {
      users: [],
      roles: [{ name: 'r', grants: [onBooks('Load'), onBooks('GetLoadState'), onBooks('GetLoadingProgress'), onBooks('Flush'), onBooks('GetFlushState')] }],
      privilegeGroups: [],
    };
    expect(statesEqual(v23, v25)).toBe(true);
  });
  it('keeps a related grant that has no parent on the same object', () => {
    const c = canonicalState({ users: [], roles: [{ name: 'r', grants: [onBooks('Load', 'films'), onBooks('GetLoadState')] }], privilegeGroups: [] });
    expect(c.roles[0]?.grants.map((g) => `${g.objectName}:${g.privilege}`)).toEqual(['books:GetLoadState', 'films:Load']);
  });
});
