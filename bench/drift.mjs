// @ts-check
/**
 * The everyday case: a live state that differs from the policy in a small fraction of its objects.
 * Half of the changed grants are missing on the server (the plan grants them), half are extra
 * (the plan revokes them); some users are missing (created and bound), some have a binding changed
 * (bound and unbound), and a few unknown users in the managed scope exist (dropped).
 */
import { rng } from './gen.mjs';

/**
 * @param {{ users: readonly any[], roles: readonly any[], privilegeGroups: readonly any[] }} state a canonical RbacState
 * @param {{ fraction: number, seed?: number, extraUsers?: boolean }} options
 * @returns {{ state: any, changes: { grantsMissing: number, grantsExtra: number, usersMissing: number, bindingsChanged: number, usersExtra: number } }}
 */
export function driftState(state, { fraction, seed = 11, extraUsers = true }) {
  if (!(fraction > 0 && fraction < 1)) throw new Error(`drift fraction must be in (0, 1), got ${fraction}`);
  const random = rng(seed);
  const pick = (n) => Math.floor(random() * n);
  const roles = state.roles.map((r) => ({ name: r.name, grants: [...r.grants] }));
  const grantCount = roles.reduce((sum, r) => sum + r.grants.length, 0);
  const grantChanges = Math.max(1, Math.round((grantCount * fraction) / 2));

  let grantsMissing = 0;
  for (let i = 0; i < grantChanges; i++) {
    const role = roles[pick(roles.length)];
    if (role.grants.length === 0) continue;
    role.grants.splice(pick(role.grants.length), 1);
    grantsMissing++;
  }
  let grantsExtra = 0;
  for (let i = 0; i < grantChanges * 4 && grantsExtra < grantChanges; i++) {
    const role = roles[pick(roles.length)];
    const base = role.grants.filter((g) => g.objectType === 'Collection' && g.objectName !== '*');
    if (base.length === 0) continue;
    const template = base[pick(base.length)];
    // Import is a plain collection privilege on every version, and no generated role holds it.
    const extra = { ...template, privilege: 'Import' };
    if (role.grants.some((g) => g.dbName === extra.dbName && g.objectName === extra.objectName && g.privilege === 'Import')) continue;
    role.grants.push(extra);
    grantsExtra++;
  }

  const userChanges = Math.max(1, Math.round((state.users.length * fraction) / 2));
  const users = state.users.map((u) => ({ name: u.name, roles: [...u.roles] }));
  const removed = new Set();
  while (removed.size < Math.min(userChanges, users.length - 1)) removed.add(pick(users.length));
  let bindingsChanged = 0;
  for (let i = 0; i < userChanges; i++) {
    const index = pick(users.length);
    const user = users[index];
    if (removed.has(index) || user.roles.length === 0) continue;
    const other = roles[pick(roles.length)].name;
    if (user.roles.includes(other)) continue;
    user.roles[0] = other;
    bindingsChanged++;
  }
  const kept = users.filter((_, i) => !removed.has(i));
  // At Milvus's default user limit there is no room for an extra user (the plan creates before it drops).
  const usersExtra = extraUsers ? Math.max(1, Math.round(userChanges / 10)) : 0;
  for (let i = 0; i < usersExtra; i++) kept.push({ name: `u_zz_extra_${String(i).padStart(4, '0')}`, roles: [] });

  return {
    state: { users: kept, roles, privilegeGroups: state.privilegeGroups },
    changes: { grantsMissing, grantsExtra, usersMissing: removed.size, bindingsChanged, usersExtra },
  };
}
