/** `rbac apply`: executor, guards, lock-out protection, verification, and the runner the CLI calls. */
export { executePlan, groupIntoPhases, backoffDelay, defaultIsTransient } from './executor.js';
export type { ApplyReport, ExecutableStep, ExecutorEvent, ExecutorOptions, RetryPolicy, RunContext, RunStep, StepFailure } from './executor.js';
export { checkNoDestroy, checkProtected, checkSavedPlan, checkPasswordSources, adminBindings } from './guards.js';
export type { Refusal, SavedPlanIdentity, CurrentTarget } from './guards.js';
export { protectOperator } from './lockout.js';
export type { LockoutInput, LockoutResult } from './lockout.js';
export { progressReporter } from './progress.js';
export type { ProgressMode } from './progress.js';
export { runApply, DEFAULT_PARALLELISM, DEFAULT_RETRY } from './run.js';
export type { ApplySource, RunApplyOptions } from './run.js';
export type { ApplyResult, ApplyStatus, RunApplyResult, StepSummary } from './result.js';
export { verifyApply } from './verify.js';
