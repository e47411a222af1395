/**
 * Planning: diff → order → simulate, plan files and fingerprints. Pure and SDK-free; the path
 * from a policy and a live Milvus to a plan is src/pipeline.
 */
export { diffStates } from './diff.js';
export type { DiffInput, DiffResult, PlannedOperation } from './diff.js';
export { InternalPlanError, PlanError } from './errors.js';
export { fingerprintState } from './fingerprint.js';
export { makePlan } from './make.js';
export type { LiveSnapshot, MakePlanOptions } from './make.js';
export { orderSteps, SESSION_END_PHASE, stepId } from './order.js';
export { customGroupsGrantedTo, operatorImpactJudge, rolesHeldBy } from './operator-impact.js';
export type { OperatorImpact } from './operator-impact.js';
export { parsePlan, PlanFileError, readPlanFile, serialisePlan, writePlanFile } from './plan-file.js';
export { simulatePlan, stateAfterSteps } from './simulate.js';
export { PLAN_FORMAT_VERSION } from './types.js';
export type { Plan, PlanStep, PlanTarget, UnmanagedObjects } from './types.js';
