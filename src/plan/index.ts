/**
 * Planning: diff → order → simulate, plan files and fingerprints. Pure and SDK-free; `run.ts`
 * (the `rbac plan` pipeline with a live Milvus) is imported on its own so this stays light.
 */
export { diffStates } from './diff.js';
export type { DiffInput, DiffResult, PlannedOperation } from './diff.js';
export { InternalPlanError, PlanError } from './errors.js';
export { fingerprintState } from './fingerprint.js';
export { makePlan } from './make.js';
export type { LiveSnapshot, MakePlanOptions } from './make.js';
export { orderSteps, SESSION_END_PHASE, stepId, takesAccessFromOperator } from './order.js';
export { parsePlan, PlanFileError, readPlanFile, serialisePlan, writePlanFile } from './plan-file.js';
export { describeStateDifferences, simulatePlan } from './simulate.js';
export { PLAN_FORMAT_VERSION } from './types.js';
export type { Plan, PlanStep, PlanTarget, UnmanagedObjects } from './types.js';
