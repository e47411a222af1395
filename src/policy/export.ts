import { Document, isMap, isScalar, visit } from 'yaml';
import { canonicalState } from '../model/canonical.js';
import type { DesiredState, NameMatcher } from '../model/desired.js';
import { DEFAULT_DATABASE, ROOT_USER } from '../model/names.js';
import type { Grant, ObjectType, PrivilegeGroupState, PrivilegeLevel, RbacState } from '../model/types.js';
import { featuresOf, parseMilvusVersion } from '../model/versions.js';
import type { MilvusVersion } from '../model/versions.js';
import { builtinGroup, isLegacyGroup, isSinglePrivilege, isValidForObjectType, levelOfPrivilege, objectTypeOfPrivilege } from './privileges.js';
import { POLICY_FORMAT_VERSION } from './schema.js';
import { isZilliz } from '../model/platform.js';
import type { Platform } from '../model/platform.js';

export interface ExportOptions {
  /** Written as target.minVersion; also picks the grant form (by level from 2.5 on, by object before). */
  readonly targetVersion?: string;
  /** Zilliz Cloud: written as target.platform, and every grant by level (it refuses grants by object). */
  readonly platform?: Platform;
  /** Path or URL of policy.schema.json for the editor comment on the first line. */
  readonly schema?: string;
  /**
   * Which form to write a grant in when both would give the same stored grant. Default: by level
   * when the target has grants by level (featuresOf().grantV2) or the state needs them anyway, else
   * by object.
   */
  readonly preferForm?: 'level' | 'object';
  /** Environment variable to name for a user's password when none is known. Default RBAC_PASSWORD_<NAME>. */
  readonly passwordEnv?: (user: string) => string;
  /**
   * Write `scope` for every kind even where it would only repeat the defined names: an export of
   * part of an instance says what it owns, and roles and groups it leaves out become external.
   */
  readonly explicitScope?: boolean;
  /**
   * Custom groups the state's grants may name without defining them (left outside a partial
   * export): their members decide which grant form can express a grant of them.
   */
  readonly externalGroups?: readonly PrivilegeGroupState[];
}

type Json = string | number | boolean | Json[] | { [key: string]: Json };

const LEVEL_RANK: Readonly<Record<PrivilegeLevel, number>> = { collection: 0, database: 1, cluster: 2 };
const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Privilege names granted in `state`, or members of its groups, that are neither in the catalogue nor custom groups. */
export function unknownPrivilegesIn(state: RbacState, customGroups: ReadonlyMap<string, unknown>): string[] {
  const unknown = (name: string): boolean =>
    name !== '*' && !customGroups.has(name) && !isSinglePrivilege(name) && !builtinGroup(name) && !isLegacyGroup(name);
  const names = new Set<string>();
  for (const role of state.roles) for (const g of role.grants) if (unknown(g.privilege)) names.add(g.privilege);
  for (const group of state.privilegeGroups) for (const p of group.privileges) if (unknown(p)) names.add(p);
  return [...names].sort();
}

function isDesired(input: DesiredState | RbacState): input is DesiredState {
  return 'state' in input;
}

/**
 * Custom group name → the level of its members (undefined when empty or of no level), with the
 * target version whose levels single privileges have (the newest known when none).
 */
type GroupLevels = ReadonlyMap<string, PrivilegeLevel | undefined> & { readonly version: MilvusVersion | undefined };

function groupLevels(groups: readonly PrivilegeGroupState[], version: MilvusVersion | undefined): GroupLevels {
  const levels = new Map(groups.map((group) => [group.name, group.privileges[0] === undefined ? undefined : levelOfPrivilege(group.privileges[0], version)]));
  return Object.assign(levels, { version });
}

function ownLevel(privilege: string, customGroups: GroupLevels): PrivilegeLevel | undefined {
  return builtinGroup(privilege)?.level ?? (customGroups.has(privilege) ? customGroups.get(privilege) : levelOfPrivilege(privilege, customGroups.version));
}

/** The v2 level a stored grant corresponds to, or undefined when only a grant by object can produce it. */
function levelFormOf(g: Grant, customGroups: GroupLevels): PrivilegeLevel | undefined {
  const isGroup = builtinGroup(g.privilege) !== undefined || customGroups.has(g.privilege);
  if (!isGroup && !isSinglePrivilege(g.privilege)) return undefined;
  if (g.objectType !== objectTypeOfPrivilege(g.privilege)) return undefined;
  const own = ownLevel(g.privilege, customGroups);
  const level: PrivilegeLevel = g.dbName === '*' ? 'cluster' : g.objectName === '*' ? 'database' : 'collection';
  if (g.dbName === '*' && g.objectName !== '*') return undefined;
  if (own && LEVEL_RANK[own] > LEVEL_RANK[level]) return undefined;
  return level;
}

/**
 * Whether a grant by object reproduces exactly this tuple. (What Milvus adds beside Load and Flush
 * is left out of canonical states on every side, so it needs no care here.)
 */
function objectFormFits(g: Grant, customGroups: GroupLevels): boolean {
  if ((g.dbName === '*' && g.objectName !== '*') || customGroups.has(g.privilege)) return false;
  if (!isValidForObjectType(g.privilege, g.objectType)) return false;
  return g.objectType !== 'Global' || g.objectName === '*';
}

/** Groups `key → members` into `members-signature → keys`, the step that turns tuples back into lists. */
function bySignature(map: Map<string, Set<string>>): Map<string, { keys: string[]; members: string[] }> {
  const out = new Map<string, { keys: string[]; members: string[] }>();
  for (const [key, members] of map) {
    const sorted = [...members].sort(byText);
    const signature = sorted.join('\u0000');
    const entry = out.get(signature) ?? { keys: [], members: sorted };
    entry.keys.push(key);
    out.set(signature, entry);
  }
  for (const entry of out.values()) entry.keys.sort(byText);
  return out;
}

function listOrOne(values: readonly string[]): Json {
  return values.length === 1 ? (values[0] as string) : [...values];
}

/** Grants by object, compacted: object names sharing privileges merge, then databases sharing both. */
function objectEntries(grants: readonly Grant[]): Json[] {
  const perPlace = new Map<string, Map<string, Set<string>>>();
  for (const g of grants) {
    const place = `${g.objectType}\u0000${g.dbName}`;
    const names = perPlace.get(place) ?? new Map<string, Set<string>>();
    const privileges = names.get(g.objectName) ?? new Set<string>();
    privileges.add(g.privilege);
    names.set(g.objectName, privileges);
    perPlace.set(place, names);
  }
  const merged = new Map<string, { object: ObjectType; names: string[]; privileges: string[]; databases: string[] }>();
  for (const [place, names] of perPlace) {
    const [object, db] = place.split('\u0000') as [ObjectType, string];
    for (const { keys, members } of bySignature(names).values()) {
      const id = `${object}\u0000${keys.join(',')}\u0000${members.join(',')}`;
      const entry = merged.get(id) ?? { object, names: keys, privileges: members, databases: [] };
      entry.databases.push(db);
      merged.set(id, entry);
    }
  }
  return [...merged.values()]
    .map((e) => ({ ...e, databases: e.databases.sort(byText) }))
    .sort((a, b) => byText(a.object, b.object) || byText(a.databases.join(), b.databases.join()) || byText(a.names.join(), b.names.join()) || byText(a.privileges.join(), b.privileges.join()))
    .map((e) => {
      const out: Record<string, Json> = { object: e.object };
      if (!(e.names.length === 1 && e.names[0] === '*')) out.objectNames = listOrOne(e.names);
      if (!(e.databases.length === 1 && e.databases[0] === DEFAULT_DATABASE)) out.databases = listOrOne(e.databases);
      out.privileges = [...e.privileges];
      return out;
    });
}

function levelOfEntry(db: string, names: readonly string[], privileges: readonly string[], customGroups: GroupLevels): PrivilegeLevel {
  if (db === '*') return 'cluster';
  if (names.length !== 1 || names[0] !== '*') return 'collection';
  const widest = Math.max(...privileges.map((p) => LEVEL_RANK[ownLevel(p, customGroups) ?? 'collection']));
  return widest > LEVEL_RANK.collection ? 'database' : 'collection';
}

/** Grants by level, compacted the same way; the level is always written out, for the reader. */
function levelEntries(grants: readonly Grant[], customGroups: GroupLevels): Json[] {
  const perDb = new Map<string, Map<string, Set<string>>>();
  for (const g of grants) {
    const collections = perDb.get(g.dbName) ?? new Map<string, Set<string>>();
    const privileges = collections.get(g.objectName) ?? new Set<string>();
    privileges.add(g.privilege);
    collections.set(g.objectName, privileges);
    perDb.set(g.dbName, collections);
  }
  const merged = new Map<string, { level: PrivilegeLevel; names: string[]; privileges: string[]; databases: string[] }>();
  for (const [db, collections] of perDb) {
    // `*` and named collections give different levels, so they are never merged into one entry.
    const wildcard = new Map([...collections].filter(([name]) => name === '*'));
    const named = new Map([...collections].filter(([name]) => name !== '*'));
    for (const part of [wildcard, named]) {
      for (const { keys, members } of bySignature(part).values()) {
        const level = levelOfEntry(db, keys, members, customGroups);
        const id = `${level}\u0000${keys.join(',')}\u0000${members.join(',')}`;
        const entry = merged.get(id) ?? { level, names: keys, privileges: members, databases: [] };
        entry.databases.push(db);
        merged.set(id, entry);
      }
    }
  }
  return [...merged.values()]
    .map((e) => ({ ...e, databases: e.databases.sort(byText) }))
    .sort((a, b) => LEVEL_RANK[b.level] - LEVEL_RANK[a.level] || byText(a.databases.join(), b.databases.join()) || byText(a.names.join(), b.names.join()) || byText(a.privileges.join(), b.privileges.join()))
    .map((e) => {
      const out: Record<string, Json> = { level: e.level };
      if (e.level !== 'cluster') out.databases = listOrOne(e.databases);
      if (e.level === 'collection') out.collections = listOrOne(e.names);
      out.privileges = [...e.privileges];
      return out;
    });
}

function roleGrants(grants: readonly Grant[], preferLevels: boolean, customGroups: GroupLevels): Json[] {
  const byObject: Grant[] = [];
  const byLevel: Grant[] = [];
  for (const g of grants) {
    const level = levelFormOf(g, customGroups) !== undefined;
    const object = objectFormFits(g, customGroups);
    if (level && (preferLevels || !object)) byLevel.push(g);
    else byObject.push(g);
  }
  return [...levelEntries(byLevel, customGroups), ...objectEntries(byObject)];
}

function scopeEntry(matcher: NameMatcher, defined: readonly string[], explicit: boolean): Json | undefined {
  const onlyDefined = !explicit && !matcher.all && !matcher.prefixes?.length && !matcher.patterns?.length &&
    (matcher.names ?? []).join('\u0000') === [...defined].sort(byText).join('\u0000');
  if (onlyDefined) return undefined;
  if (matcher.all) return 'all';
  const out: Record<string, Json> = {};
  if (matcher.names?.length) out.names = [...matcher.names];
  if (matcher.prefixes?.length) out.prefixes = [...matcher.prefixes];
  if (matcher.patterns?.length) out.patterns = [...matcher.patterns];
  return Object.keys(out).length > 0 ? out : { names: [] };
}

function defaultPasswordEnv(user: string): string {
  return `RBAC_PASSWORD_${user.toUpperCase()}`;
}

/**
 * Writes a state (or a loaded policy's desired state) as policy YAML that loads back to the same
 * state: sorted, grants compacted into lists, built-in groups by name, and users' passwords as
 * environment variables to fill in.
 */
export function exportPolicy(input: DesiredState | RbacState, options: ExportOptions = {}): string {
  const desired = isDesired(input) ? input : undefined;
  const platform = options.platform ?? desired?.platform;
  const state: RbacState = canonicalState(desired ? desired.state : (input as RbacState));
  const version = options.targetVersion ? parseMilvusVersion(options.targetVersion) : null;
  const customGroups = groupLevels([...(options.externalGroups ?? []), ...state.privilegeGroups], version ?? undefined);
  const usesLevels = state.roles.some((r) => r.grants.some((g) => g.dbName === '*' || builtinGroup(g.privilege) || customGroups.has(g.privilege)));
  const preferLevels = isZilliz(platform)
    ? true
    : options.preferForm
    ? options.preferForm === 'level'
    : version
      ? featuresOf(version).grantV2
      : usesLevels || customGroups.size > 0;
  const passwordEnv = options.passwordEnv ?? defaultPasswordEnv;

  const policy: Record<string, Json> = { version: POLICY_FORMAT_VERSION };
  const target: Record<string, Json> = {};
  if (options.targetVersion) target.minVersion = options.targetVersion;
  if (isZilliz(platform)) {
    target.platform = 'zilliz-cloud';
    const enabled = platform?.enabled ?? [];
    const tier = platform?.tier;
    if (enabled.length > 0 || (tier && tier !== 'dedicated')) target.zillizCloud = { ...(tier && tier !== 'dedicated' ? { tier } : {}), ...(enabled.length > 0 ? { enabled: [...enabled] } : {}) };
  }
  // A grant of a privilege this tool does not know (a newer server's) is kept as it is, declared.
  const unknown = unknownPrivilegesIn(state, customGroups);
  if (unknown.length > 0) target.serverPrivileges = unknown;
  if (Object.keys(target).length > 0) policy.target = target;
  if (desired) {
    const scope: Record<string, Json> = {};
    const defined = { users: state.users.map((u) => u.name), roles: state.roles.map((r) => r.name), privilegeGroups: state.privilegeGroups.map((g) => g.name) };
    for (const kind of ['users', 'roles', 'privilegeGroups'] as const) {
      const entry = scopeEntry(desired.scope[kind], defined[kind], options.explicitScope ?? false);
      if (entry !== undefined) scope[kind] = entry;
    }
    if (Object.keys(scope).length > 0) policy.scope = scope;
    if (desired.databases.length > 0) policy.databases = [...desired.databases];
  }
  const protectedGroups = new Set(desired?.protectedPrivilegeGroups ?? []);
  const protectedRoles = new Set(desired?.protectedRoles ?? []);
  if (state.privilegeGroups.length > 0) {
    policy.privilegeGroups = Object.fromEntries(
      state.privilegeGroups.map((g) => {
        const entry: Record<string, Json> = { privileges: [...g.privileges] };
        if (protectedGroups.has(g.name)) entry.protect = true;
        return [g.name, entry];
      }),
    );
  }
  if (state.roles.length > 0) {
    policy.roles = Object.fromEntries(
      state.roles.map((r) => {
        const entry: Record<string, Json> = {};
        if (r.grants.length > 0) entry.grants = roleGrants(r.grants, preferLevels, customGroups);
        if (protectedRoles.has(r.name)) entry.protect = true;
        if (desired?.rolesKeepingOutsideMembers?.includes(r.name)) entry.keepOutsideMembers = true;
        const description = desired ? desired.descriptions?.roles[r.name] : r.description;
        if (description !== undefined) entry.description = description;
        return [r.name, entry];
      }),
    );
  }
  if (state.users.length > 0) {
    policy.users = Object.fromEntries(
      state.users.map((u) => {
        const entry: Record<string, Json> = {};
        if (u.roles.length > 0) entry.roles = [...u.roles];
        const known = desired?.users[u.name];
        const source = known?.password;
        if (source && 'env' in source) entry.password = { env: source.env };
        else if (source) entry.password = { file: source.file };
        else if (u.name !== ROOT_USER) entry.password = { env: passwordEnv(u.name) };
        if (known?.updatePassword) entry.updatePassword = true;
        const old = known?.oldPassword;
        if (old) entry.oldPassword = 'env' in old ? { env: old.env } : { file: old.file };
        if (known?.protect && u.name !== ROOT_USER) entry.protect = true;
        const description = desired ? desired.descriptions?.users[u.name] : u.description;
        if (description !== undefined) entry.description = description;
        return [u.name, entry];
      }),
    );
  }
  const doc = new Document(policy);
  const placeholders = state.users.filter((u) => u.name !== ROOT_USER && !desired?.users[u.name]?.password).length;
  if (placeholders > 0) {
    const root = doc.contents;
    const users = isMap(root) ? root.items.find((pair) => isScalar(pair.key) && pair.key.value === 'users') : undefined;
    if (users && isScalar(users.key)) {
      users.key.commentBefore = ' A password is read from the environment variable named below only when apply creates the user\n (it is missing) or updatePassword is set.';
    }
  }
  // Short lists of names read best on one line: privileges: [Search, Query].
  visit(doc, {
    Seq(_, node) {
      if (node.items.every((item) => isScalar(item))) node.flow = true;
    },
    Map(_, node) {
      // Password sources: password: { env: APP_PASSWORD }.
      if (node.items.length === 1 && node.items.every((pair) => isScalar(pair.value) && isScalar(pair.key) && (pair.key.value === 'env' || pair.key.value === 'file'))) node.flow = true;
    },
  });
  const header = options.schema ? `# yaml-language-server: $schema=${options.schema}\n` : '';
  return header + doc.toString({ lineWidth: 120, flowCollectionPadding: false });
}

