/**
 * The one RBAC state model. The policy loader produces it, the live-state reader produces it,
 * the diff compares two of them, the emulator stores one and plan simulation mutates a copy.
 */

/** Object types of a v1 grant, as Milvus names them on the wire (`object.name`). */
export type ObjectType = 'Global' | 'Collection' | 'User';

/** Levels of a v2 grant (Milvus >= 2.5): where a privilege or privilege group takes effect. */
export type PrivilegeLevel = 'cluster' | 'database' | 'collection';

/**
 * A grant exactly as Milvus stores it and returns it from SelectGrant: one privilege (or one
 * privilege-group name, built-in or custom) on one object in one database. The grantor is left
 * out on purpose: it records who ran the grant, and comparing it would make every apply by a
 * different operator look like drift.
 */
export interface Grant {
  readonly objectType: ObjectType;
  /** A collection name, a user name, or `*`. For `Global` grants of single privileges Milvus stores `*`. */
  readonly objectName: string;
  /** Database name; `*` on Milvus >= 2.5 for cluster-level v2 grants. Never empty: empty means `default`. */
  readonly dbName: string;
  /** API privilege name (`Search`, `All`), built-in group name (`ClusterAdmin`) or custom group name. */
  readonly privilege: string;
}

/** A grant together with the role holding it: the flat form used in plans and reports. */
export interface RoleGrant extends Grant {
  readonly role: string;
}

export interface UserState {
  readonly name: string;
  /** Names of the roles bound to the user, sorted. The implicit `public` role is never listed. */
  readonly roles: readonly string[];
  /** Milvus 2.6.19+: absent when empty, unknown, or (in a policy) not managed. */
  readonly description?: string;
}

export interface RoleState {
  readonly name: string;
  /** Sorted by {@link compareGrants}; no duplicates. */
  readonly grants: readonly Grant[];
  /** Milvus 2.6.19+: absent when empty, unknown, or (in a policy) not managed. */
  readonly description?: string;
}

/** A custom privilege group (Milvus >= 2.5). Built-in groups are catalogue data, not state. */
export interface PrivilegeGroupState {
  readonly name: string;
  /** Member privilege names, sorted, no duplicates. */
  readonly privileges: readonly string[];
}

/**
 * Users, roles and custom privilege groups of one Milvus instance (live) or one policy (desired).
 * Always kept canonical (see `canonical.ts`) so that two equal states are deep-equal.
 */
export interface RbacState {
  readonly users: readonly UserState[];
  readonly roles: readonly RoleState[];
  readonly privilegeGroups: readonly PrivilegeGroupState[];
}

export const EMPTY_STATE: RbacState = Object.freeze({ users: [], roles: [], privilegeGroups: [] });
