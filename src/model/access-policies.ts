import { ALL_PRIVILEGE, ANY, RELATED_PRIVILEGES, objectTypeOf } from './catalogue.js';
import { catalogueAt } from './catalogue-at-version.js';
import type { Grant, ObjectType, PrivilegeGroupState } from './types.js';
import type { MilvusVersion } from './versions.js';
import { featuresOf } from './versions.js';

/**
 * How Milvus turns stored grants into the policies its proxy checks, and how one policy matches
 * one request. Learnt from milvus-io/milvus:
 *  - internal/rootcoord/root_coord.go `ListPolicy` + `expandPrivilegeGroups` (versions with
 *    privilege groups): every stored grant is rewritten before it reaches the proxy. A grant whose
 *    privilege names a built-in v2 group or a custom group becomes one policy per member; every
 *    policy (expanded or not) gets the object type of its own privilege (util.GetObjectType: the
 *    catalogue's `objectTypeOf`, `Global` for anything unlisted such as `*`), and a `Global` one
 *    gets object name `*`. The database is kept.
 *  - internal/proxy/privilege_interceptor.go, casbin matcher
 *    `r.sub == p.sub && globMatch(r.obj, p.obj) && globMatch(r.act, p.act) || r.sub == "admin" ||
 *    (r.sub == p.sub && dbMatch(r.obj, p.obj) && privilegeGroupContains(r.act, p.act, r.obj, p.obj))`
 *    where obj = `<ObjectType>-<db>.<objectName>` (pkg/util/funcutil PolicyForResource). So a
 *    policy matches when the object type is equal, its db and object name are the request's or `*`
 *    (glob) and its privilege is the request's or `*`; or, in the SAME database only (dbMatch is a
 *    plain string equality, `*` does not widen it), when the policy privilege is `All` (anything)
 *    or a legacy group: ReadOnly / ReadWrite need the object names to match, either side `*`
 *    (collMatch), and ignore the object type; Admin needs nothing but the database.
 *  - Before privilege groups (the 2.3 interceptor: `... || (r.sub == p.sub && dbMatch(r.obj,
 *    p.obj) && p.act == "PrivilegeAll")`) grants reach the proxy as stored.
 * ASSUMPTION: group expansion and the retyping apply from the version that has privilege groups
 * (versions.ts `privilegeGroups`); the exact release was not read from a tag.
 */

/** One policy line as the proxy sees it, with where it came from. */
export interface ExpandedPolicy {
  /** A single privilege, `*`, `All`, a legacy group name, or a name the proxy can never match. */
  readonly privilege: string;
  readonly objectType: ObjectType;
  readonly objectName: string;
  readonly dbName: string;
  /** The stored grant it was derived from. */
  readonly grant: Grant;
  /** Group names expanded to reach `privilege`, outermost first (empty for a plain grant). */
  readonly via: readonly string[];
}

/**
 * Built-in group members as one server lists them (ListPrivilegeGroups), by group name. Operators
 * can change the nine v2 groups in milvus.yaml (common.security.rbac.<level>.<kind>.privileges) and
 * releases change them, so a live server's own lists beat the catalogue's. A group the map does
 * not name keeps the catalogue's members; names the catalogue does not know as built-in at the
 * version are ignored (they are not groups there).
 */
export type BuiltinGroupMembers = ReadonlyMap<string, readonly string[]>;

export interface PolicyTarget {
  readonly privilege: string;
  readonly objectType: ObjectType;
  readonly objectName: string;
  readonly dbName: string;
}

const legacySets = new WeakMap<object, ReadonlyMap<string, ReadonlySet<string>>>();
// Sets of a server's legacy lists, built once per override map: matchPolicy asks on every check.
const overrideSets = new WeakMap<BuiltinGroupMembers, Map<string, ReadonlySet<string>>>();

/**
 * The legacy group (ReadOnly / ReadWrite / Admin) behind a name, on versions that know them; with
 * `builtinGroups`, the server's members of the groups it lists.
 */
export function legacyGroupMembers(version: MilvusVersion, name: string, builtinGroups?: BuiltinGroupMembers): ReadonlySet<string> | undefined {
  const catalogue = catalogueAt(version);
  let sets = legacySets.get(catalogue);
  if (!sets) {
    sets = new Map(catalogue.builtinGroups.filter((g) => g.legacy).map((g) => [g.name, new Set(g.privileges)]));
    legacySets.set(catalogue, sets);
  }
  const known = sets.get(name);
  if (!known || !builtinGroups) return known;
  const listed = builtinGroups.get(name);
  if (!listed) return known;
  let cached = overrideSets.get(builtinGroups);
  if (!cached) {
    cached = new Map();
    overrideSets.set(builtinGroups, cached);
  }
  let set = cached.get(name);
  if (!set) {
    set = new Set(listed);
    cached.set(name, set);
  }
  return set;
}

/** Members of a group the proxy expands (custom groups, built-in v2 groups), or undefined. */
export function expandableGroupMembers(
  version: MilvusVersion,
  customGroups: ReadonlyMap<string, readonly string[]>,
  name: string,
  builtinGroups?: BuiltinGroupMembers,
): readonly string[] | undefined {
  if (!featuresOf(version).privilegeGroups) return undefined;
  const custom = customGroups.get(name);
  if (custom) return custom;
  const builtin = catalogueAt(version).builtinGroup(name);
  if (!builtin || builtin.legacy) return undefined;
  return builtinGroups?.get(name) ?? builtin.privileges;
}

export function customGroupMap(groups: readonly PrivilegeGroupState[]): Map<string, readonly string[]> {
  return new Map(groups.map((g) => [g.name, g.privileges]));
}

function retyped(privilege: string, grant: Grant, via: readonly string[]): ExpandedPolicy {
  const objectType = objectTypeOf(privilege);
  return {
    privilege,
    objectType,
    objectName: objectType === 'Global' ? ANY : grant.objectName,
    dbName: grant.dbName,
    grant,
    via,
  };
}

/** The policies one stored grant becomes in the proxy's cache (built-in groups: see {@link BuiltinGroupMembers}). */
export function expandGrant(
  version: MilvusVersion,
  customGroups: ReadonlyMap<string, readonly string[]>,
  grant: Grant,
  builtinGroups?: BuiltinGroupMembers,
): ExpandedPolicy[] {
  const policies = expandStoredGrant(version, customGroups, grant, builtinGroups);
  return featuresOf(version).relatedPrivileges ? withRelated(policies) : policies;
}

function expandStoredGrant(
  version: MilvusVersion,
  customGroups: ReadonlyMap<string, readonly string[]>,
  grant: Grant,
  builtinGroups: BuiltinGroupMembers | undefined,
): ExpandedPolicy[] {
  if (!featuresOf(version).privilegeGroups) {
    return [{ ...grant, grant, via: [] }];
  }
  const members = expandableGroupMembers(version, customGroups, grant.privilege, builtinGroups);
  // An existing but empty group expands to nothing: the grant gives no access at all.
  if (members) return members.map((m) => retyped(m, grant, [grant.privilege]));
  return [retyped(grant.privilege, grant, [])];
}

/**
 * Where the server stores GetLoadState / GetLoadingProgress beside Load and GetFlushState beside
 * Flush (catalogue RELATED_PRIVILEGES), canonical states leave them out (implied.ts); they are
 * put back here (for grants naming Load / Flush directly) so that access answers what the server would. ASSUMPTION: every grant of Load /
 * Flush on such a version carries them (measured absent on 2.3.5, where versions.ts says none).
 */
function withRelated(policies: ExpandedPolicy[]): ExpandedPolicy[] {
  const out = [...policies];
  for (const p of policies) {
    // Only a grant naming Load / Flush itself stores them; group members are expanded as listed.
    if (p.via.length > 0) continue;
    for (const related of RELATED_PRIVILEGES[p.privilege] ?? []) {
      out.push({ ...p, privilege: related, via: [...p.via, p.privilege] });
    }
  }
  return out;
}

export interface PolicyMatch {
  /** Names expanded inside the proxy's matcher itself (`*`, `All`, a legacy group), appended to `via`. */
  readonly matchedThrough: string | null;
}

/** Whether one policy admits one request, and through what; null when it does not. */
export function matchPolicy(
  version: MilvusVersion,
  policy: ExpandedPolicy,
  target: PolicyTarget,
  builtinGroups?: BuiltinGroupMembers,
): PolicyMatch | null {
  const sameDb = policy.dbName === target.dbName;
  if (
    policy.objectType === target.objectType &&
    (sameDb || policy.dbName === ANY) &&
    (policy.objectName === ANY || policy.objectName === target.objectName)
  ) {
    if (policy.privilege === target.privilege) return { matchedThrough: null };
    if (policy.privilege === ANY) return { matchedThrough: ANY };
  }
  if (!sameDb) return null;
  if (policy.privilege === ALL_PRIVILEGE) return { matchedThrough: ALL_PRIVILEGE };
  const legacy = legacyGroupMembers(version, policy.privilege, builtinGroups);
  if (!legacy || !legacy.has(target.privilege)) return null;
  if (policy.privilege !== 'Admin') {
    const objectsMatch = policy.objectName === ANY || target.objectName === ANY || policy.objectName === target.objectName;
    if (!objectsMatch) return null;
  }
  return { matchedThrough: policy.privilege };
}
