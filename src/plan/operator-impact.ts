import type { AccessOptions } from '../model/access.js';
import { PUBLIC_ROLE, ROOT_USER } from '../model/names.js';
import type { Operation } from '../model/operations.js';
import type { RbacState } from '../model/types.js';

/**
 * Which steps take something away from the user running the apply (the operator), decided once
 * for the planner's ordering and apply's lock-out protection alike:
 * - `ends-session`: its own password change or removal; nothing may run after it;
 * - `takes-access`: a binding, role, grant or custom group the operator's access rests on now;
 * - `none`.
 */
export type OperatorImpact = 'none' | 'takes-access' | 'ends-session';

/** The roles `user` holds in `state`, `public` included. */
export function rolesHeldBy(state: RbacState, user: string): Set<string> {
  return new Set([PUBLIC_ROLE, ...(state.users.find((u) => u.name === user)?.roles ?? [])]);
}

/** The custom privilege groups granted to any of `roles`. */
export function customGroupsGrantedTo(state: RbacState, roles: ReadonlySet<string>): Set<string> {
  const custom = new Set(state.privilegeGroups.map((g) => g.name));
  const groups = new Set<string>();
  for (const role of state.roles) {
    if (!roles.has(role.name)) continue;
    for (const g of role.grants) if (custom.has(g.privilege)) groups.add(g.privilege);
  }
  return groups;
}

/**
 * The judge of each operation's impact on `operator`, as the live state stands. An empty
 * operator (credentials that name no user) is affected by nothing that can be known.
 *
 * `settings.rootShouldBindRole` is the server's common.security.rootShouldBindRole, which no API
 * reports: callers pass what the policy declares (DesiredState.serverSettings), default false.
 * When true, root is judged like any other operator.
 */
export function operatorImpactJudge(live: RbacState, operator: string, settings: AccessOptions = {}): (op: Operation) => OperatorImpact {
  if (!operator) return () => 'none';
  const roles = rolesHeldBy(live, operator);
  const groups = customGroupsGrantedTo(live, roles);
  return (op) => {
    if ((op.kind === 'updatePassword' || op.kind === 'dropUser') && op.user === operator) return 'ends-session';
    // root passes every privilege check whatever its roles and grants, unless the server makes
    // it bind a role: then its bindings and their grants are what it holds, as for anyone.
    if (operator === ROOT_USER && settings.rootShouldBindRole !== true) return 'none';
    switch (op.kind) {
      case 'unbindRole':
        return op.user === operator ? 'takes-access' : 'none';
      case 'revoke':
      case 'dropRole':
        return roles.has(op.role) ? 'takes-access' : 'none';
      case 'removePrivilegesFromGroup':
      case 'dropPrivilegeGroup':
        return groups.has(op.group) ? 'takes-access' : 'none';
      default:
        return 'none';
    }
  };
}
