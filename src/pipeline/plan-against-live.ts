import type { MilvusConnection } from '../milvus/connection.js';
import { readCollections } from '../milvus/read-collections.js';
import { readLiveState } from '../milvus/read-state.js';
import type { CollectionsRead } from '../model/collections.js';
import { DEFAULT_DATABASE } from '../model/names.js';
import { followCollections, stepsWaitingForCollection } from '../plan/follow-collections.js';
import type { LiveStateRead, ReadOptions } from '../milvus/read-state.js';
import type { DesiredState } from '../model/desired.js';
import type { ObjectLimits } from '../model/names.js';
import { formatVersion } from '../model/versions.js';
import { isZilliz, unmanageableReason } from '../model/platform.js';
import { makePlan } from '../plan/make.js';
import type { Plan } from '../plan/types.js';
import { formatDiagnostic, loadPolicy } from '../policy/index.js';
import { checkPasswords } from './check-passwords.js';
import type { PasswordCheck } from './check-passwords.js';

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
  /** Where the policy's password sources are read for the login check; default process.env. */
  readonly env?: NodeJS.ProcessEnv;
}

/** A loaded policy: what it asks for and its hash. */
export interface Wanted {
  readonly desired: DesiredState;
  readonly policyHash: string;
}

export interface PlannedAgainstLive extends Wanted {
  readonly plan: Plan;
  readonly live: LiveStateRead;
  /** Ids of grant steps whose collection does not exist yet (Milvus 2.6.12+): made ahead, not drift. */
  readonly waiting: readonly string[];
  /** The policy loader's warnings, formatted. */
  readonly diagnostics: readonly string[];
}

export interface InvalidPolicy {
  readonly invalid: true;
  /** Not the policy's fault: the target cannot be managed at all (a Zilliz Cloud Serverless cluster). */
  readonly refused?: true;
  /** Every diagnostic, formatted, errors included. */
  readonly diagnostics: readonly string[];
  /** One line: why nothing was planned. */
  readonly message: string;
}

/** The single place a plan is made: the operator is the connection's user. */
export function planWanted(wanted: Wanted, live: LiveStateRead, operator: string, settings: PlanSettings = {}, passwords?: PasswordCheck): Plan {
  const plan = makePlan({
    desired: wanted.desired,
    live,
    policyHash: wanted.policyHash,
    operator,
    ...(settings.limits ? { limits: settings.limits } : {}),
    ...(settings.now ? { now: settings.now } : {}),
    ...(passwords ? { currentPasswords: passwords.current } : {}),
  });
  return passwords?.warnings.length ? { ...plan, warnings: [...plan.warnings, ...passwords.warnings] } : plan;
}

export async function planAgainstLive(
  conn: MilvusConnection,
  files: readonly string[],
  settings: PlanSettings = {},
): Promise<PlannedAgainstLive | InvalidPolicy> {
  const loaded = await loadPolicy([...files], { targetVersion: formatVersion(conn.version), ...(conn.platform ? { platform: conn.platform } : {}) });
  const diagnostics = loaded.diagnostics.map(formatDiagnostic);
  if (!loaded.ok) {
    const count = loaded.diagnostics.filter((d) => d.severity === 'error').length;
    const where = isZilliz(conn.platform) ? `Zilliz Cloud (Milvus ${formatVersion(conn.version)})` : `Milvus ${conn.versionString}`;
    return { invalid: true, diagnostics, message: `the policy is invalid for ${where} (${count} error${count === 1 ? '' : 's'}): nothing was planned` };
  }
  const refusal = unmanageableReason(loaded.desired.platform);
  if (refusal) return { invalid: true, refused: true, diagnostics, message: `${refusal}: nothing was planned` };
  // Settings a target's config declares, under the policy's own.
  const serverSettings = conn.serverSettings ? { ...conn.serverSettings, ...loaded.desired.serverSettings } : undefined;
  const desired = serverSettings ? { ...loaded.desired, serverSettings } : loaded.desired;
  const wanted = { desired, policyHash: loaded.hash };
  const inspected = await inspect(conn, wanted, settings);
  return { ...planInspected(wanted, inspected, conn.user, settings), live: inspected.live, diagnostics };
}

interface Inspected {
  readonly live: LiveStateRead;
  readonly passwords: PasswordCheck;
  /** Read on versions where grants follow their collection. */
  readonly collections?: CollectionsRead;
}

/** The live state, and where grants follow their collection, the collections and aliases of the policy's databases. */
async function inspect(conn: MilvusConnection, wanted: Wanted, settings: PlanSettings): Promise<Inspected> {
  const databases = [DEFAULT_DATABASE, ...wanted.desired.databases];
  const [live, collections] = await Promise.all([
    readLiveState(conn, readOptionsFor(wanted)),
    conn.features.grantsFollowCollection ? readCollections(conn, databases) : Promise.resolve(undefined),
  ]);
  const passwords = await checkPasswords(conn, wanted.desired, live.state, settings.env);
  return collections ? { live, passwords, collections } : { live, passwords };
}

function planInspected(wanted: Wanted, inspected: Inspected, operator: string, settings: PlanSettings): Wanted & { plan: Plan; waiting: string[] } {
  if (!inspected.collections) return { ...wanted, plan: planWanted(wanted, inspected.live, operator, settings, inspected.passwords), waiting: [] };
  const followed = followCollections(wanted.desired, inspected.collections);
  const followedWanted = { desired: followed.desired, policyHash: wanted.policyHash };
  const plan = planWanted(followedWanted, inspected.live, operator, settings, inspected.passwords);
  const waiting = stepsWaitingForCollection(plan.steps, inspected.collections);
  const notes = [...followed.notes];
  if (waiting.length > 0) {
    notes.push(`${waiting.length} grant${waiting.length === 1 ? ' names a collection' : 's name collections'} that do${waiting.length === 1 ? 'es' : ''} not exist yet: Milvus keeps such a grant and it takes effect when the collection is created (drift does not count it)`);
  }
  return { ...followedWanted, plan: { ...plan, warnings: [...plan.warnings, ...notes] }, waiting };
}

/** What to read for a policy: the databases its grants name, the users whose description it sets. */
function readOptionsFor(wanted: Wanted): ReadOptions {
  return { databases: wanted.desired.databases, userDescriptions: Object.keys(wanted.desired.descriptions?.users ?? {}) };
}

/** Reads the live state again and plans the same policy against it: what is still to do. */
export async function replanAgainstLive(conn: MilvusConnection, wanted: Wanted, settings: PlanSettings = {}): Promise<Plan> {
  return planInspected(wanted, await inspect(conn, wanted, settings), conn.user, settings).plan;
}
