import type { DesiredState } from '../model/desired.js';
import type { RbacState } from '../model/types.js';
import type { LiveStateRead } from '../milvus/read-state.js';
import type { PlanHeader } from '../plan/types.js';
import type { ExecutableStep } from './executor.js';

/**
 * What `rbac apply` needs from planning (src/plan, src/report): the shape of a plan and the
 * functions that make, render, fingerprint and load one. Kept as a port so the executor, the
 * guards and the runner are tested on their own, and the planner can evolve behind it.
 */

export interface ApplyPlanStep extends ExecutableStep {
  /** The planner's own judgement that this step takes access from the operator. */
  readonly affectsOperator?: boolean;
}

export interface ApplyPlan extends PlanHeader {
  readonly steps: readonly ApplyPlanStep[];
  readonly warnings: readonly string[];
}

export interface MakePlanInput {
  readonly desired: DesiredState;
  readonly live: LiveStateRead;
  readonly policyHash: string;
  /** The user running the apply ('' when unknown), so the planner can flag steps affecting it. */
  readonly operator: string;
}

export interface PlanningPort {
  makePlan(input: MakePlanInput): ApplyPlan;
  /** Human-readable plan (terraform-like). */
  renderPlan(plan: ApplyPlan): string;
  fingerprint(state: RbacState): string;
  /** Loads and validates a saved plan file; throws a readable Error when it is not one. */
  readPlanFile(path: string): Promise<ApplyPlan>;
}
