import {
  BUILTIN_PRIVILEGE_GROUPS,
  findBuiltinGroup,
  findPrivilege,
  isDefinedPrivilegeName,
  LEGACY_PRIVILEGE_GROUPS,
  OBJECT_TYPE_PRIVILEGES,
  objectTypeOf,
  PRIVILEGES,
  RELATED_PRIVILEGES,
} from '../model/catalogue.js';
import type { BuiltinGroupInfo } from '../model/catalogue.js';
import { catalogueAt } from '../model/catalogue-at-version.js';
import type { ObjectType, PrivilegeLevel } from '../model/types.js';
import type { MilvusVersion } from '../model/versions.js';

/**
 * The policy loader's view of the privilege catalogue (src/model/catalogue.ts): the few
 * questions the loader asks, in the shapes it needs, so the loader reads as policy rules.
 */

export type { BuiltinGroupInfo };

/** Every single built-in privilege name, sorted. */
export const SINGLE_PRIVILEGE_NAMES: readonly string[] = PRIVILEGES.map((p) => p.name).sort();

/** Names Milvus stores for the built-in groups, and the short aliases of the Milvus docs. */
export const BUILTIN_GROUP_NAMES: readonly string[] = BUILTIN_PRIVILEGE_GROUPS.map((g) => g.name);
export const BUILTIN_GROUP_ALIASES: readonly string[] = BUILTIN_PRIVILEGE_GROUPS.flatMap((g) => g.aliases);

const LEGACY_NAMES = new Set<string>(LEGACY_PRIVILEGE_GROUPS.map((g) => g.name));
const NAMES_BY_OBJECT_TYPE: Readonly<Record<ObjectType, ReadonlySet<string>>> = {
  Global: new Set(OBJECT_TYPE_PRIVILEGES.Global),
  Collection: new Set(OBJECT_TYPE_PRIVILEGES.Collection),
  User: new Set(OBJECT_TYPE_PRIVILEGES.User),
};

export function isSinglePrivilege(name: string): boolean {
  return findPrivilege(name) !== undefined;
}

/** A built-in group by its stored name or its alias. */
export function builtinGroup(name: string): BuiltinGroupInfo | undefined {
  return findBuiltinGroup(name);
}

/** ReadOnly / ReadWrite / Admin: configured server-side; Milvus refuses to grant them by name. */
export function isLegacyGroup(name: string): boolean {
  return LEGACY_NAMES.has(name);
}

/**
 * Names a custom group may not take: what Milvus itself defines, plus the aliases, which the
 * policy language reads as built-in groups.
 */
export function isReservedPrivilegeName(name: string): boolean {
  return isDefinedPrivilegeName(name) || findBuiltinGroup(name) !== undefined;
}

/** The object type Milvus stores for a grant of this privilege; groups are `Global`. */
export function objectTypeOfPrivilege(name: string): ObjectType {
  return objectTypeOf(name);
}

/**
 * The v2 level of a single privilege on the target version (the newest release known when none);
 * `undefined` for privileges outside every level (`All`).
 */
export function levelOfPrivilege(name: string, version?: MilvusVersion): PrivilegeLevel | undefined {
  if (version && catalogueAt(version).hasSinglePrivilege(name)) return catalogueAt(version).levelOf(name) ?? undefined;
  return findPrivilege(name)?.level ?? undefined;
}

/** Single privileges a v1 grant of `name` also creates (Load → GetLoadState, GetLoadingProgress). */
export function relatedPrivileges(name: string): readonly string[] {
  return RELATED_PRIVILEGES[name] ?? [];
}

/** Whether a v1 grant on this object type accepts the name (built-in groups only on `Global`). */
export function isValidForObjectType(name: string, objectType: ObjectType): boolean {
  if (findPrivilege(name)?.v1Grantable === false) return objectType === 'Global';
  return NAMES_BY_OBJECT_TYPE[objectType].has(name) && !isLegacyGroup(name);
}

/** A privilege on Milvus's main branch, in no release yet. */
export function isMainBranchPrivilege(name: string): boolean {
  return findPrivilege(name)?.mainBranch === true;
}

/** The Milvus version that introduced a single privilege or built-in group. */
export function privilegeSince(name: string): string | undefined {
  return findPrivilege(name)?.since ?? findBuiltinGroup(name)?.since;
}
