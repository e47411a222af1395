import type { ObjectType, PrivilegeLevel } from './types.js';
import { atLeast, NEWEST_KNOWN_VERSION } from './versions.js';

/**
 * The Milvus privilege catalogue: every built-in privilege, the built-in privilege groups (v2 and
 * legacy), the v1 object-type table and the "related privileges" the proxy adds to v1 grants.
 * Where each fact comes from, and which are assumptions: docs/milvus-behaviour.md, "The privilege
 * catalogue".
 */

export interface PrivilegeInfo {
  /** API name, e.g. 'Search', 'All'. */
  readonly name: string;
  /** The object type Milvus stores it under (util.GetObjectType: its ObjectPrivileges list, else Global). */
  readonly objectType: ObjectType;
  /** In an ObjectPrivileges list, so a v1 grant accepts it; the others are granted with v2 only. */
  readonly v1Grantable: boolean;
  /** GetPrivilegeLevel (v2 level) in the newest release known, or null when none. */
  readonly level: PrivilegeLevel | null;
  /** Milvus version that introduced it. */
  readonly since: string;
  /** On Milvus's main branch, in no release yet: known only to versions newer than every release known. */
  readonly mainBranch: boolean;
}

/** What a privilege on Milvus's main branch counts as having arrived in: the release after the newest known. */
const MAIN_BRANCH_SINCE = '3.1.0';

export interface BuiltinGroupInfo {
  readonly name: string;
  /** Short names used in the Milvus documentation, e.g. ['COLL_RO']. */
  readonly aliases: readonly string[];
  readonly level: PrivilegeLevel;
  /** The members of 2.4.18 to 2.5.x, in server order; `groupMembersAt` has them per version. */
  readonly members: readonly string[];
  readonly since: string;
}

export type LegacyGroupName = 'ReadOnly' | 'ReadWrite' | 'Admin';

export interface LegacyGroupInfo {
  readonly name: LegacyGroupName;
  readonly objectType: ObjectType;
  /** As `BuiltinGroupInfo.members`. */
  readonly members: readonly string[];
}

export const ALL_PRIVILEGE = 'All';
export const ANY = '*';

// Single privileges, in the server's ObjectPrivileges order: [name, v1 object type or null when in
// no ObjectPrivileges list (granted with v2 only), since].
type Row = readonly [name: string, objectType: ObjectType | null, since: string];

const PRIVILEGE_ROWS: readonly Row[] = [
  // Collection
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
  ['GetImportProgress', 'Collection', '2.6.0'],
  ['ListImport', 'Collection', '2.6.0'],
  ['AddCollectionField', 'Collection', '2.6.0'],
  ['CreateSnapshot', 'Collection', '3.0.0'],
  ['DropSnapshot', 'Collection', '3.0.0'],
  ['DescribeSnapshot', 'Collection', '3.0.0'],
  ['ListSnapshots', 'Collection', '3.0.0'],
  ['RestoreSnapshot', 'Collection', '3.0.0'],
  ['AlterCollectionSchema', 'Collection', '3.0.0'],
  ['RefreshExternalCollection', 'Collection', '3.0.0'],
  // Global (single privileges only)
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
  ['UpdateReplicateConfiguration', 'Global', '2.6.6'],
  ['PinSnapshotData', 'Global', '3.0.0'],
  ['UnpinSnapshotData', 'Global', '3.0.0'],
  ['RestoreExternalSnapshot', 'Global', '3.0.0'],
  ['ExportSnapshot', 'Global', '3.0.0'],
  ['Expr', 'Global', '3.0.0'],
  // User
  ['UpdateUser', 'User', '2.2.0'],
  ['SelectUser', 'User', '2.2.0'],
  // In the ObjectPrivilege enum only: a v2 grant accepts them, a v1 grant does not.
  ['AddFileResource', null, '2.6.1'],
  ['RemoveFileResource', null, '2.6.1'],
  ['ListFileResources', null, '2.6.1'],
  ['GetReplicateConfiguration', null, '2.6.12'],
  ['SkipRLS', null, MAIN_BRANCH_SINCE],
  ['ViewRLS', null, MAIN_BRANCH_SINCE],
  ['ManageRLS', null, MAIN_BRANCH_SINCE],
  ['ImportBinlog', null, MAIN_BRANCH_SINCE],
];

// The nine v2 built-in groups (their defaults; a server may override them). Each higher group is
// the lower one plus extras, as Milvus builds them.
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

type GroupName = (typeof BUILTIN_PRIVILEGE_GROUPS)[number]['name'] | LegacyGroupName;

/** What a release changed in the built-in groups' default members, each group's own additions in order. */
interface GroupChange {
  readonly since: string;
  readonly add: Partial<Record<GroupName, readonly string[]>>;
  readonly remove?: Partial<Record<GroupName, readonly string[]>>;
}

const GROUP_CHANGES: readonly GroupChange[] = [
  {
    since: '2.6.0',
    add: {
      CollectionReadOnly: ['GetImportProgress', 'ListImport'],
      CollectionReadWrite: ['GetImportProgress', 'ListImport', 'AddCollectionField'],
      CollectionAdmin: ['GetImportProgress', 'ListImport', 'AddCollectionField'],
    },
  },
  { since: '2.6.6', add: { ClusterAdmin: ['UpdateReplicateConfiguration'], Admin: ['UpdateReplicateConfiguration'] } },
  // In the code's defaults from 2.6.12, but the milvus.yaml shipped with 2.6.12 to 2.6.15 still set
  // the groups without it, and a server with that file lists them so.
  {
    since: '2.6.16',
    add: {
      ClusterReadOnly: ['GetReplicateConfiguration'],
      ClusterReadWrite: ['GetReplicateConfiguration'],
      ClusterAdmin: ['GetReplicateConfiguration'],
    },
  },
  {
    since: '3.0.0',
    add: {
      CollectionReadOnly: ['DescribeSnapshot', 'ListSnapshots'],
      CollectionReadWrite: ['DescribeSnapshot', 'ListSnapshots', 'AlterCollectionSchema', 'RefreshExternalCollection', 'CreateSnapshot', 'DropSnapshot'],
      CollectionAdmin: ['DescribeSnapshot', 'ListSnapshots', 'AlterCollectionSchema', 'RefreshExternalCollection', 'CreateSnapshot', 'DropSnapshot', 'RestoreSnapshot'],
      DatabaseAdmin: ['RenameCollection'],
      ClusterReadOnly: ['ListFileResources'],
      ClusterReadWrite: ['ListFileResources', 'AddFileResource', 'RemoveFileResource', 'PinSnapshotData', 'UnpinSnapshotData'],
      ClusterAdmin: ['ListFileResources', 'AddFileResource', 'RemoveFileResource', 'PinSnapshotData', 'UnpinSnapshotData', 'Expr', 'RestoreExternalSnapshot', 'ExportSnapshot'],
      ReadOnly: ['DescribeSnapshot', 'ListSnapshots'],
      ReadWrite: ['CreateSnapshot', 'DropSnapshot', 'DescribeSnapshot', 'ListSnapshots', 'RefreshExternalCollection'],
      Admin: ['CreateSnapshot', 'DropSnapshot', 'DescribeSnapshot', 'ListSnapshots', 'RestoreSnapshot', 'ExportSnapshot', 'RestoreExternalSnapshot', 'PinSnapshotData', 'UnpinSnapshotData', 'RefreshExternalCollection'],
    },
    // RenameCollection became a database-level privilege.
    remove: { ClusterAdmin: ['RenameCollection'], ReadWrite: ['RenameCollection'] },
  },
];

/** The default members of a built-in or legacy group on a version (what ListPrivilegeGroups lists). */
export function groupMembersAt(name: GroupName, base: readonly string[], isAtLeast: (since: string) => boolean): readonly string[] {
  let members = [...base];
  for (const change of GROUP_CHANGES) {
    if (!isAtLeast(change.since)) continue;
    const removed = new Set(change.remove?.[name] ?? []);
    members = [...members.filter((m) => !removed.has(m)), ...(change.add[name] ?? []).filter((m) => !members.includes(m))];
  }
  return members;
}

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

// Legacy groups ReadOnly / ReadWrite / Admin, first occurrence of each member kept.
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

// A v1 grant or revoke of Load (Flush) also grants or revokes these, on versions that add them.
export const RELATED_PRIVILEGES: Readonly<Record<string, readonly string[]>> = Object.freeze({
  Load: Object.freeze(['GetLoadState', 'GetLoadingProgress']),
  Flush: Object.freeze(['GetFlushState']),
});

// v1 grants: the names each object type accepts, group names included (v1 still refuses the nine
// v2 names and custom groups by name; see the engine).
function namesOf(type: ObjectType): string[] {
  return PRIVILEGE_ROWS.filter((r) => r[1] === type).map((r) => r[0]);
}

/** Privilege names to the version that brought them, for the version-aware view. */
export const PRIVILEGE_SINCE: ReadonlyMap<string, string> = new Map(PRIVILEGE_ROWS.map((r) => [r[0], r[2]]));

const GLOBAL_NAMES: string[] = (() => {
  // The server's order: … ListAliases, Admin, Create/Drop/List/OperatePrivilegeGroup, nine v2 groups.
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

/** GetPrivilegeLevel's table for a version: the first of ClusterAdmin, DatabaseAdmin, CollectionAdmin listing it. */
export function privilegeLevelsAt(isAtLeast: (since: string) => boolean): ReadonlyMap<string, PrivilegeLevel> {
  const levels = new Map<string, PrivilegeLevel>();
  for (const [name, base, level] of [
    ['ClusterAdmin', CLUSTER_ADMIN, 'cluster'],
    ['DatabaseAdmin', DB_ADMIN, 'database'],
    ['CollectionAdmin', COLL_ADMIN, 'collection'],
  ] as const) {
    for (const m of groupMembersAt(name, base, isAtLeast)) if (!levels.has(m)) levels.set(m, level);
  }
  return levels;
}

const newestLevels = privilegeLevelsAt((since) => atLeast(NEWEST_KNOWN_VERSION, since));

export const PRIVILEGES: readonly PrivilegeInfo[] = Object.freeze(
  PRIVILEGE_ROWS.map(([name, objectType, since]) =>
    Object.freeze({
      name,
      objectType: objectType ?? 'Global',
      v1Grantable: objectType !== null,
      level: newestLevels.get(name) ?? null,
      since,
      mainBranch: since === MAIN_BRANCH_SINCE,
    }),
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

/** util.IsBuiltinPrivilegeGroup: a v2 built-in group or a legacy ReadOnly/ReadWrite/Admin group. */
export function isBuiltinGroupName(name: string): boolean {
  return groupByName.has(name) || legacyByName.has(name);
}

/** util.GetObjectType: the object type listing the name in ObjectPrivileges, default Global. */
export function objectTypeOf(privilegeOrGroup: string): ObjectType {
  return objectTypeByName.get(privilegeOrGroup) ?? 'Global';
}

/** util.IsPrivilegeNameDefined: a built-in privilege or a built-in group name (v2 or legacy). */
export function isDefinedPrivilegeName(name: string): boolean {
  return privilegeByName.has(name) || isBuiltinGroupName(name);
}

/**
 * util.GetPrivilegeLevel in the newest release known: the level of a single privilege; null for
 * `All`, group names and unknown names. `catalogueAt(version).levelOf` answers for one version.
 */
export function singlePrivilegeLevel(name: string): PrivilegeLevel | null {
  return newestLevels.get(name) ?? null;
}

export function isLegacyGroupName(name: string): boolean {
  return legacyByName.has(name);
}
