import { protectedByScope } from '../model/scope.js';
import type { DesiredState } from '../model/desired.js';
import { ADMIN_ROLE, PUBLIC_ROLE, ROOT_USER } from '../model/names.js';
import type { Operation } from '../model/operations.js';
import type { RbacState } from '../model/types.js';
import { formatVersion, parseMilvusVersion } from '../model/versions.js';
import { describeOperation } from '../milvus/describe.js';
import type { ExecutableStep } from './executor.js';

/**
 * Refusals decided before anything runs. Each guard is a pure function returning the offending
 * steps with a reason; an empty list means the plan may go ahead.
 */

export interface Refusal {
  readonly guard: 'no-destroy' | 'protected' | 'self-lockout' | 'stale-plan' | 'other-target' | 'plan-format' | 'password' | 'mass-drop' | 'plan-integrity' | 'not-reviewed' | 'lock';
  readonly message: string;
  readonly stepId?: string;
}

const DROPS: ReadonlySet<Operation['kind']> = new Set(['dropUser', 'dropRole', 'dropPrivilegeGroup']);

function stepLabel(step: ExecutableStep): string {
  return `${step.id}: ${describeOperation(step.operation)}`;
}

/**
 * `--no-destroy`: no user, role or privilege group is dropped, and no user outside the policy is
 * unbound from a role the policy owns (that takes access from someone the policy never named).
 * Revokes and the policy's own users' unbinds stay allowed.
 */
export function checkNoDestroy(steps: readonly ExecutableStep[], outsideUsers: readonly string[] = []): Refusal[] {
  const outside = new Set(outsideUsers);
  return steps
    .filter((s) => DROPS.has(s.operation.kind) || (s.operation.kind === 'unbindRole' && outside.has(s.operation.user)))
    .map((s) => ({ guard: 'no-destroy', stepId: s.id, message: `--no-destroy refuses step ${stepLabel(s)}` }));
}

function droppedName(op: Operation): { kind: 'user' | 'role' | 'privilege group'; name: string } | null {
  switch (op.kind) {
    case 'dropUser':
      return { kind: 'user', name: op.user };
    case 'dropRole':
      return { kind: 'role', name: op.role };
    case 'dropPrivilegeGroup':
      return { kind: 'privilege group', name: op.group };
    default:
      return null;
  }
}

/**
 * Objects marked `protect: true` are never dropped, and neither are root, admin and public
 * (Milvus refuses those anyway; refusing up front keeps the run from stopping half-way).
 */
export function checkProtected(steps: readonly ExecutableStep[], desired: Pick<DesiredState, 'users' | 'protectedRoles' | 'protectedPrivilegeGroups' | 'scopeProtect'>): Refusal[] {
  const out: Refusal[] = [];
  for (const step of steps) {
    const dropped = droppedName(step.operation);
    if (!dropped) continue;
    const isProtected =
      (dropped.kind === 'user' && (dropped.name === ROOT_USER || desired.users[dropped.name]?.protect === true || protectedByScope(desired, 'users', dropped.name))) ||
      (dropped.kind === 'role' &&
        (dropped.name === ADMIN_ROLE || dropped.name === PUBLIC_ROLE || desired.protectedRoles.includes(dropped.name) || protectedByScope(desired, 'roles', dropped.name))) ||
      (dropped.kind === 'privilege group' && (desired.protectedPrivilegeGroups.includes(dropped.name) || protectedByScope(desired, 'privilegeGroups', dropped.name)));
    if (isProtected) {
      out.push({ guard: 'protected', stepId: step.id, message: `${dropped.kind} ${dropped.name} is protected and is never dropped: step ${stepLabel(step)}` });
    }
  }
  return out;
}

/** Passwords are resolved before any step runs, so a missing variable stops the run with nothing changed. */
export function checkPasswordSources(steps: readonly ExecutableStep[], canResolve: (op: Extract<Operation, { password: unknown }>) => string | null): Refusal[] {
  const out: Refusal[] = [];
  for (const step of steps) {
    const op = step.operation;
    if (op.kind !== 'createUser' && op.kind !== 'updatePassword') continue;
    const problem = canResolve(op);
    if (problem) out.push({ guard: 'password', stepId: step.id, message: `step ${stepLabel(step)}: ${problem}` });
  }
  return out;
}

/** `v2.5.4` and `2.5.4` are the same version; build suffixes (`-lite`) are not compared. */
function sameVersion(a: string, b: string): boolean {
  const pa = parseMilvusVersion(a);
  const pb = parseMilvusVersion(b);
  return pa && pb ? formatVersion(pa) === formatVersion(pb) : a === b;
}

export interface SavedPlanIdentity {
  readonly formatVersion: number;
  readonly target: { readonly address: string; readonly milvusVersion: string };
  readonly liveFingerprint: string;
}

export interface CurrentTarget {
  readonly address: string;
  readonly milvusVersion: string;
  readonly liveFingerprint: string;
}

/**
 * A saved plan is executed only against the target it was made for, and only if the live state
 * is exactly the one it was computed from: otherwise its steps may no longer be right.
 */
export function checkSavedPlan(plan: SavedPlanIdentity, current: CurrentTarget): Refusal[] {
  const out: Refusal[] = [];
  if (plan.formatVersion !== 1) {
    out.push({ guard: 'plan-format', message: `plan format version ${String(plan.formatVersion)} is not supported (expected 1)` });
    return out;
  }
  if (plan.target.address !== current.address) {
    out.push({ guard: 'other-target', message: `the plan was made for ${plan.target.address}, not ${current.address}` });
  }
  if (sameVersion(plan.target.milvusVersion, current.milvusVersion) === false) {
    out.push({
      guard: 'other-target',
      message: `the plan was made for Milvus ${plan.target.milvusVersion}, but ${current.address} runs ${current.milvusVersion}`,
    });
  }
  if (out.length === 0 && plan.liveFingerprint !== current.liveFingerprint) {
    out.push({
      guard: 'stale-plan',
      message: `the live state of ${current.address} changed since the plan was made (fingerprint ${plan.liveFingerprint.slice(0, 12)} → ${current.liveFingerprint.slice(0, 12)}); run rbac plan again`,
    });
  }
  return out;
}

/** Users bound to admin, root included: root holds admin implicitly and cannot be dropped. */
export function adminBindings(state: RbacState): string[] {
  return state.users.filter((u) => u.roles.includes(ADMIN_ROLE)).map((u) => u.name).sort();
}
