import type { ObjectLimits } from '../model/names.js';
import { fingerprintState } from '../plan/fingerprint.js';
import { makePlan } from '../plan/make.js';
import { readPlanFile } from '../plan/plan-file.js';
import { renderPlan } from '../report/index.js';
import type { PlanningPort } from './types.js';

/** The planning port backed by src/plan (diff, order, simulate, plan files) and src/report. */
export function defaultPlanning(options: { readonly limits?: Partial<ObjectLimits>; readonly colour?: boolean } = {}): PlanningPort {
  return {
    makePlan: (input) => makePlan({ ...input, ...(options.limits ? { limits: options.limits } : {}) }),
    renderPlan: (plan) => renderPlan(plan, 'text', { colour: options.colour ?? false }),
    fingerprint: fingerprintState,
    readPlanFile,
  };
}
