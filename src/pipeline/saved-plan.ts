import type { MilvusConnection } from '../milvus/connection.js';
import { readLiveState } from '../milvus/read-state.js';
import type { LiveStateRead } from '../milvus/read-state.js';
import { fingerprintState } from '../plan/fingerprint.js';
import { readPlanFile } from '../plan/plan-file.js';
import type { Plan } from '../plan/types.js';

/** A saved plan and the live state now, read for the databases its grants name. */
export interface SavedPlanAgainstLive {
  readonly plan: Plan;
  readonly live: LiveStateRead;
  /** The fingerprint of `live`, to hold against the plan's `liveFingerprint`. */
  readonly liveFingerprint: string;
}

export async function savedPlanAgainstLive(conn: MilvusConnection, file: string): Promise<SavedPlanAgainstLive> {
  const plan = await readPlanFile(file);
  const databases = [...new Set(plan.steps.flatMap((s) => ('grant' in s.operation ? [s.operation.grant.dbName] : [])))];
  const live = await readLiveState(conn, { databases });
  return { plan, live, liveFingerprint: fingerprintState(live.state) };
}
