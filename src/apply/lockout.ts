import { isAllowed, requirementOf } from '../model/access.js';
import type { AccessOptions } from '../model/access.js';
import { accessRulesOn } from '../model/platform.js';
import type { Platform } from '../model/platform.js';
import { grantKey } from '../model/canonical.js';
import type { ServerSettings } from '../model/desired.js';
import { ADMIN_ROLE, PUBLIC_ROLE } from '../model/names.js';
import type { Operation } from '../model/operations.js';
import type { Grant, RbacState } from '../model/types.js';
import type { MilvusVersion } from '../model/versions.js';
import { describeOperation } from '../milvus/describe.js';
import { operatorImpactJudge, rolesHeldBy } from '../plan/operator-impact.js';
import type { ExecutableStep } from './executor.js';
import type { Refusal } from './guards.js';
import { adminBindings } from './guards.js';

/**
 * Lock-out protection for the user running the apply (the operator):
 * 1. steps that take access away from the operator run last, so everything else is done while
 *    the operator still can;
 * 2. the reordered plan is followed call by call with Milvus's authorisation rules; a plan in
 *    which the operator would be refused a later step, would lose the right to manage access
 *    control, would be dropped, or which removes the last admin binding, is refused.
 */

export interface LockoutInput<S extends ExecutableStep> {
  readonly steps: readonly S[];
  readonly live: RbacState;
  /** '' when the credentials do not say who we are: then nothing can be checked. */
  readonly operator: string;
  readonly version: MilvusVersion;
  /**
   * The server settings the policy declares (DesiredState.serverSettings). Only
   * rootShouldBindRole matters here: when true, root is checked like any operator. Absent (a
   * saved plan, a policy declaring nothing): Milvus's default, root passes every check.
   */
  readonly serverSettings?: ServerSettings | undefined;
  /** Zilliz Cloud: its db_admin passes every check in place of root and admin. */
  readonly platform?: Platform | undefined;
}

export interface LockoutResult<S extends ExecutableStep> {
  /** The plan with operator-affecting steps moved to the end. */
  readonly steps: S[];
  readonly operatorSteps: S[];
  readonly refusals: Refusal[];
  readonly warnings: string[];
}

/**
 * The part of the state that decides what one user may do (its bindings, its roles' grants, the
 * custom groups), kept up to date step by step in constant time per step: re-deriving a full
 * state after every step would make checking a 10 000-step plan quadratic.
 */
class AccessTracker {
  private readonly bindings = new Map<string, Set<string>>();
  private readonly grants = new Map<string, Map<string, Grant>>();
  private readonly groups = new Map<string, Set<string>>();

  constructor(state: RbacState) {
    for (const u of state.users) this.bindings.set(u.name, new Set(u.roles));
    for (const r of state.roles) this.grants.set(r.name, new Map(r.grants.map((g) => [grantKey(g), g])));
    for (const g of state.privilegeGroups) this.groups.set(g.name, new Set(g.privileges));
  }

  private view: { user: string; state: RbacState } | undefined;

  apply(op: Operation): void {
    if (this.view && this.changesAccessOf(this.view.user, op)) this.view = undefined;
    this.mutate(op);
  }

  /** Whether `op` can change what `user` may do; when not, the cached view stays valid. */
  private changesAccessOf(user: string, op: Operation): boolean {
    switch (op.kind) {
      case 'createUser':
      case 'dropUser':
      case 'bindRole':
      case 'unbindRole':
      case 'updatePassword':
        return op.user === user;
      case 'createRole':
      case 'setRoleDescription':
      case 'setUserDescription':
        return false;
      case 'dropRole':
      case 'grant':
      case 'revoke':
        return op.role === PUBLIC_ROLE || (this.bindings.get(user)?.has(op.role) ?? false);
      default:
        return true;
    }
  }

  private mutate(op: Operation): void {
    switch (op.kind) {
      case 'createUser':
        if (!this.bindings.has(op.user)) this.bindings.set(op.user, new Set());
        return;
      case 'dropUser':
        this.bindings.delete(op.user);
        return;
      case 'bindRole':
        if (this.grants.has(op.role)) this.bindings.get(op.user)?.add(op.role);
        return;
      case 'unbindRole':
        this.bindings.get(op.user)?.delete(op.role);
        return;
      case 'createRole':
        if (!this.grants.has(op.role)) this.grants.set(op.role, new Map());
        return;
      case 'dropRole':
        this.grants.delete(op.role);
        for (const roles of this.bindings.values()) roles.delete(op.role);
        return;
      case 'grant':
        this.grants.get(op.role)?.set(grantKey(op.grant), op.grant);
        return;
      case 'revoke':
        this.grants.get(op.role)?.delete(grantKey(op.grant));
        return;
      case 'createPrivilegeGroup':
        if (!this.groups.has(op.group)) this.groups.set(op.group, new Set());
        return;
      case 'addPrivilegesToGroup':
        for (const p of op.privileges) this.groups.get(op.group)?.add(p);
        return;
      case 'removePrivilegesFromGroup':
        for (const p of op.privileges) this.groups.get(op.group)?.delete(p);
        return;
      case 'dropPrivilegeGroup':
        this.groups.delete(op.group);
        return;
      case 'updatePassword':
      case 'setRoleDescription':
      case 'setUserDescription':
        return;
    }
  }

  /** A state holding only what decides `user`'s access: enough for the access evaluator. */
  viewOf(user: string): RbacState {
    if (this.view?.user !== user) this.view = { user, state: this.buildView(user) };
    return this.view.state;
  }

  private buildView(user: string): RbacState {
    const roles = [...(this.bindings.get(user) ?? [])];
    return {
      users: [{ name: user, roles }],
      roles: [...new Set([...roles, PUBLIC_ROLE])].map((name) => ({ name, grants: [...(this.grants.get(name)?.values() ?? [])] })),
      privilegeGroups: [...this.groups].map(([name, privileges]) => ({ name, privileges: [...privileges] })),
    };
  }

  adminBindings(): string[] {
    return [...this.bindings].filter(([, roles]) => roles.has(ADMIN_ROLE)).map(([name]) => name).sort();
  }
}

/** What running `rbac` needs: reading users/roles/grants and changing grants and bindings. */
const MANAGEMENT_PRIVILEGES = ['SelectOwnership', 'ManageOwnership'] as const;

/** The named objects an operation reads or changes. */
function objectsTouched(op: Operation): string[] {
  switch (op.kind) {
    case 'createUser':
    case 'setUserDescription':
    case 'updatePassword':
    case 'dropUser':
      return [`user:${op.user}`];
    case 'createRole':
    case 'setRoleDescription':
    case 'dropRole':
      return [`role:${op.role}`];
    case 'bindRole':
    case 'unbindRole':
      return [`user:${op.user}`, `role:${op.role}`];
    case 'grant':
    case 'revoke':
      // A grant may name a custom group: dropping that group must wait for its revoke.
      return [`role:${op.role}`, `group:${op.grant.privilege}`];
    case 'createPrivilegeGroup':
    case 'addPrivilegesToGroup':
    case 'removePrivilegesFromGroup':
    case 'dropPrivilegeGroup':
      return [`group:${op.group}`];
  }
}

/** The RBAC call each operation makes, for the authorisation check. */
function callOf(op: Operation): { call: string; user?: string; role?: string } {
  switch (op.kind) {
    case 'createUser':
      return { call: 'CreateCredential', user: op.user };
    case 'updatePassword':
    case 'setUserDescription':
      return { call: 'UpdateCredential', user: op.user };
    case 'setRoleDescription':
      return { call: 'AlterRole', role: op.role };
    case 'dropUser':
      return { call: 'DeleteCredential', user: op.user };
    case 'createRole':
      return { call: 'CreateRole', role: op.role };
    case 'dropRole':
      return { call: 'DropRole', role: op.role };
    case 'bindRole':
    case 'unbindRole':
      return { call: 'OperateUserRole', user: op.user, role: op.role };
    case 'grant':
    case 'revoke':
      return { call: op.form === 'v2' ? 'OperatePrivilegeV2' : 'OperatePrivilege', role: op.role };
    case 'createPrivilegeGroup':
      return { call: 'CreatePrivilegeGroup' };
    case 'addPrivilegesToGroup':
    case 'removePrivilegesFromGroup':
      return { call: 'OperatePrivilegeGroup' };
    case 'dropPrivilegeGroup':
      return { call: 'DropPrivilegeGroup' };
  }
}

function operatorMayRun(state: RbacState, version: MilvusVersion, operator: string, op: Operation, rules: AccessOptions): string | null {
  const { call, ...subject } = callOf(op);
  const requirement = requirementOf(call, subject, operator, [...rolesHeldBy(state, operator)]);
  if (!requirement) return null;
  const target = { objectType: requirement.objectType, objectName: requirement.objectName, dbName: 'default' };
  return isAllowed(state, version, operator, requirement.privilege, target, rules) ? null : requirement.privilege;
}

function canManage(state: RbacState, version: MilvusVersion, operator: string, rules: AccessOptions): string[] {
  return MANAGEMENT_PRIVILEGES.filter((p) => !isAllowed(state, version, operator, p, { objectType: 'Global', objectName: '*', dbName: 'default' }, rules));
}

export function protectOperator<S extends ExecutableStep>(input: LockoutInput<S>): LockoutResult<S> {
  const { live, operator, version } = input;
  const rules: AccessOptions = { rootShouldBindRole: input.serverSettings?.rootShouldBindRole === true, ...accessRulesOn(input.platform) };
  if (!operator) {
    return {
      steps: [...input.steps],
      operatorSteps: [],
      refusals: [],
      warnings: ['the credentials do not name a user (API key?): lock-out protection cannot tell which steps affect the operator'],
    };
  }
  // Judged again here rather than read from the plan: a saved plan is a file anyone could edit.
  const impactOf = operatorImpactJudge(live, operator, rules);
  const affects = (s: S): boolean => impactOf(s.operation) !== 'none';
  const endsSession = (s: S): boolean => impactOf(s.operation) === 'ends-session';
  // A step touching an object a moved step touched, later in the plan, depends on it (a drop
  // after a revoke, a re-grant after a revoke): it moves too, so the order between them holds.
  const movedObjects = new Set<string>();
  const affecting: S[] = [];
  const others: S[] = [];
  for (const step of input.steps) {
    const keys = objectsTouched(step.operation);
    if (affects(step) || keys.some((k) => movedObjects.has(k))) {
      affecting.push(step);
      for (const k of keys) movedObjects.add(k);
    } else {
      others.push(step);
    }
  }
  const operatorSteps = [...affecting.filter((s) => !endsSession(s)), ...affecting.filter(endsSession)];
  const steps = [...others, ...operatorSteps];

  const refusals: Refusal[] = [];
  const tracker = new AccessTracker(live);
  const lostAtStart = canManage(live, version, operator, rules);
  for (const step of steps) {
    const missing = operatorMayRun(tracker.viewOf(operator), version, operator, step.operation, rules);
    // A step the operator could never run is Milvus's refusal to report, not a lock-out.
    if (missing && operatorMayRun(live, version, operator, step.operation, rules) === null) {
      refusals.push({
        guard: 'self-lockout',
        stepId: step.id,
        message: `after earlier steps, ${operator} would no longer hold ${missing} and could not run step ${step.id}: ${describeOperation(step.operation)}`,
      });
    }
    if (step.operation.kind === 'dropUser' && step.operation.user === operator) {
      refusals.push({ guard: 'self-lockout', stepId: step.id, message: `step ${step.id} drops ${operator}, the user running the apply` });
    }
    if (step.operation.kind === 'updatePassword' && step.operation.user === operator) {
      refusals.push({
        guard: 'self-lockout',
        stepId: step.id,
        message: `step ${step.id} changes the password of ${operator}, the user running the apply: the check after the apply could not log in`,
      });
    }
    tracker.apply(step.operation);
  }
  const lost = canManage(tracker.viewOf(operator), version, operator, rules).filter((p) => !lostAtStart.includes(p));
  if (lost.length > 0) {
    refusals.push({
      guard: 'self-lockout',
      message: `the plan would leave ${operator} without ${lost.join(' and ')}: later runs of rbac could not read or change access control`,
    });
  }
  const adminsBefore = adminBindings(live);
  if (adminsBefore.length > 0 && tracker.adminBindings().length === 0) {
    refusals.push({ guard: 'self-lockout', message: `the plan removes the last binding to the ${ADMIN_ROLE} role (${adminsBefore.join(', ')})` });
  }
  return { steps, operatorSteps, refusals, warnings: [] };
}
