import { BUILTIN_PRIVILEGE_GROUPS, LEGACY_PRIVILEGE_GROUPS, PRIVILEGES } from '../../src/model/catalogue.js';
import { canonicalState } from '../../src/model/canonical.js';
import type { Grant, ObjectType, RbacState } from '../../src/model/types.js';
import { rng } from '../../bench/gen.mjs';

export const DATABASES = ['default', 'db1'] as const;
export const COLLECTIONS = ['c1', 'c2'] as const;
export const USERS = ['alice', 'bob', 'carol', 'dave'] as const;
const ROLES = ['r1', 'r2', 'r3', 'admin', 'public'] as const;
const CUSTOM_GROUPS = ['g1', 'g2'] as const;

function pick<T>(next: () => number, items: readonly T[]): T {
  return items[Math.floor(next() * items.length)]!;
}

const SINGLE = PRIVILEGES.map((p) => p.name).filter((n) => n !== 'All');

function randomPrivilegeName(next: () => number): string {
  const r = next();
  if (r < 0.55) return pick(next, SINGLE);
  if (r < 0.62) return '*';
  if (r < 0.67) return 'All';
  if (r < 0.8) return pick(next, BUILTIN_PRIVILEGE_GROUPS).name;
  if (r < 0.88) return pick(next, LEGACY_PRIVILEGE_GROUPS).name;
  if (r < 0.97) return pick(next, CUSTOM_GROUPS);
  return 'NoSuchPrivilege';
}

function randomGrant(next: () => number): Grant {
  const objectType: ObjectType = pick(next, ['Collection', 'Collection', 'Global', 'User'] as const);
  const objectName = objectType === 'User' ? pick(next, [...USERS, '*']) : pick(next, [...COLLECTIONS, '*', '*']);
  const dbName = pick(next, [...DATABASES, '*']);
  return { objectType, objectName, dbName, privilege: randomPrivilegeName(next) };
}

/** A random but well-formed state: a few users, roles (sometimes admin), groups and grants. */
export function randomState(seed: number): RbacState {
  const next = rng(seed);
  const groupMembers = (): string[] => {
    const n = Math.floor(next() * 4);
    const out: string[] = [];
    for (let i = 0; i < n; i++) out.push(next() < 0.85 ? pick(next, SINGLE) : pick(next, ['All', 'ReadOnly', 'Admin', 'ClusterReadOnly', 'g1']));
    return out;
  };
  const privilegeGroups = CUSTOM_GROUPS.filter(() => next() < 0.7).map((name) => ({ name, privileges: groupMembers() }));
  const roles = ROLES.map((name) => {
    const n = name === 'admin' ? 0 : Math.floor(next() * 6);
    const grants: Grant[] = [];
    for (let i = 0; i < n; i++) grants.push(randomGrant(next));
    return { name, grants };
  });
  const users = USERS.map((name) => {
    const bound = ROLES.filter((r) => r !== 'public' && next() < (r === 'admin' ? 0.1 : 0.35));
    return { name, roles: bound };
  });
  return canonicalState({ users, roles, privilegeGroups });
}
