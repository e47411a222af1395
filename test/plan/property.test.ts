import { describe, expect, it } from 'vitest';
import { canonicalState } from '../../src/model/canonical.js';
import { RbacEngine } from '../../src/engine/engine.js';
import { matchesName } from '../../src/model/scope.js';
import type { DesiredState } from '../../src/model/desired.js';
import type { RbacState } from '../../src/model/types.js';
import { PlanError } from '../../src/plan/errors.js';
import { makePlan } from '../../src/plan/make.js';
import type { Plan } from '../../src/plan/types.js';
import { randomCase } from './random-states.js';

/**
 * For random (live, desired) pairs: applying the plan with Milvus's rules gives the desired state
 * inside the scope and leaves everything outside it as it was. The check here is independent of
 * the planner's own simulation: its own engine, its own notion of "inside the scope".
 */

const LIMITS = { maxUsers: 1000, maxRoles: 1000 };
const BUILTIN = new Set(['root', 'admin', 'public']);

function owns(desired: DesiredState, kind: 'users' | 'roles' | 'privilegeGroups', name: string): boolean {
  const defined =
    kind === 'users' ? desired.state.users.some((u) => u.name === name)
    : kind === 'roles' ? desired.state.roles.some((r) => r.name === name)
    : desired.state.privilegeGroups.some((g) => g.name === name);
  return defined || (!BUILTIN.has(name) && matchesName(desired.scope[kind], name));
}

function part(state: RbacState, desired: DesiredState, inside: boolean): RbacState {
  return canonicalState({
    users: state.users.filter((u) => owns(desired, 'users', u.name) === inside),
    roles: state.roles.filter((r) => owns(desired, 'roles', r.name) === inside),
    privilegeGroups: state.privilegeGroups.filter((g) => owns(desired, 'privilegeGroups', g.name) === inside),
  });
}

/** A role the policy defines (not admin or public) owns its members: outside users are unbound from it. */
function ownsMembers(desired: DesiredState, role: string): boolean {
  return role !== 'admin' && role !== 'public' && desired.state.roles.some((r) => r.name === role) && !(desired.rolesKeepingOutsideMembers ?? []).includes(role);
}

function namesTouched(plan: Plan, desired: DesiredState): { users: string[]; roles: string[]; groups: string[] } {
  const out = { users: [] as string[], roles: [] as string[], groups: [] as string[] };
  for (const { operation: op } of plan.steps) {
    // Unbinding an outside user from an owned role is the role's business, not the user's.
    if ('user' in op && !(op.kind === 'unbindRole' && ownsMembers(desired, op.role))) out.users.push(op.user);
    // A binding belongs to the user (a defined user owns its bindings, whatever the role).
    if ('role' in op && op.kind !== 'bindRole' && op.kind !== 'unbindRole') out.roles.push(op.role);
    if ('group' in op) out.groups.push(op.group);
  }
  return out;
}

const CASES = 300;

describe('plan(live, desired), simulated, equals desired within the scope', () => {
  it(`holds for ${CASES} seeded random pairs on every version profile`, () => {
    let planned = 0;
    const refusals = new Set<string>();
    for (let seed = 1; seed <= CASES; seed++) {
      const { version, live, desired, profile } = randomCase(seed);
      let plan: Plan;
      try {
        // Every other case runs as one of the live users, so steps affecting the operator move last.
        const operator = seed % 2 === 0 ? (live.users[seed % live.users.length]?.name ?? '') : '';
        plan = makePlan({ desired, live: { state: live, version, versionString: `v${profile}`, address: 'test' }, policyHash: 'h', limits: LIMITS, operator });
      } catch (error) {
        // The only refusal the generator can provoke: a dropped group an unmanaged role still holds.
        if (!(error instanceof PlanError)) throw new Error(`seed ${seed} (${profile}): ${String(error)}`);
        for (const p of error.problems) {
          expect(p, `seed ${seed}`).toMatch(/would be dropped, but role ".*", which the policy does not manage, is still granted it/);
        }
        refusals.add(String(seed));
        continue;
      }
      planned++;
      const engine = new RbacEngine({ version, limits: LIMITS }, live);
      const before = engine.snapshot();
      for (const step of plan.steps) engine.apply(step.operation, { caller: 'root' });
      const after = engine.snapshot();
      expect(part(after, desired, true), `seed ${seed} (${profile}) inside the scope`).toEqual(part(desired.state, desired, true));
      const dropped = new Set(plan.steps.flatMap((s) => (s.operation.kind === 'dropRole' ? [s.operation.role] : [])));
      const defined = new Set(desired.state.users.map((u) => u.name));
      const keeps = (user: string, role: string): boolean => !dropped.has(role) && (user === 'root' || defined.has(user) || !ownsMembers(desired, role));
      const expectedOutside = { ...before, users: before.users.map((u) => ({ name: u.name, roles: u.roles.filter((r) => keeps(u.name, r)) })) };
      expect(part(after, desired, false), `seed ${seed} (${profile}) outside the scope`).toEqual(part(expectedOutside, desired, false));
      const touched = namesTouched(plan, desired);
      for (const u of touched.users) expect(owns(desired, 'users', u), `seed ${seed}: step on unmanaged user ${u}`).toBe(true);
      for (const r of touched.roles) expect(owns(desired, 'roles', r), `seed ${seed}: step on unmanaged role ${r}`).toBe(true);
      for (const g of touched.groups) expect(owns(desired, 'privilegeGroups', g), `seed ${seed}: step on unmanaged group ${g}`).toBe(true);
      const phases = plan.steps.map((s) => s.phase);
      expect(phases).toEqual([...phases].sort((a, b) => a - b));
    }
    // The generator must mostly produce plannable pairs, or the property says little.
    expect(planned).toBeGreaterThan(CASES * 0.8);
  });
});
