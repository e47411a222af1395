import type { AccessIndex, AccessPath, AccessQuery } from '../model/access.js';
import { ADMIN_ROLE, ROOT_USER } from '../model/names.js';
import { rootNotes } from './effective.js';
import { describeGroupDifference, serverGroupDifferences } from './server-groups.js';
import type { BuiltinGroupDifference } from './server-groups.js';

/** Who holds one privilege on one object, and through what. */

export interface UserAnswer {
  readonly user: string;
  readonly because: 'root' | 'admin' | 'self' | 'grant';
  /** Grant paths (possibly several); empty for root / admin / self. */
  readonly paths: readonly AccessPath[];
}

export interface RoleAnswer {
  readonly role: string;
  /** Holds everything: the `admin` role. */
  readonly unconditional: boolean;
  readonly paths: readonly AccessPath[];
}

export interface WhoCanAnswer {
  readonly query: AccessQuery;
  readonly users: readonly UserAnswer[];
  readonly roles: readonly RoleAnswer[];
  /** As EffectiveAccess.builtinGroupDifferences: present only when the server's lists differ. */
  readonly builtinGroupDifferences?: readonly BuiltinGroupDifference[];
  /** As EffectiveAccess.notes: present only when there are some. */
  readonly notes?: readonly string[];
}

export function whoCan(index: AccessIndex, query: AccessQuery): WhoCanAnswer {
  const users: UserAnswer[] = [];
  const names = index.userNames();
  for (const user of names.includes(ROOT_USER) ? names : [ROOT_USER, ...names]) {
    const decision = index.decide(user, query);
    if (!decision.allowed) continue;
    const because = decision.because;
    users.push({ user, because, paths: because === 'grant' ? index.paths(user, query) : [] });
  }
  const roles: RoleAnswer[] = [];
  const roleNames = index.roleNames();
  for (const role of roleNames.includes(ADMIN_ROLE) ? roleNames : [ADMIN_ROLE, ...roleNames]) {
    if (role === ADMIN_ROLE) {
      roles.push({ role, unconditional: true, paths: [] });
      continue;
    }
    const paths = index.rolePaths(role, query);
    if (paths.length > 0) roles.push({ role, unconditional: false, paths });
  }
  const differences = serverGroupDifferences(index);
  const notes = [...rootNotes(index), ...differences.map(describeGroupDifference)];
  const answer: WhoCanAnswer = differences.length === 0 ? { query, users, roles } : { query, users, roles, builtinGroupDifferences: differences };
  return notes.length === 0 ? answer : { ...answer, notes };
}
