import { JSON_FORMAT_VERSION } from '../report/format-version.js';
import type { DesiredState } from '../model/desired.js';
import type { PrivilegeGroupState, RbacState, RoleState, UserState } from '../model/types.js';
import type { Plan } from '../plan/types.js';
import { groupChanges } from '../report/index.js';
import type { ObjectChange } from '../report/index.js';

/**
 * Drift is a plan that is never applied: every object the plan would touch differs between git
 * and Milvus. For each such object the report holds what the policy says, what Milvus has, and
 * the steps that would bring Milvus back to the policy.
 */

export type DriftKind = ObjectChange['kind'];

export interface DriftedObject {
  readonly kind: DriftKind;
  readonly name: string;
  /** `create`: in the policy, missing from Milvus; `delete`: in Milvus, not in the policy; `update`: both, different. */
  readonly action: ObjectChange['action'];
  /** The object as the policy defines it, or null when the policy does not define it. */
  readonly policy: UserState | RoleState | PrivilegeGroupState | null;
  /** The object as Milvus has it, or null when it does not exist there. */
  readonly milvus: UserState | RoleState | PrivilegeGroupState | null;
  /** Ids of the plan steps that would remove this drift (`rbac plan` shows them in order). */
  readonly fix: readonly string[];
}

export interface DriftReport {
  readonly target: Plan['target'];
  readonly policyHash: string;
  readonly liveFingerprint: string;
  readonly inSync: boolean;
  readonly counts: Readonly<Record<DriftKind, number>>;
  readonly steps: number;
  readonly objects: readonly DriftedObject[];
  readonly unmanaged: Plan['unmanaged'];
  /**
   * Grant steps whose collection does not exist yet (Milvus 2.6.12+: a dropped collection takes
   * its grants along): not drift, but listed, and an apply makes them ahead of the collection.
   */
  readonly waiting: readonly string[];
  /** Users outside the policy bound by hand to roles it owns: the plan unbinds them. */
  readonly outsideMembers: readonly { readonly user: string; readonly role: string }[];
}

function finder(state: RbacState): (kind: DriftKind, name: string) => UserState | RoleState | PrivilegeGroupState | null {
  const users = new Map(state.users.map((u) => [u.name, u]));
  const roles = new Map(state.roles.map((r) => [r.name, r]));
  const groups = new Map(state.privilegeGroups.map((g) => [g.name, g]));
  return (kind, name) => (kind === 'user' ? users.get(name) : kind === 'role' ? roles.get(name) : groups.get(name)) ?? null;
}

/** The policy's objects with the descriptions it sets, which the desired state keeps apart. */
function withDescriptions(desired: DesiredState): RbacState {
  const roles = desired.descriptions?.roles ?? {};
  const users = desired.descriptions?.users ?? {};
  return {
    users: desired.state.users.map((u) => (users[u.name] !== undefined ? { ...u, description: users[u.name] } : u)),
    roles: desired.state.roles.map((r) => (roles[r.name] !== undefined ? { ...r, description: roles[r.name] } : r)),
    privilegeGroups: desired.state.privilegeGroups,
  };
}

function outsideMembersOf(steps: Plan['steps'], outsideUsers: readonly string[]): { user: string; role: string }[] {
  const outside = new Set(outsideUsers);
  return steps.flatMap((s) => (s.operation.kind === 'unbindRole' && outside.has(s.operation.user) ? [{ user: s.operation.user, role: s.operation.role }] : []));
}

export function driftReport(plan: Plan, desired: DesiredState, live: RbacState, waiting: readonly string[] = []): DriftReport {
  const inPolicy = finder(withDescriptions(desired));
  const inMilvus = finder(live);
  const waits = new Set(waiting);
  const steps = plan.steps.filter((s) => !waits.has(s.id));
  const objects = groupChanges(steps).map((change) => ({
    kind: change.kind,
    name: change.name,
    action: change.action,
    policy: inPolicy(change.kind, change.name),
    milvus: inMilvus(change.kind, change.name),
    fix: change.stepIds,
  }));
  const counts: Record<DriftKind, number> = { user: 0, role: 0, privilegeGroup: 0 };
  for (const o of objects) counts[o.kind] += 1;
  return {
    target: plan.target,
    policyHash: plan.policyHash,
    liveFingerprint: plan.liveFingerprint,
    inSync: steps.length === 0,
    counts,
    steps: steps.length,
    objects,
    unmanaged: plan.unmanaged,
    waiting: [...waiting],
    outsideMembers: outsideMembersOf(steps, plan.unmanaged.users),
  };
}

const KIND_WORDS: Readonly<Record<DriftKind, [string, string]>> = {
  user: ['user', 'users'],
  role: ['role', 'roles'],
  privilegeGroup: ['privilege group', 'privilege groups'],
};

export function driftSummaryLine(report: DriftReport): string {
  const waiting = report.waiting.length > 0 ? ` ${report.waiting.length} grant${report.waiting.length === 1 ? ' waits' : 's wait'} for ${report.waiting.length === 1 ? 'its collection' : 'their collections'} to exist.` : '';
  if (report.inSync) return `In sync: Milvus matches the policy.${waiting}`;
  const parts = (Object.keys(KIND_WORDS) as DriftKind[])
    .filter((k) => report.counts[k] > 0)
    .map((k) => `${report.counts[k]} ${KIND_WORDS[k][report.counts[k] === 1 ? 0 : 1]}`);
  const total = report.objects.length;
  return `Drift: ${parts.join(', ')} ${total === 1 ? 'differs' : 'differ'} from the policy (${report.steps} step${report.steps === 1 ? '' : 's'} would fix it).${waiting}`;
}

export function renderDriftJson(report: DriftReport): string {
  return `${JSON.stringify({ formatVersion: JSON_FORMAT_VERSION, ...report }, null, 2)}\n`;
}
