/**
 * Milvus versions and the RBAC features each one has. The reader, the planner and the emulator's
 * version profiles all ask this module, so "which Milvus has what" is decided in one place.
 * Sources per flag are in docs/milvus-behaviour.md.
 */

export interface MilvusVersion {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
}

export interface FeatureSet {
  /** Grants carry a database name (CreateDatabase and db-scoped grants). */
  readonly databases: boolean;
  /** Custom privilege groups: Create/Drop/List/OperatePrivilegeGroup. */
  readonly privilegeGroups: boolean;
  /** OperatePrivilegeV2 and the 9 built-in v2 privilege groups. */
  readonly grantV2: boolean;
  /** BackupRBAC / RestoreRBAC: the whole RBAC state in one call. */
  readonly backupRbac: boolean;
  /** DropRoleRequest.force_drop is honoured. */
  readonly forceDrop: boolean;
  /** SelectGrant with db_name `*` returns grants of every database. */
  readonly selectGrantAllDatabases: boolean;
  /** A v1 grant of Load / Flush also stores GetLoadState, GetLoadingProgress / GetFlushState. */
  readonly relatedPrivileges: boolean;
  /** User and role names are trimmed before validation and storage (2.3.5 keeps the spaces). */
  readonly trimsNames: boolean;
  /**
   * Dropping a collection deletes its Collection-typed grants, renaming moves them, and a grant
   * naming an alias lands on the collection (`proxy.resolveAliasForPrivilege`, default on).
   */
  readonly grantsFollowCollection: boolean;
  /** Role and user descriptions: AlterRole, CreateRole/CreateCredential/UpdateCredential descriptions. */
  readonly descriptions: boolean;
  /** Root-coordinator refusals carry their wrappers ("failed to check if drop role: …"). */
  readonly refusalChains: boolean;
  /** Root-coordinator refusals are classified through merr (1100, 9) instead of 65535. */
  readonly merrRefusals: boolean;
  /** PermissionDenied names the database ("… in the `db` database"). */
  readonly deniedNamesDatabase: boolean;
  /** A v1 grant's bad object type reads "the object entity in the request is nil or invalid". */
  readonly objectEntityWording: boolean;
  /** OperatePrivilege (v1) is served: every Milvus, but not Zilliz Cloud (platform.ts). */
  readonly v1Grants: boolean;
}

/** The version profiles the emulator can play and the tests cover. */
export const VERSION_PROFILES = ['2.3', '2.4', '2.5', '2.6', '3.0'] as const;
export type VersionProfile = (typeof VERSION_PROFILES)[number];

/** The build version string each profile reports from GetVersion. */
export const PROFILE_VERSION_STRING: Readonly<Record<VersionProfile, string>> = Object.freeze({
  '2.3': 'v2.3.5',
  '2.4': 'v2.4.15',
  '2.5': 'v2.5.4',
  '2.6': 'v2.6.22',
  '3.0': 'v3.0.0',
});

/**
 * The newest release whose rules the tool knows. A newer server is planned with these rules (and
 * the privileges of Milvus's main branch), with a warning: never refused.
 */
export const NEWEST_KNOWN_VERSION: MilvusVersion = { major: 3, minor: 0, patch: 0 };

/** A warning when `v` is newer than every release the tool knows; null otherwise. */
export function newerThanKnownWarning(v: MilvusVersion): string | null {
  if (v.major === NEWEST_KNOWN_VERSION.major && v.minor === NEWEST_KNOWN_VERSION.minor) return null;
  if (compareVersions(v, NEWEST_KNOWN_VERSION) <= 0) return null;
  return `Milvus ${formatVersion(v)} is newer than any release this tool knows (${formatVersion(NEWEST_KNOWN_VERSION)}): it is treated as ${formatVersion(NEWEST_KNOWN_VERSION)} plus the privileges of Milvus's main branch; review the plan closely and look for a newer milvus-rbac`;
}

/** Parses GetVersion's answer (`v2.5.4`, `2.4.0-rc1`, `v2.3.9-lite`). */
export function parseMilvusVersion(text: string): MilvusVersion | null {
  const m = /^v?(\d+)\.(\d+)(?:\.(\d+))?/.exec(text.trim());
  if (!m) return null;
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3] ?? 0) };
}

export function compareVersions(a: MilvusVersion, b: MilvusVersion): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}

export function atLeast(v: MilvusVersion, text: string): boolean {
  const min = parseMilvusVersion(text);
  if (!min) throw new Error(`bad version literal ${text}`);
  return compareVersions(v, min) >= 0;
}

export function formatVersion(v: MilvusVersion): string {
  return `${v.major}.${v.minor}.${v.patch}`;
}

/**
 * Where a feature arrived in a 2.4.x patch release, the version comes from the dated backport
 * pull requests in milvus-io/milvus (see docs/milvus-behaviour.md); those marked there as
 * assumptions are not confirmed against a released server. 2.3 values were measured on 2.3.5.
 */
export function featuresOf(v: MilvusVersion): FeatureSet {
  return {
    databases: atLeast(v, '2.2.9'),
    privilegeGroups: atLeast(v, '2.4.18'),
    grantV2: atLeast(v, '2.4.18'),
    backupRbac: atLeast(v, '2.4.9'),
    forceDrop: atLeast(v, '2.4.10'),
    selectGrantAllDatabases: atLeast(v, '2.4.18'),
    relatedPrivileges: atLeast(v, '2.4.10'),
    trimsNames: atLeast(v, '2.4.0'),
    grantsFollowCollection: atLeast(v, '2.6.12'),
    descriptions: atLeast(v, '2.6.19'),
    refusalChains: atLeast(v, '2.6.6'),
    merrRefusals: atLeast(v, '2.6.19'),
    deniedNamesDatabase: atLeast(v, '2.4.1'),
    objectEntityWording: atLeast(v, '2.4.18'),
    v1Grants: true,
  };
}

export function profileOf(v: MilvusVersion): VersionProfile {
  const found = [...VERSION_PROFILES].reverse().find((p) => atLeast(v, `${p}.0`));
  return found ?? '2.3';
}
