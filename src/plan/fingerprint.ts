import { createHash } from 'node:crypto';
import { canonicalState } from '../model/canonical.js';
import type { RbacState } from '../model/types.js';

/**
 * sha256 of the canonical live state. Two reads of an unchanged instance give the same value
 * whatever the order Milvus listed things in, so `rbac apply plan.json` can tell a stale plan.
 * Grants are hashed as lines per role: at 100k grants one JSON string would be needlessly large.
 * Role descriptions count (every read has them); user descriptions do not, since a read fetches
 * them only for the users a policy describes, and a saved plan is checked without its policy.
 */
export function fingerprintState(state: RbacState): string {
  const canonical = canonicalState(state);
  const hash = createHash('sha256');
  const users = canonical.users.map((u) => ({ name: u.name, roles: u.roles }));
  hash.update(JSON.stringify({ users, privilegeGroups: canonical.privilegeGroups }));
  for (const role of canonical.roles) {
    let block = `\nrole ${JSON.stringify(role.name)}${role.description ? ` ${JSON.stringify(role.description)}` : ''}\n`;
    for (const g of role.grants) block += `${JSON.stringify([g.dbName, g.objectType, g.objectName, g.privilege])}\n`;
    hash.update(block);
  }
  return `sha256:${hash.digest('hex')}`;
}
