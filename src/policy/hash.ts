import { createHash } from 'node:crypto';
import type { DesiredState } from '../model/desired.js';
import { stableStringify } from '../model/stable-json.js';

/**
 * sha256 of the canonical desired state. It holds names of password variables and files, never
 * passwords, so the hash can go into plan files.
 */
export function hashDesiredState(desired: DesiredState): string {
  const hash = createHash('sha256');
  const { state, ...rest } = desired;
  hash.update(stableStringify({ ...rest, users: state.users, privilegeGroups: state.privilegeGroups }));
  // Grants are the bulk (100k and more): fed as one block of lines per role rather than through
  // one huge JSON string or one call per grant.
  for (const role of state.roles) {
    let block = `\nrole ${JSON.stringify(role.name)}\n`;
    for (const g of role.grants) block += `${g.objectType}\u0000${g.objectName}\u0000${g.dbName}\u0000${g.privilege}\n`;
    hash.update(block);
  }
  return hash.digest('hex');
}
