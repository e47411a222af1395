import { canonicalState } from '../../src/model/canonical.js';
import type { DesiredState, DesiredUser, ManagedScope, NameMatcher } from '../../src/model/desired.js';
import type { Grant, RbacState } from '../../src/model/types.js';
import { featuresOf, VERSION_PROFILES } from '../../src/model/versions.js';
import type { MilvusVersion, VersionProfile } from '../../src/model/versions.js';
import { fresh, versionOf } from './helpers.js';
import { rng } from '../../bench/gen.mjs';

/**
 * A seeded generator of (live, desired) pairs Milvus could really hold: names from small pools so
 * that live and desired overlap, grants valid for the version (privilege groups only where they
 * exist), Load/Flush beside their related privileges, and every kind of scope.
 */

export class Random {
  readonly next: () => number;
  constructor(seed: number) {
    this.next = rng(seed);
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }
  subset<T>(items: readonly T[], p: number): T[] {
    return items.filter(() => this.chance(p));
  }
}

const USERS = ['u0', 'u1', 'u2', 'u3', 'u4', 'svc_a', 'svc_b', 'svc_c'];
const ROLES = ['r0', 'r1', 'r2', 'team_a', 'team_b', 'team_c'];
const GROUPS = ['g0', 'g1', 'grp_x', 'grp_y'];
const COLLECTIONS = ['books', 'films', '*'];
const DATABASES = ['default', 'db1'];
const GROUP_MEMBERS = ['Search', 'Query', 'Insert', 'Delete'];

function collectionPrivileges(version: MilvusVersion): string[] {
  const base = ['Search', 'Query', 'Insert', 'Delete', 'Load', 'GetLoadState', 'GetLoadingProgress', 'Flush'];
  return featuresOf(version).relatedPrivileges ? [...base, 'GetFlushState'] : base;
}

function randomGrant(rng: Random, version: MilvusVersion, groups: readonly string[]): Grant {
  const features = featuresOf(version);
  const db = rng.pick(DATABASES);
  const kind = rng.int(features.grantV2 ? 6 : 4);
  switch (kind) {
    case 0:
    case 1:
      return { objectType: 'Collection', objectName: rng.pick(COLLECTIONS), dbName: db, privilege: rng.pick(collectionPrivileges(version)) };
    case 2:
      return { objectType: 'Global', objectName: '*', dbName: rng.chance(0.2) ? '*' : db, privilege: rng.pick(['CreateCollection', 'ShowCollections', 'DescribeCollection']) };
    case 3:
      return { objectType: 'User', objectName: rng.pick(['*', 'u0']), dbName: db, privilege: rng.pick(['SelectUser', 'UpdateUser']) };
    case 4: {
      const builtin = rng.pick(['CollectionReadOnly', 'DatabaseReadOnly', 'ClusterReadOnly']);
      if (builtin === 'ClusterReadOnly') return { objectType: 'Global', objectName: '*', dbName: '*', privilege: builtin };
      if (builtin === 'DatabaseReadOnly') return { objectType: 'Global', objectName: '*', dbName: db, privilege: builtin };
      return { objectType: 'Global', objectName: rng.pick(COLLECTIONS), dbName: db, privilege: builtin };
    }
    default:
      // Custom groups hold collection-level privileges: granted on a collection (or all of them) of a database.
      if (groups.length === 0) return { objectType: 'Collection', objectName: 'books', dbName: db, privilege: 'Query' };
      return { objectType: 'Global', objectName: rng.pick(COLLECTIONS), dbName: db, privilege: rng.pick(groups) };
  }
}

function randomState(rng: Random, version: MilvusVersion, density: number): { state: RbacState; groups: string[] } {
  const features = featuresOf(version);
  const groups = features.privilegeGroups ? rng.subset(GROUPS, density) : [];
  const roles = rng.subset(ROLES, density);
  const users = rng.subset(USERS, density);
  const state = canonicalState({
    privilegeGroups: groups.map((name) => ({ name, privileges: rng.subset(GROUP_MEMBERS, 0.5) })),
    roles: roles.map((name) => ({ name, grants: Array.from({ length: rng.int(6) }, () => randomGrant(rng, version, groups)) })),
    users: users.map((name) => ({ name, roles: rng.subset([...roles, 'admin'], 0.3) })),
  });
  return { state, groups };
}

function randomMatcher(rng: Random, defined: readonly string[], prefixes: readonly string[]): NameMatcher {
  switch (rng.int(4)) {
    case 0:
      return { names: [...defined] };
    case 1:
      return { all: true };
    case 2:
      return { names: [...defined], prefixes: [rng.pick(prefixes)] };
    default:
      return { names: [...defined], patterns: [`${rng.pick(prefixes)}*`] };
  }
}

export interface RandomCase {
  readonly profile: VersionProfile;
  readonly version: MilvusVersion;
  readonly live: RbacState;
  readonly desired: DesiredState;
}

export function randomCase(seed: number): RandomCase {
  const rng = new Random(seed);
  const profile = rng.pick(VERSION_PROFILES);
  const version = versionOf(profile);
  const liveParts = randomState(rng, version, 0.5);
  const live = fresh({
    users: Object.fromEntries(liveParts.state.users.map((u) => [u.name, [...u.roles]])),
    roles: Object.fromEntries(liveParts.state.roles.map((r) => [r.name, [...r.grants]])),
    groups: Object.fromEntries(liveParts.state.privilegeGroups.map((g) => [g.name, [...g.privileges]])),
  });
  const wanted = randomState(rng, version, 0.5);
  const users: Record<string, DesiredUser> = {};
  for (const u of wanted.state.users) {
    const updatePassword = rng.chance(0.1);
    users[u.name] = { password: { env: `PW_${u.name.toUpperCase()}` }, updatePassword, ...(updatePassword ? { oldPassword: { env: `PW_${u.name.toUpperCase()}_OLD` } } : {}), protect: false };
  }
  const scope: ManagedScope = {
    users: randomMatcher(rng, wanted.state.users.map((u) => u.name), ['u', 'svc_']),
    roles: randomMatcher(rng, wanted.state.roles.map((r) => r.name), ['r', 'team_']),
    privilegeGroups: randomMatcher(rng, wanted.state.privilegeGroups.map((g) => g.name), ['g', 'grp_']),
  };
  const desired: DesiredState = { state: wanted.state, users, protectedRoles: [], protectedPrivilegeGroups: [], scope, databases: ['db1'] };
  return { profile, version, live, desired };
}
