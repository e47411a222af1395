import { describe, expect, it } from 'vitest';
import { PlanError } from '../../src/plan/errors.js';
import { makePlan } from '../../src/plan/make.js';
import type { DesiredState } from '../../src/model/desired.js';
import { coll, desired, fresh, versionOf } from './helpers.js';

// Nine custom roles: one more than Milvus's default proxy.maxRoleNum (10, admin and public included).
const nineRoles = Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`team_${i}`, [coll('books', 'Search')]]));

function planFor(want: DesiredState, limits?: { maxRoles?: number }) {
  return () =>
    makePlan({
      desired: want,
      live: { state: fresh(), version: versionOf('2.5'), versionString: 'v2.5.4', address: 'localhost:19530' },
      policyHash: '0'.repeat(64),
      ...(limits ? { limits } : {}),
    });
}

describe('makePlan: the target limits', () => {
  it("refuses, before any step, a policy needing more roles than Milvus's default allows", () => {
    expect(planFor(desired({ roles: nineRoles }))).toThrow(PlanError);
    expect(planFor(desired({ roles: nineRoles }))).toThrow(/proxy\.maxRoleNum/);
  });

  it("takes the raised limit from the policy's target.limits", () => {
    const want: DesiredState = { ...desired({ roles: nineRoles }), limits: { maxRoles: 11 } };
    expect(planFor(want)().steps.filter((s) => s.operation.kind === 'createRole')).toHaveLength(9);
  });

  it('lets a flag override the policy, in either direction', () => {
    const raisedInPolicy: DesiredState = { ...desired({ roles: nineRoles }), limits: { maxRoles: 11 } };
    expect(planFor(raisedInPolicy, { maxRoles: 10 })).toThrow(PlanError);
    expect(planFor(desired({ roles: nineRoles }), { maxRoles: 20 })().steps.filter((s) => s.operation.kind === 'createRole')).toHaveLength(9);
  });
});

describe('the policy carries its declared limits to the planner', () => {
  it('puts target.limits into the desired state', async () => {
    const { loadPolicyText } = await import('../../src/policy/index.js');
    const text = 'version: 1\ntarget:\n  limits:\n    maxRoles: 40\n    maxUsers: 500\nroles:\n  reader: {}\n';
    const result = loadPolicyText(text, 'limits.yaml');
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.desired.limits).toEqual({ maxRoles: 40, maxUsers: 500 });
  });
});
