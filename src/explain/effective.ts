import type { AccessIndex, AccessQuery } from '../model/access.js';
import { legacyGroupMembers } from '../model/access-policies.js';
import type { ExpandedPolicy } from '../model/access-policies.js';
import { ALL_PRIVILEGE, ANY, PRIVILEGES, findPrivilege, isBuiltinGroupName, objectTypeOf } from '../model/catalogue.js';
import { ROOT_USER } from '../model/names.js';
import type { Grant, ObjectType } from '../model/types.js';
import { describeGroupDifference, serverGroupDifferences } from './server-groups.js';
import type { BuiltinGroupDifference } from './server-groups.js';

/**
 * Everything one user may do, spelt out privilege by privilege: each grant of each of the user's
 * roles (plus `public`) expanded through groups, `*`, `All` and legacy groups into single
 * privileges on an object pattern, remembering the role, the grant and the chain of names.
 */

export interface EffectiveEntry {
  /** A single privilege (never a group, `*` or `All`). */
  readonly privilege: string;
  readonly objectType: ObjectType;
  /** A database name, or `*` for every database. */
  readonly dbName: string;
  /** An object name, or `*` for every object of the type. */
  readonly objectName: string;
  /**
   * Legacy ReadOnly / ReadWrite on one named object also admit requests that name no object
   * (the proxy's collMatch accepts `*` on the request side), e.g. ShowCollections.
   */
  readonly alsoUnnamedRequests: boolean;
  readonly role: string;
  readonly grant: Grant;
  readonly via: readonly string[];
}

/** A grant that gives its role nothing, and why. */
export interface IneffectiveGrant {
  readonly role: string;
  readonly grant: Grant;
  readonly via: readonly string[];
  readonly reason: string;
}

export interface EffectiveAccess {
  readonly user: string;
  /** Set when the user may do everything regardless of grants. */
  readonly unconditional: 'root' | 'admin' | null;
  readonly roles: readonly string[];
  readonly entries: readonly EffectiveEntry[];
  readonly ineffective: readonly IneffectiveGrant[];
  /**
   * Built-in groups whose members, as the live server lists them, are not the catalogue's (the
   * entries follow the server). Present only when there is a difference.
   */
  readonly builtinGroupDifferences?: readonly BuiltinGroupDifference[];
  /** Things a reader should know about how the answer was reached; present only when there are some. */
  readonly notes?: readonly string[];
}

const SINGLE_PRIVILEGES = PRIVILEGES.filter((p) => p.name !== ALL_PRIVILEGE);

type Expansion = { entries: Omit<EffectiveEntry, 'role'>[]; reason: string | null };

/**
 * Whether the policy is a member the server itself listed for the built-in group it came through.
 * The server knows such a name even when the catalogue does not (a newer release, a milvus.yaml
 * override), so it is carried by name instead of being reported as matching nothing.
 */
function listedByServer(index: AccessIndex, policy: ExpandedPolicy): boolean {
  const group = policy.via.length === 1 ? policy.via[0] : undefined;
  if (group === undefined || !isBuiltinGroupName(group)) return false;
  return index.builtinGroups?.get(group)?.includes(policy.privilege) ?? false;
}

/** Single privileges of a legacy group, catalogue order, then names only the server's list has. */
function legacyMembers(index: AccessIndex, group: string, members: ReadonlySet<string>): { name: string; objectType: ObjectType }[] {
  const known = SINGLE_PRIVILEGES.filter((p) => members.has(p.name));
  if (!index.builtinGroups?.has(group)) return known;
  const unknown = [...members].filter((name) => !findPrivilege(name)).map((name) => ({ name, objectType: objectTypeOf(name) }));
  return [...known, ...unknown];
}

function expandPolicy(index: AccessIndex, policy: ExpandedPolicy): Expansion {
  const base = { grant: policy.grant, alsoUnnamedRequests: false };
  if (policy.privilege === ANY) {
    const entries = SINGLE_PRIVILEGES.filter((p) => p.objectType === policy.objectType).map((p) => ({
      ...base,
      privilege: p.name,
      objectType: p.objectType,
      dbName: policy.dbName,
      objectName: policy.objectName,
      via: [...policy.via, ANY],
    }));
    return { entries, reason: null };
  }
  const legacy = legacyGroupMembers(index.version, policy.privilege, index.builtinGroups);
  if (policy.privilege === ALL_PRIVILEGE || legacy) {
    // The proxy compares databases literally for these (dbMatch), so db `*` matches no request.
    if (policy.dbName === ANY) {
      return { entries: [], reason: `${policy.privilege} only takes effect in the database it is granted in; db \`*\` matches no request` };
    }
    const scoped = legacy !== undefined && policy.privilege !== 'Admin';
    const members = legacy ? legacyMembers(index, policy.privilege, legacy) : SINGLE_PRIVILEGES;
    const entries = members.map((p) => ({
      ...base,
      privilege: p.name,
      objectType: p.objectType,
      dbName: policy.dbName,
      objectName: scoped ? policy.objectName : ANY,
      alsoUnnamedRequests: scoped && policy.objectName !== ANY,
      via: [...policy.via, policy.privilege],
    }));
    return { entries, reason: null };
  }
  const info = findPrivilege(policy.privilege);
  if (!info && listedByServer(index, policy)) {
    const entry = { ...base, privilege: policy.privilege, objectType: policy.objectType, dbName: policy.dbName, objectName: policy.objectName, via: policy.via };
    return { entries: [entry], reason: null };
  }
  if (!info) {
    const what = policy.via.length > 0 ? `${policy.privilege} inside ${policy.via.join(' > ')}` : policy.privilege;
    return { entries: [], reason: `${what} is not a privilege this Milvus version expands or matches` };
  }
  if (info.objectType !== policy.objectType) {
    return {
      entries: [],
      reason: `${policy.privilege} is checked on ${info.objectType} objects, but the grant is on ${policy.objectType}`,
    };
  }
  return {
    entries: [{ ...base, privilege: info.name, objectType: info.objectType, dbName: policy.dbName, objectName: policy.objectName, via: policy.via }],
    reason: null,
  };
}

/** What one stored grant gives its role: its entries, and every part of it that gives nothing. */
export interface GrantEffect {
  readonly entries: readonly Omit<EffectiveEntry, 'role'>[];
  readonly problems: readonly { readonly via: readonly string[]; readonly privilege: string; readonly reason: string }[];
  /** The proxy's policies for it, for checks on how it was rewritten. */
  readonly policies: readonly ExpandedPolicy[];
}

export function grantEffect(index: AccessIndex, grant: Grant): GrantEffect {
  const policies = index.expandGrant(grant);
  const entries: Omit<EffectiveEntry, 'role'>[] = [];
  const problems: { via: readonly string[]; privilege: string; reason: string }[] = [];
  for (const policy of policies) {
    const { entries: found, reason } = expandPolicy(index, policy);
    entries.push(...found);
    if (reason) problems.push({ via: policy.via, privilege: policy.privilege, reason });
  }
  if (policies.length === 0) problems.push({ via: [], privilege: grant.privilege, reason: `${grant.privilege} is an empty privilege group` });
  return { entries, problems, policies };
}

export function effectiveAccess(index: AccessIndex, user: string): EffectiveAccess {
  const roles = index.effectiveRoles(user);
  const entries: EffectiveEntry[] = [];
  const ineffective: IneffectiveGrant[] = [];
  for (const role of roles) {
    const producedBy = new Map<Grant, number>();
    const reasons = new Map<Grant, { via: readonly string[]; reason: string }>();
    for (const policy of index.policiesOf(role)) {
      const { entries: found, reason } = expandPolicy(index, policy);
      producedBy.set(policy.grant, (producedBy.get(policy.grant) ?? 0) + found.length);
      if (reason && !reasons.has(policy.grant)) reasons.set(policy.grant, { via: policy.via, reason });
      for (const e of found) entries.push({ ...e, role });
    }
    // A grant is reported as ineffective only when none of its expansions gives anything.
    for (const [grant, why] of reasons) {
      if ((producedBy.get(grant) ?? 0) === 0) ineffective.push({ role, grant, via: why.via, reason: why.reason });
    }
  }
  const access: EffectiveAccess = { user, unconditional: index.unconditionalReason(user), roles, entries, ineffective };
  const differences = serverGroupDifferences(index);
  const notes = [...(user === ROOT_USER ? rootNotes(index) : []), ...differences.map(describeGroupDifference)];
  const withDifferences = differences.length === 0 ? access : { ...access, builtinGroupDifferences: differences };
  return notes.length === 0 ? withDifferences : { ...withDifferences, notes };
}

/**
 * Why root is answered like any user, when it is: the reader otherwise expects root to pass
 * every check. Nothing under Milvus's default, which the root line itself explains.
 */
export function rootNotes(index: AccessIndex): string[] {
  if (index.options.rootShouldBindRole !== true) return [];
  return ['Note: common.security.rootShouldBindRole is true: root is checked like any user, through its roles and public (bound to admin it may do everything)'];
}

/** Whether an entry admits a request: the reading contract of {@link EffectiveEntry}. */
export function entryCovers(entry: EffectiveEntry, query: AccessQuery): boolean {
  if (entry.privilege !== query.privilege || entry.objectType !== query.objectType) return false;
  if (entry.dbName !== ANY && entry.dbName !== query.dbName) return false;
  if (entry.objectName === ANY || entry.objectName === query.objectName) return true;
  return entry.alsoUnnamedRequests && query.objectName === ANY;
}
