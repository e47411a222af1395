import {
  BUILTIN_PRIVILEGE_GROUPS,
  LEGACY_PRIVILEGE_GROUPS,
  OBJECT_TYPE_PRIVILEGES,
  RELATED_PRIVILEGES,
  findPrivilege,
  objectTypeOf as catalogueObjectTypeOf,
} from './catalogue.js';
import type { ObjectType, PrivilegeLevel } from './types.js';
import type { MilvusVersion } from './versions.js';
import { atLeast, featuresOf } from './versions.js';

/**
 * The questions the RBAC engine and the access evaluator ask the privilege catalogue
 * (catalogue.ts), answered for one Milvus version: a name the version does not know is
 * "not found" there, as on that server.
 */

export interface BuiltinGroup {
  readonly name: string;
  readonly privileges: readonly string[];
  /** ReadOnly / ReadWrite / Admin: grantable only through v2 (v1 refuses them by name). */
  readonly legacy: boolean;
}

function knownSince(version: MilvusVersion, since: string): boolean {
  return atLeast(version, since);
}

// Asked once per grant on every read and every engine call: built once per version.
const groupsByVersion = new Map<string, ReadonlyMap<string, BuiltinGroup>>();

function groupIndexOf(version: MilvusVersion): ReadonlyMap<string, BuiltinGroup> {
  const key = `${version.major}.${version.minor}.${version.patch}`;
  let index = groupsByVersion.get(key);
  if (!index) {
    const groups: BuiltinGroup[] = [];
    if (featuresOf(version).privilegeGroups) {
      for (const g of BUILTIN_PRIVILEGE_GROUPS) {
        if (knownSince(version, g.since)) groups.push({ name: g.name, privileges: g.members, legacy: false });
      }
      for (const g of LEGACY_PRIVILEGE_GROUPS) groups.push({ name: g.name, privileges: g.members, legacy: true });
    }
    index = new Map(groups.map((g) => [g.name, g]));
    groupsByVersion.set(key, index);
  }
  return index;
}

/** Built-in groups the version knows: the nine v2 groups and the legacy ones arrive with privilege groups. */
export function builtinGroupsOf(version: MilvusVersion): readonly BuiltinGroup[] {
  return [...groupIndexOf(version).values()];
}

export function builtinGroup(version: MilvusVersion, name: string): BuiltinGroup | undefined {
  return groupIndexOf(version).get(name);
}

/** A single built-in privilege the version knows. */
export function isSinglePrivilege(version: MilvusVersion, name: string): boolean {
  const info = findPrivilege(name);
  return info !== undefined && knownSince(version, info.since);
}

/** util.IsPrivilegeNameDefined on this version: a built-in privilege or built-in group name. */
export function isDefinedPrivilegeName(version: MilvusVersion, name: string): boolean {
  return isSinglePrivilege(version, name) || builtinGroup(version, name) !== undefined;
}

/** util.GetObjectType: the object type a privilege is stored under; custom groups and unknowns are Global. */
export function objectTypeOf(name: string): ObjectType {
  return catalogueObjectTypeOf(name);
}

/**
 * util.GetPrivilegeLevel of a single privilege name; `undefined` for `All`, group names and
 * unknown names (Milvus's "" level), which matters when mixing names in a custom group.
 */
export function privilegeLevelOf(name: string): PrivilegeLevel | undefined {
  return findPrivilege(name)?.level ?? undefined;
}

/** util.ObjectPrivileges[objectType] on this version: what a v1 grant on that object type may name. */
export function isValidForObjectType(version: MilvusVersion, name: string, objectType: ObjectType): boolean {
  if (!OBJECT_TYPE_PRIVILEGES[objectType].includes(name)) return false;
  return isSinglePrivilege(version, name) || builtinGroup(version, name) !== undefined;
}

export function isLegacyGroupName(name: string): boolean {
  return LEGACY_PRIVILEGE_GROUPS.some((g) => g.name === name);
}

/**
 * Privileges a v1 grant or revoke of `name` also grants or revokes, on versions that add them
 * (2.3.5 adds none, measured in docs/real-milvus-2.3.5-probe.json; see FeatureSet.relatedPrivileges).
 */
export function relatedPrivilegesOf(version: MilvusVersion, name: string): readonly string[] {
  if (!featuresOf(version).relatedPrivileges) return [];
  return RELATED_PRIVILEGES[name] ?? [];
}
