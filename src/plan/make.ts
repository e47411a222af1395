import type { DesiredState } from '../model/desired.js';
import { DEFAULT_OBJECT_LIMITS } from '../model/names.js';
import type { ObjectLimits } from '../model/names.js';
import type { RbacState } from '../model/types.js';
import { accessRulesOn, featuresOn } from '../model/platform.js';
import type { MilvusVersion } from '../model/versions.js';
import { TOOL_VERSION } from '../version.js';
import { diffStates } from './diff.js';
import { fingerprintState } from './fingerprint.js';
import { orderSteps } from './order.js';
import { planWarnings } from './warnings.js';
import { planDigest } from './digest.js';
import { simulatePlan } from './simulate.js';
import { PLAN_FORMAT_VERSION } from './types.js';
import type { Plan } from './types.js';

/** What the live-state reader returns that planning needs (a LiveStateRead fits). */
export interface LiveSnapshot {
  readonly state: RbacState;
  readonly version: MilvusVersion;
  /** GetVersion's answer, e.g. `v2.5.4`. */
  readonly versionString: string;
  readonly address: string;
  readonly warnings?: readonly string[];
}

export interface MakePlanOptions {
  readonly desired: DesiredState;
  readonly live: LiveSnapshot;
  readonly policyHash: string;
  /** The user running the apply ('' when unknown). */
  readonly operator?: string;
  /** The server's proxy.maxUserNum / proxy.maxRoleNum when known; each falls back to the policy's
   * `target.limits`, then to Milvus's defaults (100 / 10). */
  readonly limits?: Partial<ObjectLimits>;
  readonly now?: Date;
  /** Users whose password already is the policy's (see pipeline/check-passwords.ts). */
  readonly currentPasswords?: ReadonlySet<string>;
}

/**
 * diff → order → simulate: the whole planning pipeline, pure. Throws PlanError when the policy
 * asks for something the target cannot do, InternalPlanError when the steps would not reach it.
 */
export function makePlan(options: MakePlanOptions): Plan {
  const { desired, live } = options;
  const limits: ObjectLimits = { ...DEFAULT_OBJECT_LIMITS, ...desired.limits, ...options.limits };
  const operator = options.operator ?? '';
  const diff = diffStates({
    live: live.state,
    desired,
    features: featuresOn(live.version, desired.platform),
    limits,
    versionLabel: live.versionString,
    operator,
    ...(options.currentPasswords ? { currentPasswords: options.currentPasswords } : {}),
  });
  const steps = orderSteps({ operations: diff.operations, live: live.state, operator, serverSettings: { ...desired.serverSettings, ...accessRulesOn(desired.platform) } });
  simulatePlan({ live: live.state, desired, steps, version: live.version, limits, operator, droppedRoles: diff.dropped.roles, outsideMembers: diff.outsideMembers });
  const plan: Omit<Plan, 'digest'> = {
    formatVersion: PLAN_FORMAT_VERSION,
    toolVersion: TOOL_VERSION,
    createdAt: (options.now ?? new Date()).toISOString(),
    target: { address: live.address, milvusVersion: live.versionString },
    policyHash: options.policyHash,
    liveFingerprint: fingerprintState(live.state),
    steps,
    unmanaged: diff.unmanaged,
    warnings: [...(live.warnings ?? []), ...diff.warnings, ...planWarnings(steps, live.version, desired, live.state)],
  };
  return { ...plan, digest: planDigest(plan) };
}
