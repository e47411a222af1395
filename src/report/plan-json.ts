import type { PlanHeader, UnmanagedObjects } from '../plan/types.js';
import { groupChanges, summarise } from './plan-changes.js';
import type { ChangeAction, ChangeSummary, ObjectKind, RenderablePlan, RenderableStep } from './plan-changes.js';

/**
 * `rbac plan --format json`: the saved-plan fields plus a summary and the per-object grouping,
 * with keys in a fixed order. Schema: docs/plan-format.md. Being a superset of the plan file, it
 * can also be given to `rbac apply`.
 */

export interface PlanJson extends PlanHeader {
  readonly summary: ChangeSummary & { readonly steps: number };
  readonly changes: readonly { readonly kind: ObjectKind; readonly name: string; readonly action: ChangeAction; readonly steps: readonly string[] }[];
  readonly steps: readonly RenderableStep[];
  readonly unmanaged: UnmanagedObjects;
  readonly warnings: readonly string[];
}

export function planToJson(plan: RenderablePlan): PlanJson {
  const changes = groupChanges(plan.steps);
  return {
    formatVersion: plan.formatVersion,
    toolVersion: plan.toolVersion,
    createdAt: plan.createdAt,
    target: { address: plan.target.address, milvusVersion: plan.target.milvusVersion },
    policyHash: plan.policyHash,
    liveFingerprint: plan.liveFingerprint,
    digest: plan.digest,
    summary: { ...summarise(changes), steps: plan.steps.length },
    changes: changes.map((c) => ({ kind: c.kind, name: c.name, action: c.action, steps: c.stepIds })),
    steps: plan.steps.map((s) => ({ id: s.id, phase: s.phase, operation: s.operation, ...(s.affectsOperator ? { affectsOperator: true } : {}) })),
    unmanaged: plan.unmanaged ?? { users: [], roles: [], privilegeGroups: [] },
    warnings: plan.warnings,
  };
}

export function renderPlanJson(plan: RenderablePlan): string {
  return `${JSON.stringify(planToJson(plan), null, 2)}\n`;
}
