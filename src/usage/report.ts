import { decideAccess, unconditionalAccess } from '../model/access.js';
import type { AccessOptions } from '../model/access.js';
import { grantKey } from '../model/canonical.js';
import { DEFAULT_DATABASE, PUBLIC_ROLE } from '../model/names.js';
import type { Grant, RbacState } from '../model/types.js';
import type { MilvusVersion } from '../model/versions.js';
import { JSON_FORMAT_VERSION } from '../report/format-version.js';
import type { Seen, UsageTally, UsedEntry } from './tally.js';

/**
 * The log's calls held against an access state (a policy's, or the live instance's): per user,
 * which grant let each call through; per role, grants used and never used; what was denied.
 */

export interface SeenJson {
  readonly count: number;
  readonly first: string | null;
  readonly last: string | null;
}

/** Calls of one user on one privilege and object, as the log counts them. */
export interface DeniedCall {
  readonly privilege: string;
  readonly objectType: string;
  readonly database: string | null;
  readonly collection: string | null;
  readonly methods: readonly string[];
  readonly seen: SeenJson;
}

export interface UsedCall extends DeniedCall {
  /** The grant that let it through, `root` / `admin` (every check passes), or null when this state would not allow it. */
  readonly via: { readonly role: string; readonly grant: Grant; readonly collectionGuessed: boolean } | 'root' | 'admin' | null;
  /** What public holds allows it: every user may make these calls without a grant of its own. */
  readonly publicCovers: boolean;
}

export interface UserUsage {
  readonly name: string;
  readonly inState: boolean;
  readonly roles: readonly string[];
  readonly used: readonly UsedCall[];
  readonly denied: readonly DeniedCall[];
  readonly unauthenticated: number;
}

export interface GrantUsage {
  readonly grant: Grant;
  readonly seen: SeenJson;
}

export interface RoleUsage {
  readonly name: string;
  readonly users: readonly string[];
  readonly used: readonly GrantUsage[];
  readonly unused: readonly Grant[];
}

export interface UsageReport {
  readonly formatVersion: number;
  readonly source: string;
  readonly window: SeenJson;
  readonly lines: { readonly read: number; readonly access: number; readonly unchecked: number };
  readonly users: readonly UserUsage[];
  readonly roles: readonly RoleUsage[];
  readonly unknownMethods: Readonly<Record<string, number>>;
}

/** A user bound to no role: what it may do, public allows (no Milvus user name holds a NUL). */
const NO_ROLES_USER = '\u0000no-roles';

const iso = (t: number | null): string | null => (t === null ? null : new Date(t).toISOString());
const seenJson = (s: Seen): SeenJson => ({ count: s.count, first: iso(s.first), last: iso(s.last) });

const callOf = (e: UsedEntry): DeniedCall => ({ privilege: e.privilege, objectType: e.objectType, database: e.database ?? null, collection: e.collection ?? null, methods: [...e.methods].sort(), seen: seenJson(e.seen) });

function merge(into: Seen, from: Seen): void {
  into.count += from.count;
  if (from.first !== null && (into.first === null || from.first < into.first)) into.first = from.first;
  if (from.last !== null && (into.last === null || from.last > into.last)) into.last = from.last;
}

/**
 * The grant behind an allowed call. Most formats do not log the collection: then the user's
 * grants of that privilege are tried one by one, and the first that allows a collection is
 * taken (marked guessed).
 */
function viaOf(state: RbacState, version: MilvusVersion, options: AccessOptions, rolesOf: Map<string, string[]>, e: UsedEntry): UsedCall['via'] {
  const unconditional = unconditionalAccess(e.user, rolesOf.get(e.user) ?? [], options);
  if (unconditional) return unconditional;
  const dbName = e.database ?? DEFAULT_DATABASE;
  const target = { objectType: e.objectType, objectName: e.collection ?? '*', dbName };
  const decided = decideAccess(state, version, e.user, e.privilege, target, options);
  if (decided.allowed && decided.because === 'grant') return { role: decided.role, grant: decided.grant, collectionGuessed: false };
  if (decided.allowed) return null;
  if (e.objectType !== 'Collection' || e.collection) return null;
  const roles = new Set([...(rolesOf.get(e.user) ?? []), PUBLIC_ROLE]);
  for (const role of state.roles) {
    if (!roles.has(role.name)) continue;
    for (const g of role.grants) {
      if (g.objectName === '*' || (g.dbName !== dbName && g.dbName !== '*')) continue;
      const tried = decideAccess(state, version, e.user, e.privilege, { objectType: 'Collection', objectName: g.objectName, dbName }, options);
      if (tried.allowed && tried.because === 'grant') return { role: tried.role, grant: tried.grant, collectionGuessed: true };
    }
  }
  return null;
}

export function buildUsageReport(tally: UsageTally, state: RbacState, version: MilvusVersion, source: string, options: AccessOptions = {}): UsageReport {
  const rolesOf = new Map(state.users.map((u) => [u.name, [...u.roles]]));
  const grantSeen = new Map<string, Map<string, { grant: Grant; seen: Seen }>>();
  const users = new Map<string, { used: UsedCall[]; denied: DeniedCall[] }>();
  const entryOf = (user: string): { used: UsedCall[]; denied: DeniedCall[] } => {
    let u = users.get(user);
    if (!u) {
      u = { used: [], denied: [] };
      users.set(user, u);
    }
    return u;
  };
  for (const e of tally.used.values()) {
    const via = viaOf(state, version, options, rolesOf, e);
    const publicCovers = decideAccess(state, version, NO_ROLES_USER, e.privilege, { objectType: e.objectType, objectName: e.collection ?? '*', dbName: e.database ?? DEFAULT_DATABASE }, options).allowed;
    entryOf(e.user).used.push({ ...callOf(e), via, publicCovers });
    if (via && typeof via === 'object') {
      const byGrant = grantSeen.get(via.role) ?? new Map<string, { grant: Grant; seen: Seen }>();
      grantSeen.set(via.role, byGrant);
      const key = grantKey(via.grant);
      const at = byGrant.get(key) ?? { grant: via.grant, seen: { count: 0, first: null, last: null } };
      merge(at.seen, e.seen);
      byGrant.set(key, at);
    }
  }
  for (const e of tally.denied.values()) {
    entryOf(e.user).denied.push(callOf(e));
  }
  for (const user of tally.unauthenticated.keys()) entryOf(user);
  const byLast = (a: { seen: SeenJson }, b: { seen: SeenJson }): number => b.seen.count - a.seen.count;
  const userList: UserUsage[] = [...users].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([name, u]) => ({
    name,
    inState: rolesOf.has(name),
    roles: rolesOf.get(name) ?? [],
    used: u.used.sort(byLast),
    denied: u.denied.sort(byLast),
    unauthenticated: tally.unauthenticated.get(name)?.count ?? 0,
  }));
  const members = (role: string): string[] => state.users.filter((u) => u.roles.includes(role)).map((u) => u.name);
  const roleList: RoleUsage[] = state.roles.map((r) => {
    const used = grantSeen.get(r.name) ?? new Map<string, { grant: Grant; seen: Seen }>();
    return {
      name: r.name,
      users: members(r.name),
      used: [...used.values()].map((u) => ({ grant: u.grant, seen: seenJson(u.seen) })).sort(byLast),
      unused: r.grants.filter((g) => !used.has(grantKey(g))),
    };
  });
  return {
    formatVersion: JSON_FORMAT_VERSION,
    source,
    window: seenJson(tally.window),
    lines: { read: tally.lines, access: tally.accessLines, unchecked: tally.unchecked },
    users: userList,
    roles: roleList,
    unknownMethods: Object.fromEntries(tally.unknownMethods),
  };
}
