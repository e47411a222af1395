import { unknownPrivilegesIn } from '../policy/index.js';
import type { DesiredState, DesiredUser, NameMatcher, ServerSettings } from '../model/desired.js';
import { canonicalState, grantKey } from '../model/canonical.js';
import { ADMIN_ROLE, PUBLIC_ROLE, ROOT_USER, publicDefaultGrants } from '../model/names.js';
import { isZilliz, ZILLIZ_CLOUD } from '../model/platform.js';
import type { Platform } from '../model/platform.js';
import { matchesName } from '../model/scope.js';
import type { Grant, PrivilegeGroupState, RbacState, RoleState } from '../model/types.js';
import type { MilvusVersion } from '../model/versions.js';
import { compareVersions } from '../model/versions.js';

/**
 * Which part of a live instance an export adopts. Empty: everything the tool can own (every
 * user but root, every role but admin, public when its grants differ from a fresh Milvus's,
 * every custom group).
 */
export interface ExportSelection {
  /** Name prefixes, applied to users, roles and privilege groups alike. */
  readonly prefixes?: readonly string[];
  readonly users?: readonly string[];
  readonly roles?: readonly string[];
  readonly privilegeGroups?: readonly string[];
}

export interface SelectedForExport {
  readonly desired: DesiredState;
  /** Whether the policy must spell its scope out (a partial export). */
  readonly partial: boolean;
  /** References the export leaves outside its scope, for the operator to read. */
  readonly notes: readonly string[];
  /** Custom groups the exported roles are granted but the export leaves out. */
  readonly externalGroups: readonly PrivilegeGroupState[];
}

export interface ExportOptions {
  /**
   * The server's configuration, which Milvus does not report. `enablePublicPrivilege: false`
   * means a fresh server gives `public` no grants, so any grant `public` holds is policy.
   */
  readonly serverSettings?: ServerSettings;
  /** The server's version, whose defaults a fresh server gives `public`; absent: any release's. */
  readonly version?: MilvusVersion;
  /** Zilliz Cloud: its db_admin user and built-in roles are Zilliz's, never exported. */
  readonly platform?: Platform;
}

export class ExportSelectionError extends Error {}

/** One set of defaults `public` gets at start-up, and the first release that gives it. */
interface PublicDefaults {
  readonly since: MilvusVersion;
  readonly keys: ReadonlySet<string>;
}

let history: readonly PublicDefaults[] | undefined;

/**
 * Every distinct set names.ts's publicDefaultGrants gives, oldest release first, found by asking
 * it release by release so names.ts stays the one place that knows them.
 */
function publicDefaultsHistory(): readonly PublicDefaults[] {
  if (history) return history;
  const out: PublicDefaults[] = [];
  const versions: MilvusVersion[] = [];
  for (let minor = 0; minor < 20; minor++) for (let patch = 0; patch < 100; patch++) versions.push({ major: 2, minor, patch });
  versions.push({ major: 3, minor: 0, patch: 0 });
  for (const since of versions) {
    const keys = new Set(canonicalGrants(publicDefaultGrants(since)).map(grantKey));
    const last = out.at(-1);
    if (!last || last.keys.size !== keys.size || [...keys].some((k) => !last.keys.has(k))) out.push({ since, keys });
  }
  history = out;
  return out;
}

function canonicalGrants(grants: readonly Grant[]): readonly Grant[] {
  return canonicalState({ users: [], roles: [{ name: PUBLIC_ROLE, grants: [...grants] }], privilegeGroups: [] }).roles[0]?.grants ?? [];
}

/**
 * Whether `public` holds only what Milvus gave it itself. With enablePublicPrivilege false a
 * fresh server gives nothing (internal/rootcoord/root_coord.go initRbac). Otherwise every start
 * grants the running release's defaults and never revokes older ones, so an upgraded server holds
 * its release's set plus some of earlier releases': untouched means at least the set of the
 * release (of some release, when the version is unknown) and nothing beyond the sets up to it.
 */
function publicIsUntouched(role: RoleState, options: ExportOptions): boolean {
  if (options.serverSettings?.enablePublicPrivilege === false) return role.grants.length === 0;
  const held = new Set(role.grants.map(grantKey));
  const sets = publicDefaultsHistory();
  const upTo = options.version;
  // The sets are in release order: the release's own set is the last one starting at or before it.
  const candidates = upTo ? [sets.filter((d) => compareVersions(d.since, upTo) <= 0).length - 1] : sets.map((_, i) => i);
  return candidates.some((i) => {
    const current = sets[i];
    if (!current || [...current.keys].some((k) => !held.has(k))) return false;
    const allowed = new Set(sets.slice(0, i + 1).flatMap((d) => [...d.keys]));
    return [...held].every((k) => allowed.has(k));
  });
}

/** public keeps what every fresh Milvus gives it unless someone changed it: only then is it policy. */
function publicIsChanged(role: RoleState, options: ExportOptions): boolean {
  return !publicIsUntouched(role, options);
}

function isPartial(selection: ExportSelection): boolean {
  return [selection.prefixes, selection.users, selection.roles, selection.privilegeGroups].some((list) => (list?.length ?? 0) > 0);
}

function matcherFor(names: readonly string[] | undefined, prefixes: readonly string[] | undefined): NameMatcher {
  return { names: [...(names ?? [])].sort(), prefixes: [...(prefixes ?? [])] };
}

function missing(kind: string, asked: readonly string[] | undefined, present: readonly string[]): string[] {
  const have = new Set(present);
  return (asked ?? []).filter((name) => !have.has(name)).map((name) => `${kind} "${name}" does not exist on the server`);
}

/**
 * Built-ins are adopted only when named: a prefix must never make a policy own root, admin or
 * public, whose scope rules differ (they are never dropped).
 */
function selectNames(all: readonly string[], matcher: NameMatcher, builtins: ReadonlySet<string>): string[] {
  return all.filter((name) => (builtins.has(name) ? matcher.names?.includes(name) ?? false : matchesName(matcher, name)));
}

export function selectForExport(live: RbacState, selection: ExportSelection = {}, options: ExportOptions = {}): SelectedForExport {
  const partial = isPartial(selection);
  const problems = [
    ...missing('user', selection.users, live.users.map((u) => u.name)),
    ...missing('role', selection.roles, live.roles.map((r) => r.name)),
    ...missing('privilege group', selection.privilegeGroups, live.privilegeGroups.map((g) => g.name)),
  ];
  if (problems.length > 0) throw new ExportSelectionError(`${problems.join('; ')}: nothing was exported`);

  const zilliz = isZilliz(options.platform);
  const builtinUsers = new Set(zilliz ? [ROOT_USER, ZILLIZ_CLOUD.defaultUser] : [ROOT_USER]);
  const builtinRoles = new Set(zilliz ? [ADMIN_ROLE, PUBLIC_ROLE, ...ZILLIZ_CLOUD.builtinRoles] : [ADMIN_ROLE, PUBLIC_ROLE]);
  let userNames: string[];
  let roleNames: string[];
  let groupNames: string[];
  let scope: DesiredState['scope'];
  if (partial) {
    scope = {
      users: matcherFor(selection.users, selection.prefixes),
      roles: matcherFor(selection.roles, selection.prefixes),
      privilegeGroups: matcherFor(selection.privilegeGroups, selection.prefixes),
    };
    userNames = selectNames(live.users.map((u) => u.name), scope.users, builtinUsers);
    roleNames = selectNames(live.roles.map((r) => r.name), scope.roles, builtinRoles);
    groupNames = selectNames(live.privilegeGroups.map((g) => g.name), scope.privilegeGroups, new Set());
  } else {
    userNames = live.users.map((u) => u.name).filter((name) => !builtinUsers.has(name));
    roleNames = live.roles.filter((r) => r.name !== ADMIN_ROLE && !(zilliz && builtinRoles.has(r.name)) && (r.name !== PUBLIC_ROLE || publicIsChanged(r, options))).map((r) => r.name);
    groupNames = live.privilegeGroups.map((g) => g.name);
    scope = { users: { names: userNames }, roles: { names: roleNames }, privilegeGroups: { names: groupNames } };
  }

  const users = new Set(userNames);
  const roles = new Set(roleNames);
  const groups = new Set(groupNames);
  const state: RbacState = {
    users: live.users.filter((u) => users.has(u.name)),
    roles: live.roles.filter((r) => roles.has(r.name)),
    privilegeGroups: live.privilegeGroups.filter((g) => groups.has(g.name)),
  };

  const liveGroups = new Set(live.privilegeGroups.map((g) => g.name));
  const notes: string[] = [];
  const externalGroups = new Set<string>();
  for (const user of state.users) {
    for (const role of user.roles) {
      if (!roles.has(role) && !builtinRoles.has(role)) notes.push(`user "${user.name}" is bound to role "${role}", which is left outside the export: the policy assumes it exists`);
    }
  }
  for (const role of state.roles) {
    const outside = new Set(role.grants.map((g) => g.privilege).filter((p) => liveGroups.has(p) && !groups.has(p)));
    for (const group of outside) {
      externalGroups.add(group);
      notes.push(`role "${role.name}" is granted privilege group "${group}", which is left outside the export: the policy assumes it exists`);
    }
  }
  const unknown = unknownPrivilegesIn(state, new Map(live.privilegeGroups.map((g) => [g.name, g])));
  if (unknown.length > 0) {
    notes.push(`${unknown.join(', ')} ${unknown.length === 1 ? 'is a privilege' : 'are privileges'} this tool does not know (a newer Milvus's?): exported as granted, by object, and declared under target.serverPrivileges`);
  }

  const desiredUsers: Record<string, DesiredUser> = {};
  for (const user of state.users) desiredUsers[user.name] = { updatePassword: false, protect: user.name === ROOT_USER };
  // The server's descriptions become the policy's: exported, they are owned from then on.
  const describedRoles = Object.fromEntries(state.roles.filter((r) => r.description).map((r) => [r.name, r.description as string]));
  const describedUsers = Object.fromEntries(state.users.filter((u) => u.description).map((u) => [u.name, u.description as string]));
  const descriptions = Object.keys(describedRoles).length + Object.keys(describedUsers).length > 0 ? { descriptions: { roles: describedRoles, users: describedUsers } } : {};
  // A role owns its members; one exported without some of its users keeps them bound.
  const exportedUsers = new Set(state.users.map((u) => u.name));
  // Built once: asked per exported role, a scan of every user's roles would grow as roles × users.
  const heldOutside = new Set(live.users.filter((u) => u.name !== ROOT_USER && !exportedUsers.has(u.name)).flatMap((u) => u.roles));
  const keeping = state.roles
    .map((r) => r.name)
    .filter((role) => heldOutside.has(role))
    .sort();
  const keep = keeping.length > 0 ? { rolesKeepingOutsideMembers: keeping } : {};
  return {
    desired: { state, users: desiredUsers, protectedRoles: [], protectedPrivilegeGroups: [], scope, databases: [], ...descriptions, ...keep },
    partial,
    notes,
    externalGroups: live.privilegeGroups.filter((g) => externalGroups.has(g.name)),
  };
}
