import { canonicalState } from '../../src/model/canonical.js';
import type { DesiredState, DesiredUser, ManagedScope } from '../../src/model/desired.js';
import type { Grant, RbacState } from '../../src/model/types.js';
import { parseMilvusVersion, PROFILE_VERSION_STRING } from '../../src/model/versions.js';
import type { MilvusVersion, VersionProfile } from '../../src/model/versions.js';

export const coll = (objectName: string, privilege: string, dbName = 'default'): Grant => ({ objectType: 'Collection', objectName, dbName, privilege });
export const glob = (privilege: string, dbName = 'default', objectName = '*'): Grant => ({ objectType: 'Global', objectName, dbName, privilege });

export interface StateSpec {
  users?: Record<string, string[]>;
  roles?: Record<string, Grant[]>;
  groups?: Record<string, string[]>;
}

export function state(spec: StateSpec): RbacState {
  return canonicalState({
    users: Object.entries(spec.users ?? {}).map(([name, roles]) => ({ name, roles })),
    roles: Object.entries(spec.roles ?? {}).map(([name, grants]) => ({ name, grants })),
    privilegeGroups: Object.entries(spec.groups ?? {}).map(([name, privileges]) => ({ name, privileges })),
  });
}

/** A fresh Milvus as the reader sees it: root, admin, public with its built-in grants. */
export function fresh(spec: StateSpec = {}): RbacState {
  return state({
    users: { root: [], ...spec.users },
    roles: {
      admin: [],
      public: [
        { objectType: 'Collection', objectName: '*', dbName: '*', privilege: 'IndexDetail' },
        glob('DescribeCollection', '*'),
        glob('ShowCollections', '*'),
      ],
      ...spec.roles,
    },
    groups: spec.groups ?? {},
  });
}

export interface DesiredSpec extends StateSpec {
  scope?: Partial<ManagedScope>;
  userSpecs?: Record<string, Partial<DesiredUser>>;
  protectedRoles?: string[];
}

/** A desired state as the policy loader makes it: every user with a password from env PW_<NAME>. */
export function desired(spec: DesiredSpec): DesiredState {
  const s = state(spec);
  const users: Record<string, DesiredUser> = {};
  for (const u of s.users) {
    users[u.name] = { password: { env: `PW_${u.name.toUpperCase()}` }, updatePassword: false, protect: u.name === 'root', ...spec.userSpecs?.[u.name] };
  }
  return {
    state: s,
    users,
    protectedRoles: spec.protectedRoles ?? [],
    protectedPrivilegeGroups: [],
    scope: {
      users: spec.scope?.users ?? { names: s.users.map((u) => u.name) },
      roles: spec.scope?.roles ?? { names: s.roles.map((r) => r.name) },
      privilegeGroups: spec.scope?.privilegeGroups ?? { names: s.privilegeGroups.map((g) => g.name) },
    },
    databases: [],
  };
}

export function versionOf(profile: VersionProfile): MilvusVersion {
  const v = parseMilvusVersion(PROFILE_VERSION_STRING[profile]);
  if (!v) throw new Error(`bad profile ${profile}`);
  return v;
}
