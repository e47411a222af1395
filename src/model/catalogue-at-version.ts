import {
  BUILTIN_PRIVILEGE_GROUPS,
  LEGACY_PRIVILEGE_GROUPS,
  OBJECT_TYPE_PRIVILEGES,
  PRIVILEGE_SINCE,
  RELATED_PRIVILEGES,
  groupMembersAt,
  privilegeLevelsAt,
} from './catalogue.js';
import type { ObjectType, PrivilegeLevel } from './types.js';
import type { MilvusVersion } from './versions.js';
import { atLeast, featuresOf, formatVersion } from './versions.js';

/**
 * The privilege catalogue as one Milvus version sees it: a name that version does not know is
 * "not found" there, as on that server, and groups and levels are that version's. catalogue.ts
 * answers for every version at once; this module answers for one, so its questions carry other
 * names.
 */

export interface BuiltinGroup {
  readonly name: string;
  readonly privileges: readonly string[];
  /** ReadOnly / ReadWrite / Admin: grantable only through v2 (v1 refuses them by name). */
  readonly legacy: boolean;
}

export interface VersionCatalogue {
  readonly version: MilvusVersion;
  /** The nine v2 groups and the legacy ones, from the version that brought privilege groups. */
  readonly builtinGroups: readonly BuiltinGroup[];
  builtinGroup(name: string): BuiltinGroup | undefined;
  /** A single built-in privilege this version has. */
  hasSinglePrivilege(name: string): boolean;
  /** util.IsPrivilegeNameDefined on this version: a built-in privilege or built-in group name. */
  definesName(name: string): boolean;
  /** util.ObjectPrivileges[objectType] on this version: what a v1 grant on that object type may name. */
  acceptsOnObjectType(name: string, objectType: ObjectType): boolean;
  /** util.GetPrivilegeLevel on this version: null for `All`, groups, unknown names and privileges outside every Admin group. */
  levelOf(name: string): PrivilegeLevel | null;
  /** Privileges a v1 grant or revoke of `name` also grants or revokes (none before FeatureSet.relatedPrivileges). */
  relatedPrivileges(name: string): readonly string[];
}

function build(version: MilvusVersion): VersionCatalogue {
  const features = featuresOf(version);
  const isAtLeast = (since: string): boolean => atLeast(version, since);
  const groups: BuiltinGroup[] = [];
  if (features.privilegeGroups) {
    for (const g of BUILTIN_PRIVILEGE_GROUPS) {
      if (isAtLeast(g.since)) groups.push({ name: g.name, privileges: groupMembersAt(g.name, g.members, isAtLeast), legacy: false });
    }
    for (const g of LEGACY_PRIVILEGE_GROUPS) groups.push({ name: g.name, privileges: groupMembersAt(g.name, g.members, isAtLeast), legacy: true });
  }
  const groupIndex = new Map(groups.map((g) => [g.name, g]));
  const levels = privilegeLevelsAt(isAtLeast);
  const hasSinglePrivilege = (name: string): boolean => {
    const since = PRIVILEGE_SINCE.get(name);
    return since !== undefined && isAtLeast(since);
  };
  const definesName = (name: string): boolean => hasSinglePrivilege(name) || groupIndex.has(name);
  return {
    version,
    builtinGroups: groups,
    builtinGroup: (name) => groupIndex.get(name),
    hasSinglePrivilege,
    definesName,
    acceptsOnObjectType: (name, objectType) => OBJECT_TYPE_PRIVILEGES[objectType].includes(name) && definesName(name),
    levelOf: (name) => (hasSinglePrivilege(name) ? (levels.get(name) ?? null) : null),
    relatedPrivileges: (name) => (features.relatedPrivileges ? (RELATED_PRIVILEGES[name] ?? []) : []),
  };
}

// Asked once per grant on every read, engine call and access check: built once per version, and
// found by the version object itself first, so the hot path makes no key string.
const catalogues = new Map<string, VersionCatalogue>();
const byObject = new WeakMap<MilvusVersion, VersionCatalogue>();

export function catalogueAt(version: MilvusVersion): VersionCatalogue {
  const known = byObject.get(version);
  if (known) return known;
  const key = formatVersion(version);
  let catalogue = catalogues.get(key);
  if (!catalogue) {
    catalogue = build(version);
    catalogues.set(key, catalogue);
  }
  byObject.set(version, catalogue);
  return catalogue;
}
