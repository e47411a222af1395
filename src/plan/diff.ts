import { grantKey, toGrant } from '../model/canonical.js';
import { findPrivilege, isBuiltinGroupName, isDefinedPrivilegeName, singlePrivilegeLevel, RELATED_PRIVILEGES } from '../model/catalogue.js';
import type { DesiredState, DesiredUser, ManagedScope } from '../model/desired.js';
import { matchesName, protectedByScope } from '../model/scope.js';
import { ADMIN_ROLE, DEFAULT_OBJECT_LIMITS, isDefaultRole, PUBLIC_ROLE, ROOT_USER } from '../model/names.js';
import type { ObjectLimits } from '../model/names.js';
import type { GrantForm, Operation } from '../model/operations.js';
import type { Grant, PrivilegeGroupState, RbacState, RoleState, UserState } from '../model/types.js';
import type { FeatureSet } from '../model/versions.js';
import { PlanError } from './errors.js';
import { isBuiltinRole, isBuiltinUser, managedIndexOf } from './scope.js';
import type { UnmanagedObjects } from './types.js';

/**
 * The difference between what Milvus has (live) and what the policy asks for (desired), as the
 * Milvus writes that close it. Pure: no I/O, no clock. Ordering (and which steps affect the user
 * running the apply) is order.ts's job; proving that the writes reach the desired state is
 * simulate.ts's.
 *
 * Rules (docs/plan-format.md, "Managed scope"):
 * - a defined role owns all its grants; a defined user owns its role bindings (`public` is
 *   implicit and never diffed); a defined privilege group owns its member list;
 * - a live object the policy does not define is dropped when the scope matches it, unless it is
 *   built into Milvus (root, admin, public, built-in groups); otherwise it is listed as unmanaged
 *   and nothing of it is changed;
 * - every problem Milvus would refuse at apply time (missing feature, missing password, a role or
 *   group that would not exist, the user/role limits) is reported here, all at once, as a PlanError.
 */

export interface DiffInput {
  readonly live: RbacState;
  readonly desired: DesiredState;
  readonly features: FeatureSet;
  /** proxy.maxUserNum / proxy.maxRoleNum of the target; default Milvus's 100 / 10. */
  readonly limits?: ObjectLimits;
  /** For messages: the target's version as GetVersion reports it. */
  readonly versionLabel?: string;
  /**
   * Users with updatePassword whose password already is the policy's (logging in with it
   * succeeded): they get no new one. Absent: nobody was checked, so every such user gets one.
   */
  readonly currentPasswords?: ReadonlySet<string>;
  /** The user running the apply: a superuser changes a password without the current one. */
  readonly operator?: string;
}

export interface PlannedOperation {
  readonly operation: Operation;
  /**
   * A grant that must run after the revokes: on Milvus versions that add related privileges, a v1
   * revoke of Load (Flush) also removes GetLoadState/GetLoadingProgress (GetFlushState), so a
   * related privilege the policy keeps on its own is granted again afterwards.
   */
  readonly afterRevokes?: boolean;
}

export interface DiffResult {
  readonly operations: readonly PlannedOperation[];
  readonly unmanaged: UnmanagedObjects;
  readonly warnings: readonly string[];
  /** Managed live objects the plan drops. */
  readonly dropped: { readonly users: readonly string[]; readonly roles: readonly string[]; readonly privilegeGroups: readonly string[] };
  /** Users outside the policy unbound from roles it defines (a role owns its members). */
  readonly outsideMembers: readonly { readonly user: string; readonly role: string }[];
}

const byName = <T extends { readonly name: string }>(items: readonly T[]): Map<string, T> => new Map(items.map((i) => [i.name, i]));

function listSome(names: readonly string[], max = 5): string {
  const shown = names.slice(0, max).map((n) => `"${n}"`).join(', ');
  return names.length > max ? `${shown} and ${names.length - max} more` : shown;
}

/** Whether only OperatePrivilegeV2 can carry this grant, and which form to use. */
function grantFormOf(g: Grant, customGroups: ReadonlySet<string>, features: FeatureSet): { form: GrantForm; needsV2: boolean } {
  // v1 refuses group names on versions that have groups (before that they do not exist at all),
  // and the privileges in no ObjectPrivileges list (file resources, replication, row-level security).
  const known = findPrivilege(g.privilege);
  const needsV2 = isBuiltinGroupName(g.privilege) || customGroups.has(g.privilege) || known?.v1Grantable === false;
  // A name the catalogue does not know (a newer server's, read live) goes through v2 where it
  // can, which accepts whatever the server defines.
  const unknown = known === undefined && !needsV2 && g.privilege !== '*';
  // Cluster-level grants (db `*`) are what v2 is for; older servers store db `*` through v1 too.
  const prefersV2 = needsV2 || unknown || g.dbName === '*';
  return { form: (prefersV2 || !features.v1Grants) && features.grantV2 ? 'v2' : 'v1', needsV2 };
}

class Collector {
  readonly operations: PlannedOperation[] = [];
  readonly problems: string[] = [];
  readonly warnings: string[] = [];
  push(operation: Operation, afterRevokes = false): void {
    this.operations.push(afterRevokes ? { operation, afterRevokes } : { operation });
  }
}

interface Context {
  readonly input: DiffInput;
  readonly out: Collector;
  readonly liveUsers: Map<string, UserState>;
  readonly liveRoles: Map<string, RoleState>;
  readonly liveGroups: Map<string, PrivilegeGroupState>;
  readonly desiredRoles: Map<string, RoleState>;
  readonly desiredGroups: Map<string, PrivilegeGroupState>;
  /** Custom group names that exist on the server or will: decides the grant form. */
  readonly customGroups: Set<string>;
  readonly managed: ReturnType<typeof managedIndexOf>;
}

function checkFeatures(ctx: Context): void {
  const { features, desired, versionLabel } = ctx.input;
  const target = versionLabel ? `Milvus ${versionLabel}` : 'the target Milvus';
  if (desired.state.privilegeGroups.length > 0 && !features.privilegeGroups) {
    ctx.out.problems.push(
      `the policy defines custom privilege groups (${listSome(desired.state.privilegeGroups.map((g) => g.name))}), which need Milvus 2.4.18 or newer; ${target} does not have them`,
    );
  }
  if (features.grantV2) return;
  const needing: string[] = [];
  for (const role of desired.state.roles) {
    for (const g of role.grants) {
      if (grantFormOf(g, ctx.customGroups, features).needsV2) needing.push(`${g.privilege} to role "${role.name}"`);
    }
  }
  if (needing.length > 0) {
    const shown = needing.slice(0, 5).join(', ') + (needing.length > 5 ? ` and ${needing.length - 5} more` : '');
    ctx.out.problems.push(
      `the policy grants privilege groups (${shown}), which only OperatePrivilegeV2 can grant: it needs Milvus 2.4.18 or newer; ${target} does not have it`,
    );
  }
}

// ------------------------------------------------------------------------------------ groups

function diffGroups(ctx: Context): string[] {
  const { out, liveGroups, desiredGroups, managed } = ctx;
  const dropped: string[] = [];
  for (const group of desiredGroups.values()) {
    const live = liveGroups.get(group.name);
    if (!live) {
      out.push({ kind: 'createPrivilegeGroup', group: group.name });
      if (group.privileges.length > 0) out.push({ kind: 'addPrivilegesToGroup', group: group.name, privileges: group.privileges });
      continue;
    }
    const have = new Set(live.privileges);
    const want = new Set(group.privileges);
    const add = group.privileges.filter((p) => !have.has(p));
    const remove = live.privileges.filter((p) => !want.has(p));
    if (add.length > 0) {
      // Milvus checks the level of the members it would hold after the add, before the removals run.
      const levels = new Set([...live.privileges, ...add].map((p) => singlePrivilegeLevel(p) ?? 'none'));
      if (levels.size > 1) {
        out.problems.push(
          `privilege group "${group.name}" would change level (it holds ${listSome(live.privileges)}; the policy adds ${listSome(add)}): Milvus refuses a group mixing levels; give the new members a new group`,
        );
      }
      out.push({ kind: 'addPrivilegesToGroup', group: group.name, privileges: add });
    }
    if (remove.length > 0) out.push({ kind: 'removePrivilegesFromGroup', group: group.name, privileges: remove });
  }
  for (const live of liveGroups.values()) {
    if (desiredGroups.has(live.name) || !managed.privilegeGroup(live.name)) continue;
    if (ctx.input.desired.protectedPrivilegeGroups.includes(live.name)) continue;
    dropped.push(live.name);
    out.push({ kind: 'dropPrivilegeGroup', group: live.name });
  }
  return dropped;
}

/** A dropped group must not stay granted: Milvus refuses to drop a group a role still holds. */
function checkDroppedGroupsUnused(ctx: Context, droppedGroups: readonly string[], droppedRoles: ReadonlySet<string>): void {
  if (droppedGroups.length === 0) return;
  const dropped = new Set(droppedGroups);
  for (const role of ctx.desiredRoles.values()) {
    for (const g of role.grants) {
      if (dropped.has(g.privilege)) {
        ctx.out.problems.push(`role "${role.name}" is granted privilege group "${g.privilege}", which the scope owns but the policy does not define (it would be dropped)`);
      }
    }
  }
  for (const role of ctx.liveRoles.values()) {
    if (ctx.desiredRoles.has(role.name) || droppedRoles.has(role.name)) continue;
    const held = role.grants.filter((g) => dropped.has(g.privilege)).map((g) => g.privilege);
    for (const name of new Set(held)) {
      ctx.out.problems.push(
        `privilege group "${name}" would be dropped, but role "${role.name}", which the policy does not manage, is still granted it: Milvus refuses to drop a granted group (define the group, or revoke it from "${role.name}")`,
      );
    }
  }
}

// ------------------------------------------------------------------------------------ roles

function grantOp(ctx: Context, kind: 'grant' | 'revoke', role: string, g: Grant): Operation {
  return { kind, role, grant: toGrant(g), form: grantFormOf(g, ctx.customGroups, ctx.input.features).form };
}

/** Related privileges (GetLoadState…) the server holds implicitly beside a parent on the same object. */
function impliedBy(grants: readonly Grant[]): Set<string> {
  const out = new Set<string>();
  for (const g of grants) {
    for (const child of RELATED_PRIVILEGES[g.privilege] ?? []) out.add(grantKey({ ...g, privilege: child }));
  }
  return out;
}

function diffRoleGrants(ctx: Context, role: string, live: readonly Grant[], desired: readonly Grant[]): void {
  const { out, input } = ctx;
  const have = new Set(live.map(grantKey));
  const want = new Set(desired.map(grantKey));
  const revokes = live.filter((g) => !want.has(grantKey(g)));
  // A v1 revoke of a parent also takes its related privileges on versions that add them.
  const takenWithParent = new Set<string>();
  if (input.features.relatedPrivileges) {
    for (const g of revokes) {
      if (RELATED_PRIVILEGES[g.privilege] && grantFormOf(g, ctx.customGroups, input.features).form === 'v1') {
        for (const key of impliedBy([g])) takenWithParent.add(key);
      }
    }
  }
  const impliedByWanted = impliedBy(desired);
  for (const g of desired) {
    const key = grantKey(g);
    if (!have.has(key)) out.push(grantOp(ctx, 'grant', role, g), takenWithParent.has(key));
    else if (takenWithParent.has(key)) out.push(grantOp(ctx, 'grant', role, g), true);
  }
  for (const g of revokes) {
    // Held implicitly with a parent the policy keeps: the server stores it with the parent.
    if (impliedByWanted.has(grantKey(g))) continue;
    out.push(grantOp(ctx, 'revoke', role, g));
  }
}

function diffRoles(ctx: Context): string[] {
  const { out, liveRoles, desiredRoles, managed, input } = ctx;
  const dropped: string[] = [];
  for (const role of desiredRoles.values()) {
    const live = liveRoles.get(role.name);
    if (!live) out.push({ kind: 'createRole', role: role.name });
    diffRoleGrants(ctx, role.name, live?.grants ?? [], role.grants);
  }
  for (const live of liveRoles.values()) {
    if (desiredRoles.has(live.name) || !managed.role(live.name)) continue;
    if (isDefaultRole(live.name) || input.desired.protectedRoles.includes(live.name)) continue;
    dropped.push(live.name);
    // Milvus refuses to drop a role holding grants (2.3 even leaves grants of other databases behind).
    for (const g of live.grants) out.push(grantOp(ctx, 'revoke', live.name, g));
    out.push({ kind: 'dropRole', role: live.name });
  }
  return dropped;
}

/** Every custom group a desired grant names must exist after the plan. */
function checkGrantedGroupsExist(ctx: Context): void {
  for (const role of ctx.desiredRoles.values()) {
    for (const g of role.grants) {
      const name = g.privilege;
      if (name === '*' || isDefinedPrivilegeName(name) || ctx.customGroups.has(name) || ctx.input.desired.serverPrivileges?.includes(name)) continue;
      ctx.out.problems.push(`role "${role.name}" is granted privilege group "${name}", which the policy does not define and the server does not have`);
    }
  }
}

// ------------------------------------------------------------------------------------ users

/**
 * A password that is not the policy's is changed. Milvus asks for the current one unless the
 * caller is one of its superUsers, so without an oldPassword source only a superuser may plan it.
 */
function diffPassword(ctx: Context, user: string, spec: DesiredUser): void {
  const { out, input } = ctx;
  if (!spec.password) {
    out.problems.push(`user "${user}" asks for updatePassword but gives no password source`);
    return;
  }
  if (spec.oldPassword) {
    out.push({ kind: 'updatePassword', user, password: spec.password, oldPassword: spec.oldPassword });
    return;
  }
  const operator = input.operator ?? '';
  if (operator !== '' && (input.desired.serverSettings?.superUsers ?? []).includes(operator)) {
    out.push({ kind: 'updatePassword', user, password: spec.password });
    return;
  }
  out.problems.push(
    `user "${user}" gets a new password (its password is not the policy's), and Milvus asks for the current one: ` +
      `name where it is read with oldPassword: { env: … } or { file: … }, or apply as a user listed in target.settings.superUsers (common.security.superUsers)` +
      (operator === '' ? '' : `; the operator "${operator}" is not listed`),
  );
}

function diffUsers(ctx: Context, droppedRoles: ReadonlySet<string>): string[] {
  const { out, liveUsers, liveRoles, desiredRoles, managed, input } = ctx;
  const dropped: string[] = [];
  const missingPassword: string[] = [];
  const defined = new Set(input.desired.state.users.map((u) => u.name));
  const roleWillExist = (role: string): boolean =>
    desiredRoles.has(role) || isDefaultRole(role) || (liveRoles.has(role) && !droppedRoles.has(role));
  for (const user of input.desired.state.users) {
    const spec = input.desired.users[user.name];
    const live = liveUsers.get(user.name);
    for (const role of user.roles) {
      if (roleWillExist(role)) continue;
      out.problems.push(
        droppedRoles.has(role)
          ? `user "${user.name}" is bound to role "${role}", which the scope owns but the policy does not define (it would be dropped)`
          : `user "${user.name}" is bound to role "${role}", which the policy does not define and the server does not have`,
      );
    }
    if (!live) {
      if (!spec?.password) {
        missingPassword.push(user.name);
        continue;
      }
      out.push({ kind: 'createUser', user: user.name, password: spec.password });
      for (const role of user.roles) if (role !== PUBLIC_ROLE) out.push({ kind: 'bindRole', user: user.name, role });
      continue;
    }
    if (spec?.updatePassword && !input.currentPasswords?.has(user.name)) diffPassword(ctx, user.name, spec);
    const have = new Set(live.roles);
    const want = new Set(user.roles);
    for (const role of user.roles) if (!have.has(role) && role !== PUBLIC_ROLE) out.push({ kind: 'bindRole', user: user.name, role });
    // Roles that are dropped take their bindings with them: no unbind needed (or possible after).
    for (const role of live.roles) {
      if (!want.has(role) && role !== PUBLIC_ROLE && !droppedRoles.has(role)) out.push({ kind: 'unbindRole', user: user.name, role });
    }
  }
  if (missingPassword.length > 0) {
    out.problems.push(
      `${missingPassword.length === 1 ? 'user' : 'users'} ${listSome(missingPassword)} must be created but the policy gives no password source (password: { env: … } or { file: … })`,
    );
  }
  for (const live of liveUsers.values()) {
    if (defined.has(live.name)) continue;
    if (!managed.user(live.name) || live.name === ROOT_USER) continue;
    dropped.push(live.name);
    out.push({ kind: 'dropUser', user: live.name });
  }
  return dropped;
}

/**
 * A role the policy defines owns its memberships: a user the policy does not define (outside
 * scope.users, so never dropped) that is bound to it by hand is unbound, unless the role keeps
 * outside members. admin and public are left alone (their bindings are Milvus's to decide), and so
 * is root.
 */
function diffOutsideMembers(ctx: Context, droppedUsers: readonly string[], droppedRoles: ReadonlySet<string>): { user: string; role: string }[] {
  const { input, desiredRoles, liveUsers } = ctx;
  const defined = new Set(input.desired.state.users.map((u) => u.name));
  const dropping = new Set(droppedUsers);
  const keeping = new Set(input.desired.rolesKeepingOutsideMembers ?? []);
  const out: { user: string; role: string }[] = [];
  for (const live of liveUsers.values()) {
    if (defined.has(live.name) || dropping.has(live.name) || live.name === ROOT_USER || protectedByScope(input.desired, 'users', live.name)) continue;
    for (const role of live.roles) {
      if (!desiredRoles.has(role) || isDefaultRole(role) || keeping.has(role) || droppedRoles.has(role)) continue;
      ctx.out.push({ kind: 'unbindRole', user: live.name, role });
      out.push({ user: live.name, role });
    }
  }
  return out;
}

// ------------------------------------------------------------------------------------ limits

function checkLimits(ctx: Context, createdUsers: number, createdRoles: number): void {
  const limits = ctx.input.limits ?? DEFAULT_OBJECT_LIMITS;
  const users = new Set([...ctx.liveUsers.keys(), ROOT_USER]).size;
  const roles = new Set([...ctx.liveRoles.keys(), ADMIN_ROLE, PUBLIC_ROLE]).size;
  // Creations run before drops (additive first), so the peak is what exists plus what is created.
  if (createdUsers > 0 && users + createdUsers > limits.maxUsers) {
    ctx.out.problems.push(
      `the plan creates ${createdUsers} user${createdUsers === 1 ? '' : 's'} while ${users} exist (root included): ${users + createdUsers} is more than the server's limit of ${limits.maxUsers} (proxy.maxUserNum); drops run last, so raise the limit (and pass --max-users) or remove users first`,
    );
  }
  if (createdRoles > 0 && roles + createdRoles > limits.maxRoles) {
    ctx.out.problems.push(
      `the plan creates ${createdRoles} role${createdRoles === 1 ? '' : 's'} while ${roles} exist (admin and public included): ${roles + createdRoles} is more than the server's limit of ${limits.maxRoles} (proxy.maxRoleNum); drops run last, so raise the limit (and pass --max-roles) or remove roles first`,
    );
  }
}

// ------------------------------------------------------------------------------------ main

/**
 * The descriptions the policy sets, against the server's (Milvus 2.6.19+). A role or user the
 * policy gives no description keeps its own; "" clears one.
 */
function diffDescriptions(ctx: Context): void {
  const managed = ctx.input.desired.descriptions;
  if (!managed) return;
  if (!ctx.input.features.descriptions) {
    const target = ctx.input.versionLabel ? `Milvus ${ctx.input.versionLabel}` : 'the target Milvus';
    ctx.out.problems.push(`the policy sets role or user descriptions, which need Milvus 2.6.19 or newer; ${target} does not keep them`);
    return;
  }
  for (const [role, description] of Object.entries(managed.roles)) {
    if ((ctx.liveRoles.get(role)?.description ?? '') !== description) ctx.out.push({ kind: 'setRoleDescription', role, description });
  }
  for (const [user, description] of Object.entries(managed.users)) {
    if ((ctx.liveUsers.get(user)?.description ?? '') !== description) ctx.out.push({ kind: 'setUserDescription', user, description });
  }
}

const KIND_WORD: Readonly<Record<keyof ManagedScope, string>> = { users: 'user', roles: 'role', privilegeGroups: 'privilege group' };

/** Objects left alone: outside the scope (listed as unmanaged), or kept by scope.<kind>.protect (a warning each). */
function unmanagedOf(ctx: Context): UnmanagedObjects {
  const { live, desired } = ctx.input;
  const definedUsers = new Set(desired.state.users.map((u) => u.name));
  const leftAlone = (kind: keyof ManagedScope, names: readonly string[]): string[] =>
    names.filter((name) => {
      if (!protectedByScope(desired, kind, name) || !matchesName(desired.scope[kind], name)) return true;
      ctx.out.warnings.push(`${KIND_WORD[kind]} "${name}" is not in the policy, but scope.${kind}.protect keeps it: it is left as it is, not dropped`);
      return false;
    });
  return {
    users: leftAlone('users', live.users.map((u) => u.name).filter((n) => !definedUsers.has(n) && !ctx.managed.user(n) && !isBuiltinUser(n))),
    roles: leftAlone('roles', live.roles.map((r) => r.name).filter((n) => !ctx.desiredRoles.has(n) && !ctx.managed.role(n) && !isBuiltinRole(n))),
    privilegeGroups: leftAlone('privilegeGroups', live.privilegeGroups.map((g) => g.name).filter((n) => !ctx.desiredGroups.has(n) && !ctx.managed.privilegeGroup(n))),
  };
}

function warnAboutSharedRoles(ctx: Context, droppedRoles: readonly string[]): void {
  const dropped = new Set(droppedRoles);
  for (const user of ctx.input.live.users) {
    if (ctx.managed.user(user.name)) continue;
    const lost = user.roles.filter((r) => dropped.has(r));
    if (lost.length > 0) {
      ctx.out.warnings.push(`dropping role${lost.length === 1 ? '' : 's'} ${listSome(lost)} also unbinds ${user.name === ROOT_USER ? 'root' : `unmanaged user "${user.name}"`} from ${lost.length === 1 ? 'it' : 'them'}`);
    }
  }
}

/** Computes the writes that turn `live` into `desired` within the managed scope. Throws PlanError. */
export function diffStates(input: DiffInput): DiffResult {
  const { live, desired } = input;
  const liveGroups = byName(live.privilegeGroups);
  const desiredGroups = byName(desired.state.privilegeGroups);
  const ctx: Context = {
    input,
    out: new Collector(),
    liveUsers: byName(live.users),
    liveRoles: byName(live.roles),
    liveGroups,
    desiredRoles: byName(desired.state.roles),
    desiredGroups,
    customGroups: new Set([...liveGroups.keys(), ...desiredGroups.keys()]),
    managed: managedIndexOf(desired),
  };
  checkFeatures(ctx);
  const droppedGroups = diffGroups(ctx);
  const droppedRoles = diffRoles(ctx);
  const droppedRoleSet = new Set(droppedRoles);
  checkDroppedGroupsUnused(ctx, droppedGroups, droppedRoleSet);
  checkGrantedGroupsExist(ctx);
  const droppedUsers = diffUsers(ctx, droppedRoleSet);
  const outsideMembers = diffOutsideMembers(ctx, droppedUsers, droppedRoleSet);
  diffDescriptions(ctx);
  const created = (kind: Operation['kind']): number => ctx.out.operations.filter((o) => o.operation.kind === kind).length;
  checkLimits(ctx, created('createUser'), created('createRole'));
  if (ctx.out.problems.length > 0) throw new PlanError(ctx.out.problems);
  warnAboutSharedRoles(ctx, droppedRoles);
  return {
    operations: ctx.out.operations,
    unmanaged: unmanagedOf(ctx),
    warnings: ctx.out.warnings,
    dropped: { users: droppedUsers, roles: droppedRoles, privilegeGroups: droppedGroups },
    outsideMembers,
  };
}
