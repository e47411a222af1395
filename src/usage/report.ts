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
  /** The grant that let it through, `root` / `admin` (every check passes), `self` (the caller's own account), or null when this state would not allow it. */
  readonly via: { readonly role: string; readonly grant: Grant; readonly collectionGuessed: boolean } | 'root' | 'admin' | 'self' | null;
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
 * The grant behind an allowed call, and every grant that could have been it. Most formats log
 * neither the database nor the collection (only Query, Search, Delete and Upsert carry them):
 * then the user's grants of that privilege are tried on the objects they name, in every
 * database, and the first that allows the call is credited (marked guessed); the others that
 * would have allowed it are never reported unused, since the log cannot tell them apart. A call
 * on a user object the state does not allow is the caller's own account, which Milvus lets every
 * user read and change.
 */
interface Attribution {
  readonly via: UsedCall['via'];
  readonly candidates: readonly { readonly role: string; readonly grant: Grant }[];
}

function attribute(state: RbacState, version: MilvusVersion, options: AccessOptions, rolesOf: Map<string, string[]>, e: UsedEntry): Attribution {
  const unconditional = unconditionalAccess(e.user, rolesOf.get(e.user) ?? [], options);
  if (unconditional) return { via: unconditional, candidates: [] };
  const decide = (objectName: string, dbName: string) => decideAccess(state, version, e.user, e.privilege, { objectType: e.objectType, objectName, dbName }, options);
  if (e.objectType === 'User') {
    const own = decide(e.user, e.database ?? DEFAULT_DATABASE);
    if (own.allowed && own.because === 'grant') return { via: { role: own.role, grant: own.grant, collectionGuessed: false }, candidates: [] };
    return { via: own.allowed ? 'self' : null, candidates: [] };
  }
  if (e.database && (e.collection || e.objectType !== 'Collection')) {
    const decided = decide(e.collection ?? '*', e.database);
    return { via: decided.allowed && decided.because === 'grant' ? { role: decided.role, grant: decided.grant, collectionGuessed: false } : null, candidates: [] };
  }
  // Not all of the object is in the log: every object the user's grants name is a candidate.
  const roles = new Set([...(rolesOf.get(e.user) ?? []), PUBLIC_ROLE]);
  const databases = e.database ? [e.database] : [...new Set([DEFAULT_DATABASE, ...state.roles.flatMap((r) => r.grants.map((g) => g.dbName)).filter((d) => d !== '*')])];
  const objects = new Set<string>(e.collection ? [e.collection] : ['*']);
  if (!e.collection) for (const r of state.roles) if (roles.has(r.name)) for (const g of r.grants) if (g.objectType === e.objectType) objects.add(g.objectName);
  const candidates: { role: string; grant: Grant }[] = [];
  const seen = new Set<string>();
  for (const dbName of databases) {
    for (const objectName of objects) {
      const tried = decide(objectName, dbName);
      if (!tried.allowed || tried.because !== 'grant') continue;
      const key = `${tried.role}\u0000${grantKey(tried.grant)}`;
      if (!seen.has(key)) candidates.push({ role: tried.role, grant: tried.grant });
      seen.add(key);
    }
  }
  const first = candidates[0];
  return { via: first ? { ...first, collectionGuessed: true } : null, candidates };
}

export function buildUsageReport(tally: UsageTally, state: RbacState, version: MilvusVersion, source: string, options: AccessOptions = {}): UsageReport {
  const rolesOf = new Map(state.users.map((u) => [u.name, [...u.roles]]));
  const grantSeen = new Map<string, Map<string, { grant: Grant; seen: Seen }>>();
  /** Grants that may have let a call through where the log does not say which. */
  const possiblyUsed = new Set<string>();
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
    const { via, candidates } = attribute(state, version, options, rolesOf, e);
    for (const c of candidates) possiblyUsed.add(`${c.role}\u0000${grantKey(c.grant)}`);
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
      unused: r.grants.filter((g) => !used.has(grantKey(g)) && !possiblyUsed.has(`${r.name}\u0000${grantKey(g)}`)),
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
