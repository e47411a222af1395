import type { DesiredState } from '../model/desired.js';
import { grantKey } from '../model/canonical.js';
import { ADMIN_ROLE, PUBLIC_ROLE, publicDefaultGrants, ROOT_USER } from '../model/names.js';
import type { RbacState } from '../model/types.js';
import type { MilvusVersion } from '../model/versions.js';
import type { PlanStep } from './types.js';

/** Plan warnings about steps whose reach is wider than they look. */

/**
 * Defining `public` means owning all its grants: a one-line `public:` entry revokes the grants
 * Milvus gives every user at start-up (and gives again at the next start while
 * enablePublicPrivilege is on).
 */
function publicDefaultsRevoked(steps: readonly PlanStep[], version: MilvusVersion, desired: DesiredState): string[] {
  if (desired.serverSettings?.enablePublicPrivilege === false) return [];
  const defaults = new Set(publicDefaultGrants(version).map(grantKey));
  const revoked = steps.flatMap((s) => (s.operation.kind === 'revoke' && s.operation.role === PUBLIC_ROLE && defaults.has(grantKey(s.operation.grant)) ? [s.operation.grant.privilege] : []));
  if (revoked.length === 0) return [];
  return [
    `THE PLAN REVOKES MILVUS'S DEFAULT GRANTS FROM public (${revoked.join(', ')}): every user loses them, and Milvus grants them again at its next start unless common.security.enablePublicPrivilege is false; list them under public's grants to keep them`,
  ];
}

function rootUnboundFromAdmin(steps: readonly PlanStep[]): string[] {
  return steps.some((s) => s.operation.kind === 'unbindRole' && s.operation.user === ROOT_USER && s.operation.role === ADMIN_ROLE)
    ? ['the plan unbinds root from admin']
    : [];
}

/** Dropping at least this share of what exists, and at least MASS_MINIMUM objects, is a mass drop. */
export const MASS_DROP_SHARE = 0.5;
const MASS_MINIMUM = { users: 5, roles: 3, bindings: 10 } as const;

/**
 * A plan that drops a large share of the users, roles or bindings that exist (a `scope: all`
 * with a policy that lists few of them, say): said in the plan, and held back by apply unless
 * confirmed with --allow-mass-drop.
 */
export function massDrop(steps: readonly PlanStep[], live: RbacState): string | null {
  const users = live.users.filter((u) => u.name !== ROOT_USER).length;
  const roles = live.roles.filter((r) => r.name !== ADMIN_ROLE && r.name !== PUBLIC_ROLE).length;
  const bindings = live.users.reduce((n, u) => n + u.roles.length, 0);
  const count = (kind: string): number => steps.filter((s) => s.operation.kind === kind).length;
  const parts: string[] = [];
  const check = (dropped: number, existing: number, minimum: number, what: string): void => {
    if (dropped >= minimum && dropped >= existing * MASS_DROP_SHARE) parts.push(`${dropped} of ${existing} ${what}`);
  };
  check(count('dropUser'), users, MASS_MINIMUM.users, 'users');
  check(count('dropRole'), roles, MASS_MINIMUM.roles, 'roles');
  check(count('unbindRole'), bindings, MASS_MINIMUM.bindings, 'role bindings');
  return parts.length > 0 ? `the plan removes ${parts.join(', ')}: if that is meant, apply it with --allow-mass-drop` : null;
}

export function planWarnings(steps: readonly PlanStep[], version: MilvusVersion, desired: DesiredState, live: RbacState): string[] {
  const mass = massDrop(steps, live);
  return [...(mass ? [`MASS DROP: ${mass}`] : []), ...publicDefaultsRevoked(steps, version, desired), ...rootUnboundFromAdmin(steps)];
}
