import type { MilvusConnection } from '../milvus/connection.js';
import { readLiveState } from '../milvus/read-state.js';
import type { LiveStateRead, ReadOptions } from '../milvus/read-state.js';
import type { DesiredState } from '../model/desired.js';
import type { ObjectLimits } from '../model/names.js';
import { formatVersion } from '../model/versions.js';
import { makePlan } from '../plan/make.js';
import type { Plan } from '../plan/types.js';
import { formatDiagnostic, loadPolicy } from '../policy/index.js';

/**
 * The pipeline every command that compares a policy with Milvus takes (ldap2pg's wanted →
 * inspect → diff): load the policy for the server's version, read the live state, plan. `rbac
 * plan`, `drift`, `export` and `apply` all come through here, so a dry run and a real run are the
 * same until the executor; this module is the only caller of the planner.
 */

export interface PlanSettings {
  /** The server's proxy.maxUserNum / proxy.maxRoleNum when raised from Milvus's defaults. */
  readonly limits?: Partial<ObjectLimits>;
  readonly now?: Date;
}

/** A loaded policy: what it asks for and its hash. */
export interface Wanted {
  readonly desired: DesiredState;
  readonly policyHash: string;
}

export interface PlannedAgainstLive extends Wanted {
  readonly plan: Plan;
  readonly live: LiveStateRead;
  /** The policy loader's warnings, formatted. */
  readonly diagnostics: readonly string[];
}

export interface InvalidPolicy {
  readonly invalid: true;
  /** Every diagnostic, formatted, errors included. */
  readonly diagnostics: readonly string[];
  /** One line: why nothing was planned. */
  readonly message: string;
}

/** The single place a plan is made: the operator is the connection's user. */
export function planWanted(wanted: Wanted, live: LiveStateRead, operator: string, settings: PlanSettings = {}): Plan {
  return makePlan({
    desired: wanted.desired,
    live,
    policyHash: wanted.policyHash,
    operator,
    ...(settings.limits ? { limits: settings.limits } : {}),
    ...(settings.now ? { now: settings.now } : {}),
  });
}

export async function planAgainstLive(
  conn: MilvusConnection,
  files: readonly string[],
  settings: PlanSettings = {},
): Promise<PlannedAgainstLive | InvalidPolicy> {
  const loaded = await loadPolicy([...files], { targetVersion: formatVersion(conn.version) });
  const diagnostics = loaded.diagnostics.map(formatDiagnostic);
  if (!loaded.ok) {
    const count = loaded.diagnostics.filter((d) => d.severity === 'error').length;
    return { invalid: true, diagnostics, message: `the policy is invalid for Milvus ${conn.versionString} (${count} error${count === 1 ? '' : 's'}): nothing was planned` };
  }
  const wanted = { desired: loaded.desired, policyHash: loaded.hash };
  const live = await readLiveState(conn, readOptionsFor(wanted));
  return { ...wanted, plan: planWanted(wanted, live, conn.user, settings), live, diagnostics };
}

/** What to read for a policy: the databases its grants name, the users whose description it sets. */
function readOptionsFor(wanted: Wanted): ReadOptions {
  return { databases: wanted.desired.databases, userDescriptions: Object.keys(wanted.desired.descriptions?.users ?? {}) };
}

/** Reads the live state again and plans the same policy against it: what is still to do. */
export async function replanAgainstLive(conn: MilvusConnection, wanted: Wanted, settings: PlanSettings = {}): Promise<Plan> {
  const live = await readLiveState(conn, readOptionsFor(wanted));
  return planWanted(wanted, live, conn.user, settings);
}
