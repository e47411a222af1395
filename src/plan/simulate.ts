import deepEqual from 'fast-deep-equal';
import { canonicalState } from '../model/canonical.js';
import type { DesiredState } from '../model/desired.js';
import { RbacEngine } from '../engine/engine.js';
import { describeStateDifferences } from '../model/state-differences.js';
import { isRbacError } from '../engine/errors.js';
import type { ObjectLimits } from '../model/names.js';
import { ADMIN_ROLE, PUBLIC_ROLE, ROOT_USER } from '../model/names.js';
import type { RbacState } from '../model/types.js';
import type { MilvusVersion } from '../model/versions.js';
import { InternalPlanError } from './errors.js';
import { managedIndexOf } from './scope.js';
import type { PlanStep } from './types.js';

/**
 * Proves a plan before it is shown: its steps are applied, with Milvus's rules (the emulator's
 * engine), to a copy of the live state. Within the managed scope the result must equal the desired
 * state; outside it nothing may change except bindings to roles the plan drops. Anything else is a
 * bug in the planner, reported as an InternalPlanError instead of a wrong plan.
 */

export interface SimulateInput {
  readonly live: RbacState;
  readonly desired: DesiredState;
  readonly steps: readonly PlanStep[];
  readonly version: MilvusVersion;
  readonly limits: ObjectLimits;
  readonly operator?: string;
  /** Roles the plan drops: unmanaged users' bindings to them go with them. */
  readonly droppedRoles: readonly string[];
  /** Bindings of users outside the policy to roles it owns, which the plan removes. */
  readonly outsideMembers?: readonly { readonly user: string; readonly role: string }[];
}

type Part = 'inside' | 'outside';

/** Filters a canonical state; filtering keeps it canonical. */
function split(state: RbacState, managed: ReturnType<typeof managedIndexOf>, part: Part): RbacState {
  const keep = (inScope: boolean): boolean => (part === 'inside' ? inScope : !inScope);
  return ({
    users: state.users.filter((u) => keep(managed.user(u.name))),
    roles: state.roles.filter((r) => keep(managed.role(r.name))),
    privilegeGroups: state.privilegeGroups.filter((g) => keep(managed.privilegeGroup(g.name))),
  });
}

/** The engine always has root, admin and public, whether or not the state read lists them. */
function withBuiltins(state: RbacState): RbacState {
  const missingUser = !state.users.some((u) => u.name === ROOT_USER);
  const missingRoles = [ADMIN_ROLE, PUBLIC_ROLE].filter((name) => !state.roles.some((r) => r.name === name));
  if (!missingUser && missingRoles.length === 0) return state;
  return canonicalState({
    users: missingUser ? [...state.users, { name: ROOT_USER, roles: [] }] : state.users,
    roles: [...state.roles, ...missingRoles.map((name) => ({ name, grants: [] }))],
    privilegeGroups: state.privilegeGroups,
  });
}

function withoutOutsideMembers(state: RbacState, members: readonly { readonly user: string; readonly role: string }[]): RbacState {
  if (members.length === 0) return state;
  const gone = new Set(members.map((m) => `${m.user}\u0000${m.role}`));
  return { ...state, users: state.users.map((u) => ({ ...u, roles: u.roles.filter((r) => !gone.has(`${u.name}\u0000${r}`)) })) };
}

function withoutBindingsTo(state: RbacState, roles: ReadonlySet<string>): RbacState {
  if (roles.size === 0) return state;
  return { ...state, users: state.users.map((u) => ({ name: u.name, roles: u.roles.filter((r) => !roles.has(r)) })) };
}

function withoutDescriptions(state: RbacState): RbacState {
  return {
    users: state.users.map((u) => ({ name: u.name, roles: u.roles })),
    roles: state.roles.map((r) => ({ name: r.name, grants: r.grants })),
    privilegeGroups: state.privilegeGroups,
  };
}

function differentDescriptions(desired: DesiredState, result: RbacState): string[] {
  const out: string[] = [];
  const check = (kind: 'role' | 'user', wanted: Readonly<Record<string, string>>, have: readonly { name: string; description?: string }[]): void => {
    const actual = new Map(have.map((x) => [x.name, x.description ?? '']));
    for (const [name, description] of Object.entries(wanted)) {
      const got = actual.get(name) ?? '';
      if (got !== description) out.push(`managed ${kind} "${name}": description ${JSON.stringify(got)}, not ${JSON.stringify(description)}`);
    }
  };
  check('role', desired.descriptions?.roles ?? {}, result.roles);
  check('user', desired.descriptions?.users ?? {}, result.users);
  return out;
}

/** Applies the steps to the live state; returns the state they lead to. Throws InternalPlanError. */
export function simulatePlan(input: SimulateInput): RbacState {
  const engine = new RbacEngine({ version: input.version, limits: input.limits }, input.live);
  const before = withBuiltins(canonicalState(input.live));
  const caller = input.operator && engine.hasUser(input.operator) ? input.operator : ROOT_USER;
  for (const step of input.steps) {
    try {
      // No password resolver: users are created without one, and no password is ever read here.
      engine.apply(step.operation, { caller });
    } catch (error) {
      if (!isRbacError(error)) throw error;
      throw new InternalPlanError(`the plan is wrong: Milvus would refuse step ${step.id} (${error.message})`, []);
    }
  }
  const result = engine.snapshot();
  const managed = managedIndexOf(input.desired);
  // Descriptions are compared apart: the policy owns only those it sets.
  const plain = withoutDescriptions(result);
  const expectedInside = split(canonicalState(withoutDescriptions(input.desired.state)), managed, 'inside');
  const actualInside = split(plain, managed, 'inside');
  const expectedOutside = split(withoutOutsideMembers(withoutBindingsTo(withoutDescriptions(before), new Set(input.droppedRoles)), input.outsideMembers ?? []), managed, 'outside');
  const actualOutside = split(plain, managed, 'outside');
  const descriptionDifferences = differentDescriptions(input.desired, result);
  // Deep equality first: describing differences costs a key per grant, worth it only on failure.
  if (deepEqual(expectedInside, actualInside) && deepEqual(expectedOutside, actualOutside) && descriptionDifferences.length === 0) return result;
  const differences = [
    ...describeStateDifferences(expectedInside, actualInside, 'managed'),
    ...describeStateDifferences(expectedOutside, actualOutside, 'unmanaged'),
    ...descriptionDifferences,
  ];
  if (differences.length > 0) {
    throw new InternalPlanError('the plan would not produce the state the policy describes (a planner bug: please report it):', differences);
  }
  return result;
}

/**
 * The state `steps` lead to from `live`, a step Milvus would refuse leaving it as it was (the
 * apply reports such a step when it runs). What a saved plan's verification expects.
 */
export function stateAfterSteps(live: RbacState, steps: readonly Pick<PlanStep, 'operation'>[], version: MilvusVersion, operator: string): RbacState {
  const engine = new RbacEngine({ version, limits: { maxUsers: Number.MAX_SAFE_INTEGER, maxRoles: Number.MAX_SAFE_INTEGER } }, live);
  for (const step of steps) {
    try {
      engine.apply(step.operation, { caller: operator || ROOT_USER });
    } catch (error) {
      if (!isRbacError(error)) throw error;
    }
  }
  return engine.snapshot();
}
