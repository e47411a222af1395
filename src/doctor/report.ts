import type { MilvusConnection } from '../milvus/connection.js';
import { catalogueAt } from '../model/catalogue-at-version.js';
import { ADMIN_ROLE, DEFAULT_OBJECT_LIMITS, ROOT_USER } from '../model/names.js';
import { isZilliz, ZILLIZ_CLOUD } from '../model/platform.js';
import type { ZillizFeature } from '../model/platform.js';
import { formatVersion } from '../model/versions.js';
import { JSON_FORMAT_VERSION } from '../report/format-version.js';
import type { Probe, ReadProbes, ServerIdentity } from './probe.js';

/**
 * What `rbac doctor` found, and what follows from it: what the tool will do on this target, and
 * the `target:` settings a policy for it should declare.
 */

export interface GroupDifference {
  readonly group: string;
  /** Members the server lists that Milvus's own group of this version does not have. */
  readonly extra: readonly string[];
  readonly missing: readonly string[];
}

export interface DoctorReport {
  readonly formatVersion: number;
  readonly address: string;
  readonly server: {
    readonly reported: string;
    readonly description: string;
    /** The Milvus version the tool plans for. */
    readonly milvusVersion: string;
    readonly platform: string;
    readonly tier?: string;
  };
  readonly caller: { readonly user: string | null; readonly roles: readonly string[] | null; readonly passesEveryCheck: boolean | null; readonly grants: readonly string[] };
  readonly counts: { readonly users: number | null; readonly roles: number | null; readonly customPrivilegeGroups: number | null };
  readonly limits: { readonly maxUsers: number; readonly maxRoles: number; readonly source: string };
  readonly probes: readonly Probe[];
  readonly writeProbe: 'not run' | 'run';
  readonly leftBehind: readonly string[];
  /** Built-in groups whose members differ from Milvus's for this version. */
  readonly builtinGroupDifferences: readonly GroupDifference[];
  /** What the tool will do here, one sentence each. */
  readonly conclusions: readonly string[];
  /** The `target:` block to declare, as YAML. */
  readonly targetSettings: string;
}

const answer = (probes: readonly Probe[], call: string): Probe['answer'] | undefined => probes.find((p) => p.call === call)?.answer;
const byName = (probes: readonly Probe[], name: string): Probe['answer'] | undefined => probes.find((p) => p.name === name)?.answer;

function groupDifferences(conn: MilvusConnection, read: ReadProbes): GroupDifference[] {
  const ours = new Map(catalogueAt(conn.version).builtinGroups.map((g) => [g.name, new Set(g.privileges)]));
  return (read.builtinGroups ?? []).flatMap((g) => {
    const expected = ours.get(g.name);
    if (!expected) return [];
    const listed = new Set(g.privileges);
    const extra = [...listed].filter((p) => !expected.has(p)).sort();
    const missing = [...expected].filter((p) => !listed.has(p)).sort();
    return extra.length + missing.length > 0 ? [{ group: g.name, extra, missing }] : [];
  });
}

/** Zilliz features the write probe showed enabled (null when it did not run). */
function enabledZillizFeatures(writes: readonly Probe[] | null): ZillizFeature[] | null {
  if (!writes) return null;
  const out: ZillizFeature[] = [];
  if (byName(writes, 'create a custom privilege group') === 'supported') out.push('customPrivilegeGroups');
  if (byName(writes, 'grant a single privilege by level (v2)') === 'supported') out.push('individualPrivileges');
  return out;
}

export function buildReport(conn: MilvusConnection, id: ServerIdentity, read: ReadProbes, writes: { probes: Probe[]; leftBehind: string[] } | null): DoctorReport {
  const zilliz = isZilliz(conn.platform);
  const probes = [...read.probes, ...(writes?.probes ?? [])];
  const superUser = zilliz ? ZILLIZ_CLOUD.defaultUser : ROOT_USER;
  const adminRole = zilliz ? ZILLIZ_CLOUD.adminRole : ADMIN_ROLE;
  const passes = conn.user ? conn.user === superUser || (read.callerRoles ?? []).includes(adminRole) || (read.callerRoles ?? []).includes(ADMIN_ROLE) : null;
  const enabled = zilliz ? enabledZillizFeatures(writes?.probes ?? null) : null;
  const limits = zilliz ? { ...ZILLIZ_CLOUD.limits, source: 'Zilliz Cloud Dedicated (docs.zilliz.com/docs/limits)' } : { ...DEFAULT_OBJECT_LIMITS, source: "Milvus's defaults (proxy.maxUserNum, proxy.maxRoleNum); declare target.limits when the server raised them" };
  const version = formatVersion(conn.version);
  const conclusions: string[] = [];
  conclusions.push(`plans for Milvus ${version}${zilliz ? ` on Zilliz Cloud (${conn.platform?.tier ?? 'dedicated'})` : ''}${id.reported === conn.versionString ? '' : `, read from "${id.description || id.reported}"`}`);
  conclusions.push(
    !conn.features.grantV2
      ? 'grants by object only (OperatePrivilege, v1): this version has no grants by level'
      : conn.features.v1Grants
        ? 'grants built-in and custom groups and cluster-wide grants by level (OperatePrivilegeV2), single privileges by object (OperatePrivilege)'
        : 'grants by level only (OperatePrivilegeV2): this platform refuses OperatePrivilege',
  );
  conclusions.push(answer(read.probes, 'BackupRBAC') === 'supported' && conn.features.backupRbac ? 'reads the live state in one BackupRBAC call' : 'reads the live state role by role (SelectRole, SelectGrant per role and database)');
  const groups = answer(read.probes, 'ListPrivilegeGroups');
  if (!conn.features.privilegeGroups) conclusions.push('manages no privilege groups: this version has none');
  else if (zilliz && enabled !== null && !enabled.includes('customPrivilegeGroups')) conclusions.push('manages no custom privilege groups: Zilliz has not enabled them here (the write probe was refused)');
  else conclusions.push(groups === 'supported' ? 'manages custom privilege groups' : `cannot list privilege groups (${groups ?? 'not asked'}): the caller needs ListPrivilegeGroups`);
  conclusions.push(conn.features.descriptions ? 'manages role and user descriptions' : 'leaves descriptions alone (Milvus 2.6.19+ has them)');
  if (conn.features.grantsFollowCollection) conclusions.push('knows grants follow their collection on rename and drop, and may name collections that do not exist yet');
  conclusions.push(conn.user ? `protects ${conn.user} (the caller) from plans that would lock it out` : 'cannot tell which steps affect the caller (the token names no user, e.g. an API key): lock-out protection is off');
  // BackupRBAC is a shortcut: without it the state is read role by role.
  const denied = probes.filter((p) => p.answer === 'denied' && p.call !== 'BackupRBAC').map((p) => p.call);
  if (denied.length > 0) conclusions.push(`the caller is denied ${[...new Set(denied)].join(', ')}: plan and apply need these`);
  return {
    formatVersion: JSON_FORMAT_VERSION,
    address: conn.address,
    server: { reported: id.reported, description: id.description, milvusVersion: version, platform: conn.platform?.name ?? 'milvus', ...(conn.platform?.tier ? { tier: conn.platform.tier } : {}) },
    caller: { user: conn.user || null, roles: read.callerRoles ?? null, passesEveryCheck: passes, grants: read.callerGrants ?? [] },
    counts: { users: read.users?.length ?? null, roles: read.roles?.length ?? null, customPrivilegeGroups: read.customGroups?.length ?? null },
    limits,
    probes,
    writeProbe: writes ? 'run' : 'not run',
    leftBehind: writes?.leftBehind ?? [],
    builtinGroupDifferences: groupDifferences(conn, read),
    conclusions,
    targetSettings: targetSettings(version, zilliz, conn.platform?.tier, enabled),
  };
}

function targetSettings(version: string, zilliz: boolean, tier: string | undefined, enabled: ZillizFeature[] | null): string {
  const lines = ['target:', `  minVersion: "${version.replace(/\.0$/, '')}"`];
  if (zilliz) {
    lines.push('  platform: zilliz-cloud');
    const parts = [...(tier && tier !== 'dedicated' ? [`    tier: ${tier}`] : []), ...(enabled && enabled.length > 0 ? [`    enabled: [${enabled.join(', ')}]`] : [])];
    if (parts.length > 0) lines.push('  zillizCloud:', ...parts);
    if (enabled === null) lines.push('  # run rbac doctor --write-probe to learn which gated features Zilliz enabled here');
  }
  return `${lines.join('\n')}\n`;
}
