import { customGroupMap, expandGrant, matchPolicy } from './access-policies.js';
import type { BuiltinGroupMembers, ExpandedPolicy } from './access-policies.js';
import { grantKey } from './canonical.js';
import { ADMIN_ROLE, PUBLIC_ROLE, ROOT_USER } from './names.js';
import type { Grant, ObjectType, RbacState } from './types.js';
import type { MilvusVersion } from './versions.js';
import { NEWEST_KNOWN_VERSION } from './versions.js';

/**
 * Effective access: may `user` do `privilege` on an object, and through which role and grant?
 * The rules are those of Milvus's proxy (internal/proxy/privilege_interceptor.go and the policy
 * expansion in internal/rootcoord/root_coord.go `ListPolicy`; details in access-policies.ts and
 * docs/explain.md): `root` may do anything (unless the server sets rootShouldBindRole, see
 * {@link AccessOptions}); members of `admin` may do anything (the matcher's
 * `r.sub == "admin"`); every user also holds `public`; a user may always read and change
 * themselves (`isCurUserObject`: a `User` object named after the caller). Everything else comes
 * from grants. The emulator authorises calls with this; `explain`, `who-can` and lint reuse it.
 */

export interface AccessTarget {
  readonly objectType: ObjectType;
  readonly objectName: string;
  readonly dbName: string;
}

/** One question: `privilege` on the object `objectType`/`objectName` in database `dbName`. */
export interface AccessQuery extends AccessTarget {
  readonly privilege: string;
}

/** One way a user reaches a privilege: a grant of one of their roles. */
export interface AccessPath {
  readonly role: string;
  readonly grant: Grant;
  /**
   * Names expanded to reach the privilege, outermost first: groups (built-in, custom, legacy),
   * and `All` or `*` when the grant matched through them. Empty when the grant names the privilege.
   */
  readonly via: readonly string[];
}

export type AccessDecision =
  | { readonly allowed: true; readonly because: 'root' | 'admin' | 'self' }
  | { readonly allowed: true; readonly because: 'grant'; readonly role: string; readonly grant: Grant; readonly via: readonly string[] }
  | { readonly allowed: false };

/**
 * Server settings that change the rules and that no API reports (a policy declares them in
 * `target.settings`). Every field's absence is Milvus's default.
 */
export interface AccessOptions {
  /**
   * common.security.rootShouldBindRole (2.5.4+, default false). The proxy skips the check for
   * root only while it is false (privilege_interceptor.go: `!RootShouldBindRole && username ==
   * root`); when true root is checked like any user, and binding it to admin restores everything.
   */
  readonly rootShouldBindRole?: boolean;
  /** The user who passes every check, when not Milvus's root (Zilliz Cloud's db_admin). */
  readonly superUser?: string;
  /** Roles whose members pass every check besides admin (Zilliz Cloud's db_admin). */
  readonly adminRoles?: readonly string[];
}

/** The version whose rules apply when none is known (a policy read without a server). */
export const NEWEST_RULES_VERSION: MilvusVersion = NEWEST_KNOWN_VERSION;

interface RolePolicies {
  readonly role: string;
  readonly policies: readonly ExpandedPolicy[];
}

/**
 * A state indexed once for many questions: roles per user, and each role's grants already
 * expanded the way the proxy caches them. Answering one question costs the size of the user's
 * own roles' policies, never the whole state.
 */
export class AccessIndex {
  private readonly rolesByUser = new Map<string, readonly string[]>();
  private readonly grantsByRole = new Map<string, readonly Grant[]>();
  private readonly expanded = new Map<string, readonly ExpandedPolicy[]>();
  private readonly customGroups: ReadonlyMap<string, readonly string[]>;

  /**
   * @param builtinGroups built-in group members as the server lists them, when read live; groups
   *   it does not name (and every group when absent) keep the catalogue's members for `version`.
   * @param options server settings that change the rules (default: Milvus's defaults).
   */
  constructor(
    readonly state: RbacState,
    readonly version: MilvusVersion = NEWEST_RULES_VERSION,
    readonly builtinGroups?: BuiltinGroupMembers,
    readonly options: AccessOptions = {},
  ) {
    for (const u of state.users) this.rolesByUser.set(u.name, [...(this.rolesByUser.get(u.name) ?? []), ...u.roles]);
    for (const r of state.roles) this.grantsByRole.set(r.name, [...(this.grantsByRole.get(r.name) ?? []), ...r.grants]);
    this.customGroups = customGroupMap(state.privilegeGroups);
  }

  /** Roles that count for `user`: the bound ones plus `public`, without duplicates. */
  effectiveRoles(user: string): string[] {
    return [...new Set([...(this.rolesByUser.get(user) ?? []), PUBLIC_ROLE])];
  }

  /** Why `user` holds everything without a grant, or null. */
  unconditionalReason(user: string): 'root' | 'admin' | null {
    return unconditionalAccess(user, this.rolesByUser.get(user) ?? [], this.options);
  }

  /** The role's grants as the proxy's policies (memoised per role). */
  policiesOf(role: string): readonly ExpandedPolicy[] {
    let policies = this.expanded.get(role);
    if (!policies) {
      policies = (this.grantsByRole.get(role) ?? []).flatMap((g) => expandGrant(this.version, this.customGroups, g, this.builtinGroups));
      this.expanded.set(role, policies);
    }
    return policies;
  }

  /** One grant as the proxy's policies, under this index's version, custom and built-in groups. */
  expandGrant(grant: Grant): ExpandedPolicy[] {
    return expandGrant(this.version, this.customGroups, grant, this.builtinGroups);
  }

  rolePolicies(user: string): RolePolicies[] {
    return this.effectiveRoles(user).map((role) => ({ role, policies: this.policiesOf(role) }));
  }

  /** Every grant path giving `user` the queried privilege (root/admin/self are not paths). */
  paths(user: string, query: AccessQuery): AccessPath[] {
    return this.effectiveRoles(user).flatMap((role) => this.rolePaths(role, query));
  }

  /** Every grant of `role` that gives the queried privilege, with the chain that reaches it. */
  rolePaths(role: string, query: AccessQuery): AccessPath[] {
    const out: AccessPath[] = [];
    const seen = new Set<string>();
    for (const policy of this.policiesOf(role)) {
      const match = matchPolicy(this.version, policy, query, this.builtinGroups);
      if (!match) continue;
      const via = match.matchedThrough === null ? policy.via : [...policy.via, match.matchedThrough];
      const key = `${grantKey(policy.grant)}\u0000${via.join('\u0000')}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ role, grant: policy.grant, via });
    }
    return out;
  }

  /** The roles bound to `user` (without the implicit public). */
  rolesOf(user: string): readonly string[] {
    return this.rolesByUser.get(user) ?? [];
  }

  /** Collections some grant names in `dbName` (or in every database): where a narrower grant may reach. */
  collectionsGrantedIn(dbName: string): string[] {
    const names = new Set<string>();
    for (const grants of this.grantsByRole.values()) {
      for (const g of grants) if (g.objectType === 'Collection' && g.objectName !== '*' && (g.dbName === dbName || g.dbName === '*')) names.add(g.objectName);
    }
    return [...names].sort();
  }

  /** Databases some grant names (not `*`). */
  databasesGranted(): string[] {
    const names = new Set<string>();
    for (const grants of this.grantsByRole.values()) for (const g of grants) if (g.dbName !== '*') names.add(g.dbName);
    return [...names].sort();
  }

  /** Users the state knows, in its order. */
  userNames(): string[] {
    return [...this.rolesByUser.keys()];
  }

  /** Roles the state knows, in its order. */
  roleNames(): string[] {
    return [...this.grantsByRole.keys()];
  }

  decide(user: string, query: AccessQuery): AccessDecision {
    const reason = this.unconditionalReason(user);
    if (reason) return { allowed: true, because: reason };
    if (query.objectType === 'User' && query.objectName === user) return { allowed: true, because: 'self' };
    for (const { role, policies } of this.rolePolicies(user)) {
      for (const policy of policies) {
        const match = matchPolicy(this.version, policy, query, this.builtinGroups);
        if (!match) continue;
        const via = match.matchedThrough === null ? policy.via : [...policy.via, match.matchedThrough];
        return { allowed: true, because: 'grant', role, grant: policy.grant, via };
      }
    }
    return { allowed: false };
  }
}

/**
 * Root (unless rootShouldBindRole is set), and every member of `admin`, pass Milvus's privilege
 * interceptor without any grant being looked at; callers that know a user's bound roles can
 * decide this without building an index. With rootShouldBindRole, root bound to admin passes as
 * an admin member (the matcher's `r.sub == "admin"`), and otherwise needs grants like anyone.
 */
export function unconditionalAccess(user: string, boundRoles: readonly string[], options: AccessOptions = {}): 'root' | 'admin' | null {
  if (user === (options.superUser ?? ROOT_USER) && options.rootShouldBindRole !== true) return 'root';
  return boundRoles.includes(ADMIN_ROLE) || (options.adminRoles ?? []).some((r) => boundRoles.includes(r)) ? 'admin' : null;
}

const indexKey = (v: MilvusVersion, options: AccessOptions): string =>
  `${v.major}.${v.minor}.${v.patch}${options.rootShouldBindRole === true ? '+rootShouldBindRole' : ''}+${options.superUser ?? ROOT_USER}+${(options.adminRoles ?? []).join(',')}`;
const indexCache = new WeakMap<RbacState, Map<string, AccessIndex>>();

/** The index of a state, built once per state object, version and options (states are immutable). */
export function accessIndexOf(state: RbacState, version: MilvusVersion = NEWEST_RULES_VERSION, options: AccessOptions = {}): AccessIndex {
  let byKey = indexCache.get(state);
  if (!byKey) {
    byKey = new Map();
    indexCache.set(state, byKey);
  }
  const key = indexKey(version, options);
  let index = byKey.get(key);
  if (!index) {
    index = new AccessIndex(state, version, undefined, options);
    byKey.set(key, index);
  }
  return index;
}

export function decideAccess(
  state: RbacState,
  version: MilvusVersion,
  user: string,
  privilege: string,
  target: AccessTarget,
  options: AccessOptions = {},
): AccessDecision {
  return accessIndexOf(state, version, options).decide(user, { privilege, ...target });
}

export function isAllowed(
  state: RbacState,
  version: MilvusVersion,
  user: string,
  privilege: string,
  target: AccessTarget,
  options: AccessOptions = {},
): boolean {
  return decideAccess(state, version, user, privilege, target, options).allowed;
}

/** Every grant path by which `user` holds the queried privilege (empty for root/admin-only access). */
export function explainAccess(
  state: RbacState,
  user: string,
  query: AccessQuery,
  version: MilvusVersion = NEWEST_RULES_VERSION,
  options: AccessOptions = {},
): AccessPath[] {
  return accessIndexOf(state, version, options).paths(user, query);
}

/** The privilege Milvus's interceptor demands for an RBAC call, and on which object. */
export interface CallRequirement {
  readonly privilege: string;
  readonly objectType: ObjectType;
  readonly objectName: string;
}

export interface CallSubject {
  /** The user a call names (CreateCredential, SelectUser, UpdateCredential…). */
  readonly user?: string;
  /** The role a call names (SelectGrant). */
  readonly role?: string;
}

const GLOBAL = (privilege: string): CallRequirement => ({ privilege, objectType: 'Global', objectName: '*' });

/**
 * What each RBAC call needs (measured on 2.3.5, docs/real-milvus-2.3.5-probe.json, and
 * internal/proxy/privilege_interceptor.go). `null` means any authenticated user may call it.
 * Self-service exceptions: reading oneself (SelectUser), changing one's own password
 * (UpdateCredential), and reading the grants of a role one holds (SelectGrant).
 */
export function requirementOf(call: string, subject: CallSubject, caller: string, callerRoles: readonly string[]): CallRequirement | null {
  switch (call) {
    case 'Connect':
    case 'GetVersion':
    case 'CheckHealth':
      return null;
    case 'CreateCredential':
    case 'CreateRole':
    case 'AlterRole':
      return GLOBAL('CreateOwnership');
    case 'DeleteCredential':
    case 'DropRole':
      return GLOBAL('DropOwnership');
    case 'ListCredUsers':
    case 'SelectRole':
      return GLOBAL('SelectOwnership');
    case 'SelectGrant':
      if (subject.role !== undefined && (subject.role === PUBLIC_ROLE || callerRoles.includes(subject.role))) return null;
      return GLOBAL('SelectOwnership');
    case 'SelectUser':
      if (subject.user === caller) return null;
      return { privilege: 'SelectUser', objectType: 'User', objectName: subject.user || '*' };
    case 'UpdateCredential':
      if (subject.user === caller) return null;
      return { privilege: 'UpdateUser', objectType: 'User', objectName: subject.user || '*' };
    case 'OperateUserRole':
    case 'OperatePrivilege':
    case 'OperatePrivilegeV2':
      return GLOBAL('ManageOwnership');
    case 'CreateDatabase':
    case 'DropDatabase':
    case 'ListDatabases':
    case 'CreatePrivilegeGroup':
    case 'DropPrivilegeGroup':
    case 'ListPrivilegeGroups':
    case 'OperatePrivilegeGroup':
    case 'RestoreRBAC':
      return GLOBAL(call);
    case 'BackupRBAC':
      return GLOBAL('BackupRBAC');
    default:
      return null;
  }
}
