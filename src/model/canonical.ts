import deepEqual from 'fast-deep-equal';
import { withoutImpliedGrants } from './implied.js';
import type { Grant, PrivilegeGroupState, RbacState, RoleGrant, RoleState, UserState } from './types.js';

/**
 * Canonical ordering and comparison. Every module that builds an RbacState passes it through
 * {@link canonicalState}, so equality is plain deep equality and output is stable across runs.
 */

const byCodeUnit = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export function compareGrants(a: Grant, b: Grant): number {
  return (
    byCodeUnit(a.dbName, b.dbName) ||
    byCodeUnit(a.objectType, b.objectType) ||
    byCodeUnit(a.objectName, b.objectName) ||
    byCodeUnit(a.privilege, b.privilege)
  );
}

export function compareRoleGrants(a: RoleGrant, b: RoleGrant): number {
  return byCodeUnit(a.role, b.role) || compareGrants(a, b);
}

/** A stable string identity for a grant; `\u0000` cannot occur in any Milvus name. */
export function grantKey(g: Grant): string {
  return `${g.dbName}\u0000${g.objectType}\u0000${g.objectName}\u0000${g.privilege}`;
}

export function roleGrantKey(g: RoleGrant): string {
  return `${g.role}\u0000${grantKey(g)}`;
}

export function sortedUnique(values: Iterable<string>): string[] {
  return [...new Set(values)].sort(byCodeUnit);
}

/** Strips any extra properties (such as `role` on a RoleGrant) so deep equality sees only the tuple. */
export function toGrant(g: Grant): Grant {
  return { objectType: g.objectType, objectName: g.objectName, dbName: g.dbName, privilege: g.privilege };
}

/** Unique, sorted, and without the related grants Milvus adds implicitly (see implied.ts). */
export function canonicalGrants(grants: Iterable<Grant>): Grant[] {
  const unique = new Map<string, Grant>();
  for (const g of grants) unique.set(grantKey(g), toGrant(g));
  return withoutImpliedGrants([...unique.values()]).sort(compareGrants);
}

// An empty description is no description: Milvus returns "" for one never set.
function canonicalUser(u: UserState): UserState {
  return u.description ? { name: u.name, roles: sortedUnique(u.roles), description: u.description } : { name: u.name, roles: sortedUnique(u.roles) };
}

function canonicalRole(r: RoleState): RoleState {
  return r.description ? { name: r.name, grants: canonicalGrants(r.grants), description: r.description } : { name: r.name, grants: canonicalGrants(r.grants) };
}

function canonicalGroup(g: PrivilegeGroupState): PrivilegeGroupState {
  return { name: g.name, privileges: sortedUnique(g.privileges) };
}

function byName<T extends { readonly name: string }>(items: Iterable<T>, merge: (a: T, b: T) => T): T[] {
  const out = new Map<string, T>();
  for (const item of items) {
    const seen = out.get(item.name);
    out.set(item.name, seen ? merge(seen, item) : item);
  }
  return [...out.values()].sort((a, b) => byCodeUnit(a.name, b.name));
}

/** Sorts every list, removes duplicates, and merges entries that share a name. */
export function canonicalState(state: RbacState): RbacState {
  return {
    users: byName(state.users, (a, b) => ({ ...b, ...a, roles: [...a.roles, ...b.roles] })).map(canonicalUser),
    roles: byName(state.roles, (a, b) => ({ ...b, ...a, grants: [...a.grants, ...b.grants] })).map(canonicalRole),
    privilegeGroups: byName(state.privilegeGroups, (a, b) => ({
      name: a.name,
      privileges: [...a.privileges, ...b.privileges],
    })).map(canonicalGroup),
  };
}

export function statesEqual(a: RbacState, b: RbacState): boolean {
  return deepEqual(canonicalState(a), canonicalState(b));
}

/** All grants of a state as a flat, sorted list. */
export function flattenGrants(state: RbacState): RoleGrant[] {
  const out: RoleGrant[] = [];
  for (const role of state.roles) for (const g of role.grants) out.push({ role: role.name, ...toGrant(g) });
  return out.sort(compareRoleGrants);
}
