import type { MilvusConnection } from '../milvus/connection.js';
import { describeOperation } from '../milvus/describe.js';
import { readLiveState } from '../milvus/read-state.js';
import type { LiveStateRead } from '../milvus/read-state.js';
import { describeStateDifferences } from '../model/state-differences.js';
import { replanAgainstLive } from '../pipeline/plan-against-live.js';
import type { PlanSettings, Wanted } from '../pipeline/plan-against-live.js';
import { stateAfterSteps } from '../plan/simulate.js';
import type { PlanStep } from '../plan/types.js';

/**
 * The check after an apply. With the policy at hand, the same policy is planned again against a
 * fresh read: anything still to do is a difference. A saved plan alone says only which steps it
 * made, so the fresh read must equal those steps applied, with Milvus's rules, to the state the
 * plan was computed from.
 */

export interface Verification {
  readonly ok: boolean;
  readonly differences: string[];
}

export interface AppliedFrom {
  readonly live: LiveStateRead;
  readonly wanted?: Wanted;
}

export async function verifyApply(conn: MilvusConnection, from: AppliedFrom, steps: readonly PlanStep[], settings: PlanSettings): Promise<Verification> {
  if (from.wanted) {
    const remaining = await replanAgainstLive(conn, from.wanted, settings);
    return { ok: remaining.steps.length === 0, differences: remaining.steps.map((s) => `still to do: ${describeOperation(s.operation)}`) };
  }
  const after = await readLiveState(conn, { databases: from.live.databases });
  const differences = describeStateDifferences(stateAfterSteps(from.live.state, steps, conn.version, conn.user), after.state);
  return { ok: differences.length === 0, differences };
}
