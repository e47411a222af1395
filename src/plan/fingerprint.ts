import { createHash } from 'node:crypto';
import { canonicalState } from '../model/canonical.js';
import type { RbacState } from '../model/types.js';

/**
 * sha256 of the canonical live state. Two reads of an unchanged instance give the same value
 * whatever the order Milvus listed things in, so `rbac apply plan.json` can tell a stale plan.
 * Grants are hashed as lines per role: at 100k grants one JSON string would be needlessly large.
 */
export function fingerprintState(state: RbacState): string {
  const canonical = canonicalState(state);
  const hash = createHash('sha256');
  hash.update(JSON.stringify({ users: canonical.users, privilegeGroups: canonical.privilegeGroups }));
  for (const role of canonical.roles) {
    let block = `\nrole ${JSON.stringify(role.name)}\n`;
    for (const g of role.grants) block += `${JSON.stringify([g.dbName, g.objectType, g.objectName, g.privilege])}\n`;
    hash.update(block);
  }
  return `sha256:${hash.digest('hex')}`;
}
