import type { Operation } from '../model/operations.js';

/**
 * The shape of a plan: what `rbac plan` shows and saves, and what `rbac apply` executes.
 * Kept stable: the apply code and saved plan files depend on it (docs/plan-format.md).
 */

/** The saved-plan format this code writes and the only one it reads. */
export const PLAN_FORMAT_VERSION = 1;

export interface PlanStep {
  /** Stable identity of the step, e.g. `grant:reader:default:Collection:books:Search`. */
  readonly id: string;
  /** 1-based phase: the index of the operation kind in PHASE_ORDER plus one; operator steps go last. */
  readonly phase: number;
  readonly operation: Operation;
  /** Takes access away from the credentials running the apply: runs in the final phase. */
  readonly affectsOperator?: boolean;
}

export interface PlanTarget {
  readonly address: string;
  /** GetVersion's answer, e.g. `v2.5.4`. */
  readonly milvusVersion: string;
}

/** Objects that exist on the instance but lie outside the policy's managed scope: listed, never changed. */
export interface UnmanagedObjects {
  readonly users: readonly string[];
  readonly roles: readonly string[];
  readonly privilegeGroups: readonly string[];
}

/** What identifies a plan: where and from what it was made. Renderers and apply read only this and the steps. */
export interface PlanHeader {
  readonly formatVersion: number;
  readonly toolVersion: string;
  /** ISO-8601 UTC. */
  readonly createdAt: string;
  readonly target: PlanTarget;
  /** sha256 of the canonical desired state (from the policy loader). */
  readonly policyHash: string;
  /** sha256 of the canonical live state the plan was computed from. */
  readonly liveFingerprint: string;
  /** sha256 of what the plan does and was made from (plan/digest.ts): what a reviewer quotes. */
  readonly digest: string;
}

export interface Plan extends PlanHeader {
  readonly formatVersion: typeof PLAN_FORMAT_VERSION;
  readonly steps: readonly PlanStep[];
  readonly unmanaged: UnmanagedObjects;
  readonly warnings: readonly string[];
}
