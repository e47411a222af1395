/** `rbac apply`: executor, guards, lock-out protection, verification, and the runner the CLI calls. */
export { executePlan, groupIntoPhases, backoffDelay, defaultIsTransient } from './executor.js';
export type { ApplyReport, ExecutableStep, ExecutorEvent, ExecutorOptions, RetryPolicy, RunContext, RunStep, StepFailure } from './executor.js';
export { checkNoDestroy, checkProtected, checkSavedPlan, checkPasswordSources, adminBindings } from './guards.js';
export type { Refusal, SavedPlanIdentity, CurrentTarget } from './guards.js';
export { affectsOperator, protectOperator } from './lockout.js';
export type { LockoutInput, LockoutResult } from './lockout.js';
export { progressReporter } from './progress.js';
export type { ProgressMode } from './progress.js';
export { runApply, DEFAULT_PARALLELISM, DEFAULT_RETRY } from './run.js';
export type { ApplyResult, ApplySource, ApplyStatus, RunApplyOptions, RunApplyResult, StepSummary } from './run.js';
export { defaultPlanning } from './planning.js';
export type { ApplyPlan, ApplyPlanStep, MakePlanInput, PlanningPort } from './types.js';
export { describeDifferences, expectedAfter } from './verify.js';
