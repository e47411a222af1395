import type { ObjectType, PrivilegeLevel } from './types.js';

/**
 * The Milvus privilege catalogue: every built-in privilege, the built-in privilege groups (v2 and
 * legacy), the v1 object-type table and the "related privileges" the proxy adds to v1 grants.
 *
 * Sources (milvus-io/milvus unless noted), read from the stored snapshots:
 *  - S_NEW  = pkg/util/constant.go @ 3b1e39104c2a3dda82cacab9f17597b736651c00 (pkg/v2 module path,
 *             i.e. the 2.5.x-late / 2.6 line): ObjectPrivileges with group names, RelatedPrivileges,
 *             legacy ReadOnly/ReadWrite/Admin groups, the nine v2 groups, GetPrivilegeLevel,
 *             GetObjectType, IsPrivilegeNameDefined, IsBuiltinPrivilegeGroup.
 *  - S_OLD  = pkg/util/constant.go @ 00f21bf69e4b102e547821cd396be0b530573d88 (pkg module path,
 *             2.4-era, after BackupRBAC was added in Aug 2024; no privilege groups in the enum yet).
 *  - S_RBAC = pkg/util/paramtable/rbac_config.go (pre-pkg/v2 import path, stored file id 3439311658):
 *             same nine v2 group member lists, configurable via common.security.rbac.* keys whose
 *             ParamItem.Version is "2.4.16".
 *  - S_23   = pkg/util/constant.go, 2.3-era snapshot (stored file id 493675599: pkg module path,
 *             MetaStoreTypeMysql, DefaultRootPassword const): ObjectPrivileges has every privilege of
 *             enum 0..38 (incl. Upsert, GetLoadingProgress/GetLoadState, RenameCollection, resource
 *             groups, FlushAll, Create/Drop/ListDatabases) and none of the partition/alias/
 *             AlterDatabase/DescribeDatabase/BackupRBAC ones; no RelatedPrivileges, no groups.
 *  - S_PROTO = milvus-io/milvus-proto proto/common.proto @ 847bbe39371d109b782449bec418d4da06ddc86d
 *             (ObjectPrivilege enum 0..68) and @ 0210cb085de3d926f3a3d141a958cfa1488c5bc5 (2.2-era,
 *             enum 0..24 only).
 *
 * Version numbers in `since` come from the enum order plus the dated upstream pull requests named in
 * each comment; where no release tag could be read, the value is the conservative (later) choice and
 * the line says ASSUMPTION.
 */

export interface PrivilegeInfo {
  /** API name, e.g. 'Search', 'All'. */
  readonly name: string;
  /** v1 object type from util.ObjectPrivileges (GetObjectType). */
  readonly objectType: ObjectType;
  /** GetPrivilegeLevel (v2 level) or null when none (only 'All'). */
  readonly level: PrivilegeLevel | null;
  /** Milvus version that introduced it. */
  readonly since: string;
}

export interface BuiltinGroupInfo {
  readonly name: string;
  /** Short names used in docs/seeds, e.g. ['COLL_RO']. */
  readonly aliases: readonly string[];
  readonly level: PrivilegeLevel;
  /** Exact member privilege API names, in server order. */
  readonly members: readonly string[];
  readonly since: string;
}

export interface LegacyGroupInfo {
  readonly name: 'ReadOnly' | 'ReadWrite' | 'Admin';
  readonly objectType: ObjectType;
  readonly members: readonly string[];
}

export const ALL_PRIVILEGE = 'All';
export const ANY = '*';

// ---------------------------------------------------------------------------------------------
// Single privileges.
// Names/object types: S_NEW ObjectPrivileges (identical to S_OLD for every single privilege;
// S_NEW only adds the four privilege-group privileges and the group names).
// Levels: S_NEW GetPrivilegeLevel = first of ClusterAdmin / DatabaseAdmin / CollectionAdmin members.
//
// since:
//  - enum 0..24 (All … SelectUser) are already in S_PROTO @0210cb08 (2.2-era proto) → '2.2.0'
//    (RBAC shipped in Milvus 2.2.0).
//  - GetLoadingProgress/GetLoadState: milvus PR #22320 (2023-02) → 2.2.x; recorded as '2.3.0'.
//    ASSUMPTION: exact 2.2.x patch not read.
//  - Upsert, resource-group privileges, RenameCollection, FlushAll (enum 25..34, 38): recorded as
//    '2.3.0'. ASSUMPTION: some may exist in late 2.2.x; all are present by 2.3.0.
//  - CreateDatabase/DropDatabase/ListDatabases (enum 35..37): databases shipped in 2.2.9.
//    ASSUMPTION: taken from the project's versions.ts (databases >= 2.2.9), not from a tag.
//  - Partition privileges + GetFlushState (enum 39..43) and alias privileges (enum 44..47): first
//    merged on master for 2.4 (milvus-proto PR #213, milvus PR #29885) and backported (#29947).
//    MEASURED: a real 2.3.5 accepts all nine in v1 grants (docs/compatibility.md), so they are
//    recorded as '2.3.0'; the 2.3 line is treated as one version.
//  - UpdateResourceGroups (enum 48): '2.4.1'. ASSUMPTION: declarative resource-group API release.
//  - AlterDatabase/DescribeDatabase (enum 49..50): 2.4 backport PR #33804 merged 2024-06-13 →
//    '2.4.5'. ASSUMPTION: release that first contained it.
//  - BackupRBAC/RestoreRBAC (enum 51..52): 2.4 backport PR #35513 merged 2024-08-16 → '2.4.9'.
//    ASSUMPTION: release that first contained it (project measured: absent on 2.3.5).
//  - Create/Drop/List/OperatePrivilegeGroup (enum 56..59): Milvus 2.4.18 release notes (2024-12-20)
//    "introduces customizable privilege groups" and 2.5.0 → '2.4.18'.
// ---------------------------------------------------------------------------------------------

type Row = readonly [name: string, objectType: ObjectType, since: string];

const PRIVILEGE_ROWS: readonly Row[] = [
  // Collection (S_NEW ObjectPrivileges["Collection"], order kept)
  ['Load', 'Collection', '2.2.0'],
  ['Release', 'Collection', '2.2.0'],
  ['Compaction', 'Collection', '2.2.0'],
  ['Insert', 'Collection', '2.2.0'],
  ['Delete', 'Collection', '2.2.0'],
  ['Upsert', 'Collection', '2.3.0'],
  ['GetStatistics', 'Collection', '2.2.0'],
  ['CreateIndex', 'Collection', '2.2.0'],
  ['IndexDetail', 'Collection', '2.2.0'],
  ['DropIndex', 'Collection', '2.2.0'],
  ['Search', 'Collection', '2.2.0'],
  ['Flush', 'Collection', '2.2.0'],
  ['Query', 'Collection', '2.2.0'],
  ['LoadBalance', 'Collection', '2.2.0'],
  ['Import', 'Collection', '2.2.0'],
  ['GetLoadingProgress', 'Collection', '2.3.0'],
  ['GetLoadState', 'Collection', '2.3.0'],
  ['CreatePartition', 'Collection', '2.3.0'],
  ['DropPartition', 'Collection', '2.3.0'],
  ['ShowPartitions', 'Collection', '2.3.0'],
  ['HasPartition', 'Collection', '2.3.0'],
  ['GetFlushState', 'Collection', '2.3.0'],
  // Global (S_NEW ObjectPrivileges["Global"], single privileges only, order kept)
  ['All', 'Global', '2.2.0'],
  ['CreateCollection', 'Global', '2.2.0'],
  ['DropCollection', 'Global', '2.2.0'],
  ['DescribeCollection', 'Global', '2.2.0'],
  ['ShowCollections', 'Global', '2.2.0'],
  ['RenameCollection', 'Global', '2.3.0'],
  ['CreateOwnership', 'Global', '2.2.0'],
  ['DropOwnership', 'Global', '2.2.0'],
  ['SelectOwnership', 'Global', '2.2.0'],
  ['ManageOwnership', 'Global', '2.2.0'],
  ['BackupRBAC', 'Global', '2.4.9'],
  ['RestoreRBAC', 'Global', '2.4.9'],
  ['CreateResourceGroup', 'Global', '2.3.0'],
  ['UpdateResourceGroups', 'Global', '2.4.1'],
  ['DropResourceGroup', 'Global', '2.3.0'],
  ['DescribeResourceGroup', 'Global', '2.3.0'],
  ['ListResourceGroups', 'Global', '2.3.0'],
  ['TransferReplica', 'Global', '2.3.0'],
  ['TransferNode', 'Global', '2.3.0'],
  ['FlushAll', 'Global', '2.3.0'],
  ['CreateDatabase', 'Global', '2.2.9'],
  ['DropDatabase', 'Global', '2.2.9'],
  ['ListDatabases', 'Global', '2.2.9'],
  ['AlterDatabase', 'Global', '2.4.5'],
  ['DescribeDatabase', 'Global', '2.4.5'],
  ['CreateAlias', 'Global', '2.3.0'],
  ['DropAlias', 'Global', '2.3.0'],
  ['DescribeAlias', 'Global', '2.3.0'],
  ['ListAliases', 'Global', '2.3.0'],
  ['CreatePrivilegeGroup', 'Global', '2.4.18'],
  ['DropPrivilegeGroup', 'Global', '2.4.18'],
  ['ListPrivilegeGroups', 'Global', '2.4.18'],
  ['OperatePrivilegeGroup', 'Global', '2.4.18'],
  // User (S_NEW ObjectPrivileges["User"])
  ['UpdateUser', 'User', '2.2.0'],
  ['SelectUser', 'User', '2.2.0'],
];
// ASSUMPTION: newer milvus-proto snapshots (Dart build of common.proto, stored id 57081600040) add
// enum values 69+ (GetImportProgress, ListImport, AddCollectionField, AddFileResource,
// RemoveFileResource, ListFileResources, UpdateReplicateConfiguration, *Snapshot*, AlterCollectionSchema,
// GetReplicateConfiguration, RefreshExternalCollection, Pin/UnpinSnapshotData). No stored
// constant.go lists them in ObjectPrivileges or in a group, so they are left out here; a server
// built with those protos would still call them "defined" (IsPrivilegeNameDefined checks the enum).

// ---------------------------------------------------------------------------------------------
// The nine v2 built-in groups. Members: S_NEW (CollectionReadOnlyPrivileges … ClusterAdminPrivileges,
// via ConvertPrivileges) — identical, in the same order, to S_RBAC. Each higher group = the lower one
// plus the listed extras (Go `append`). DatabaseReadOnly/DatabaseReadWrite do NOT contain
// CreateCollection: seeds 002 and 004 are right, seed 003 is wrong.
// Aliases: seeds 002/003/004 ("COLL_RO, COLL_RW, COLL_ADMIN, DB_RO, DB_RW, DB_Admin, Cluster_RO,
// Cluster_RW and Cluster_Admin").
// since: Milvus 2.4.18 release notes (2024-12-20) list exactly these nine groups and the v2
// Grant/Revoke API; S_RBAC's config keys carry Version "2.4.16". 2.5.0 also has them.
// ASSUMPTION: '2.4.18' (first release notes naming them), not verified against a 2.4.18 tag.
// Note: since 2.4.16 the member lists are overridable by common.security.rbac.* config
// (overrideBuiltInPrivilegeGroups.enabled, default false); these are the defaults.
// ---------------------------------------------------------------------------------------------

const COLL_RO = [
  'Query', 'Search', 'IndexDetail', 'GetFlushState', 'GetLoadState', 'GetLoadingProgress', 'HasPartition',
  'ShowPartitions', 'DescribeCollection', 'DescribeAlias', 'GetStatistics', 'ListAliases',
] as const;
const COLL_RW = [
  ...COLL_RO, 'Load', 'Release', 'Insert', 'Delete', 'Upsert', 'Import', 'Flush', 'Compaction', 'LoadBalance',
  'CreateIndex', 'DropIndex', 'CreatePartition', 'DropPartition',
] as const;
const COLL_ADMIN = [...COLL_RW, 'CreateAlias', 'DropAlias'] as const;
const DB_RO = ['ShowCollections', 'DescribeDatabase'] as const;
const DB_RW = [...DB_RO, 'AlterDatabase'] as const;
const DB_ADMIN = [...DB_RW, 'CreateCollection', 'DropCollection'] as const;
const CLUSTER_RO = [
  'ListDatabases', 'SelectOwnership', 'SelectUser', 'DescribeResourceGroup', 'ListResourceGroups', 'ListPrivilegeGroups',
] as const;
const CLUSTER_RW = [...CLUSTER_RO, 'FlushAll', 'TransferNode', 'TransferReplica', 'UpdateResourceGroups'] as const;
const CLUSTER_ADMIN = [
  ...CLUSTER_RW, 'BackupRBAC', 'RestoreRBAC', 'CreateDatabase', 'DropDatabase', 'CreateOwnership', 'DropOwnership',
  'ManageOwnership', 'CreateResourceGroup', 'DropResourceGroup', 'UpdateUser', 'RenameCollection',
  'CreatePrivilegeGroup', 'DropPrivilegeGroup', 'OperatePrivilegeGroup',
] as const;

const GROUPS_SINCE = '2.4.18';

export const BUILTIN_PRIVILEGE_GROUPS: readonly BuiltinGroupInfo[] = Object.freeze([
  group('CollectionReadOnly', ['COLL_RO'], 'collection', COLL_RO),
  group('CollectionReadWrite', ['COLL_RW'], 'collection', COLL_RW),
  group('CollectionAdmin', ['COLL_ADMIN'], 'collection', COLL_ADMIN),
  group('DatabaseReadOnly', ['DB_RO'], 'database', DB_RO),
  group('DatabaseReadWrite', ['DB_RW'], 'database', DB_RW),
  group('DatabaseAdmin', ['DB_Admin'], 'database', DB_ADMIN),
  group('ClusterReadOnly', ['Cluster_RO'], 'cluster', CLUSTER_RO),
  group('ClusterReadWrite', ['Cluster_RW'], 'cluster', CLUSTER_RW),
  group('ClusterAdmin', ['Cluster_Admin'], 'cluster', CLUSTER_ADMIN),
]);

function group(
  name: string,
  aliases: readonly string[],
  level: PrivilegeLevel,
  members: readonly string[],
): BuiltinGroupInfo {
  return Object.freeze({
    name,
    aliases: Object.freeze([...aliases]),
    level,
    members: Object.freeze([...members]),
    since: GROUPS_SINCE,
  });
}

// ---------------------------------------------------------------------------------------------
// Legacy v1 groups ReadOnly / ReadWrite / Admin. Members: S_NEW ReadOnlyPrivilegeGroup,
// ReadWritePrivilegeGroup, AdminPrivilegeGroup converted to API names, first occurrence kept
// (S_NEW's Admin list repeats CreateCollection, DropCollection and Flush).
// Object types: S_NEW ObjectPrivileges lists ReadOnly/ReadWrite under Collection, Admin under Global.
// Version differences: in S_OLD these lists are Go slices only (no enum value, not grantable by
// name); S_OLD's ReadWrite also contained CreateCollection and DropCollection, S_NEW's does not.
// The enum values PrivilegeGroupReadOnly/ReadWrite/Admin (53..55) arrived with privilege groups.
// ---------------------------------------------------------------------------------------------

const LEGACY_RO = [
  'Query', 'Search', 'IndexDetail', 'GetFlushState', 'GetLoadState', 'GetLoadingProgress', 'HasPartition',
  'ShowPartitions', 'ShowCollections', 'ListAliases', 'ListDatabases', 'DescribeCollection', 'DescribeDatabase',
  'DescribeAlias', 'GetStatistics',
] as const;
const LEGACY_RW = [
  ...LEGACY_RO, 'CreateIndex', 'DropIndex', 'CreatePartition', 'DropPartition', 'Load', 'Release', 'Insert', 'Delete',
  'Upsert', 'Import', 'Flush', 'Compaction', 'LoadBalance', 'RenameCollection', 'CreateAlias', 'DropAlias',
] as const;
const LEGACY_ADMIN = [
  'CreateCollection', 'DropCollection', ...LEGACY_RW, 'CreateOwnership', 'DropOwnership', 'SelectOwnership',
  'ManageOwnership', 'SelectUser', 'UpdateUser', 'BackupRBAC', 'RestoreRBAC', 'CreateResourceGroup',
  'UpdateResourceGroups', 'DropResourceGroup', 'DescribeResourceGroup', 'ListResourceGroups', 'TransferReplica',
  'TransferNode', 'CreateDatabase', 'DropDatabase', 'AlterDatabase',
] as const;

export const LEGACY_PRIVILEGE_GROUPS: readonly LegacyGroupInfo[] = Object.freeze([
  legacy('ReadOnly', 'Collection', LEGACY_RO),
  legacy('ReadWrite', 'Collection', LEGACY_RW),
  legacy('Admin', 'Global', LEGACY_ADMIN),
]);

function legacy(name: LegacyGroupInfo['name'], objectType: ObjectType, members: readonly string[]): LegacyGroupInfo {
  return Object.freeze({ name, objectType, members: Object.freeze([...new Set(members)]) });
}

// ---------------------------------------------------------------------------------------------
// RelatedPrivileges (S_NEW and S_OLD; metastore names there, API names here): a v1 grant or revoke
// of Load also grants/revokes GetLoadState and GetLoadingProgress; Flush also GetFlushState.
// Present in S_OLD (2.4 line, after Aug 2024). Introduced together with milvus-proto PR #313/#314
// (2024-08-22, "use the GetLoadState privilege in the GetLoadState and GetLoadingProgress Request";
// before that those RPCs were checked against PrivilegeLoad, milvus-proto PR #207, 2023-10).
// ASSUMPTION: first releases ≈ 2.4.10 and 2.5.0; absent in 2.3.x.
// ---------------------------------------------------------------------------------------------

export const RELATED_PRIVILEGES: Readonly<Record<string, readonly string[]>> = Object.freeze({
  Load: Object.freeze(['GetLoadState', 'GetLoadingProgress']),
  Flush: Object.freeze(['GetFlushState']),
});

// ---------------------------------------------------------------------------------------------
// v1 grants: names accepted per object type = S_NEW ObjectPrivileges, including the group names the
// server lists there (ReadOnly/ReadWrite under Collection; Admin, the four privilege-group
// privileges and the nine v2 group names under Global). Order as in S_NEW.
// Caveat (internal/rootcoord/root_coord.go, 2.5-era, stored file id 2400468538, isValidPrivilege):
// v1 OperatePrivilege first rejects custom groups ("can not operate the custom privilege group")
// and the nine v2 group names (Params.RbacConfig.GetDefaultPrivilegeGroupNames() → "can not operate
// the built-in privilege group"), then requires the name to be in this table for the object type.
// So on v1 the nine v2 names are listed here but refused, while legacy ReadOnly/ReadWrite (Collection)
// and Admin (Global) pass. Global object_name is forced to '*' unless IsBuiltinPrivilegeGroup(name).
// ---------------------------------------------------------------------------------------------

function namesOf(type: ObjectType): string[] {
  return PRIVILEGE_ROWS.filter((r) => r[1] === type).map((r) => r[0]);
}

const GLOBAL_NAMES: string[] = (() => {
  // S_NEW order: … ListAliases, Admin, Create/Drop/List/OperatePrivilegeGroup, nine v2 groups.
  const singles = namesOf('Global');
  const cut = singles.indexOf('CreatePrivilegeGroup');
  const before = cut < 0 ? singles : singles.slice(0, cut);
  const after = cut < 0 ? [] : singles.slice(cut);
  const v2Order = [
    'ClusterReadOnly', 'ClusterReadWrite', 'ClusterAdmin', 'DatabaseReadOnly', 'DatabaseReadWrite', 'DatabaseAdmin',
    'CollectionReadOnly', 'CollectionReadWrite', 'CollectionAdmin',
  ];
  return [...before, 'Admin', ...after, ...v2Order];
})();

export const OBJECT_TYPE_PRIVILEGES: Readonly<Record<ObjectType, readonly string[]>> = Object.freeze({
  Collection: Object.freeze([...namesOf('Collection'), 'ReadOnly', 'ReadWrite']),
  Global: Object.freeze(GLOBAL_NAMES),
  User: Object.freeze(namesOf('User')),
});

// ---------------------------------------------------------------------------------------------
// Lookup tables, built once.
// ---------------------------------------------------------------------------------------------

const levelOfSingle = new Map<string, PrivilegeLevel>();
for (const [members, level] of [
  [CLUSTER_ADMIN, 'cluster'],
  [DB_ADMIN, 'database'],
  [COLL_ADMIN, 'collection'],
] as const) {
  // GetPrivilegeLevel checks cluster first, then database, then collection.
  for (const m of members) if (!levelOfSingle.has(m)) levelOfSingle.set(m, level);
}

export const PRIVILEGES: readonly PrivilegeInfo[] = Object.freeze(
  PRIVILEGE_ROWS.map(([name, objectType, since]) =>
    Object.freeze({ name, objectType, level: levelOfSingle.get(name) ?? null, since }),
  ),
);

const privilegeByName = new Map<string, PrivilegeInfo>(PRIVILEGES.map((p) => [p.name, p]));
const groupByName = new Map<string, BuiltinGroupInfo>(BUILTIN_PRIVILEGE_GROUPS.map((g) => [g.name, g]));
const groupByAlias = new Map<string, BuiltinGroupInfo>();
for (const g of BUILTIN_PRIVILEGE_GROUPS) for (const a of g.aliases) groupByAlias.set(a, g);
const legacyByName = new Map<string, LegacyGroupInfo>(LEGACY_PRIVILEGE_GROUPS.map((g) => [g.name, g]));

const objectTypeByName = new Map<string, ObjectType>();
for (const type of ['Collection', 'Global', 'User'] as const) {
  for (const n of OBJECT_TYPE_PRIVILEGES[type]) objectTypeByName.set(n, type);
}

// ---------------------------------------------------------------------------------------------
// Helpers.
// ---------------------------------------------------------------------------------------------

export function findPrivilege(name: string): PrivilegeInfo | undefined {
  return privilegeByName.get(name);
}

/** A v2 built-in group by exact (case-sensitive) name, or by one of its doc aliases (e.g. 'DB_RO'). */
export function findBuiltinGroup(nameOrAlias: string): BuiltinGroupInfo | undefined {
  return groupByName.get(nameOrAlias) ?? groupByAlias.get(nameOrAlias);
}

/** util.IsBuiltinPrivilegeGroup on S_NEW: a v2 built-in group or a legacy ReadOnly/ReadWrite/Admin group. */
export function isBuiltinGroupName(name: string): boolean {
  return groupByName.has(name) || legacyByName.has(name);
}

/** util.GetObjectType: the object type listing the name in ObjectPrivileges, default Global. */
export function objectTypeOf(privilegeOrGroup: string): ObjectType {
  return objectTypeByName.get(privilegeOrGroup) ?? 'Global';
}

/**
 * v2 level. For a single privilege this is util.GetPrivilegeLevel (null for 'All' and unknown names).
 * For a v2 built-in group it is the group's level (what the rootcoord derives from the group's first
 * member). Legacy groups have none (null).
 */
export function privilegeLevelOf(privilegeOrGroup: string): PrivilegeLevel | null {
  const g = groupByName.get(privilegeOrGroup);
  if (g) return g.level;
  return levelOfSingle.get(privilegeOrGroup) ?? null;
}

/** util.IsPrivilegeNameDefined: a built-in privilege or a built-in group name (v2 or legacy). */
export function isDefinedPrivilegeName(name: string): boolean {
  return privilegeByName.has(name) || isBuiltinGroupName(name);
}
