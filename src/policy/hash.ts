import { createHash } from 'node:crypto';
import type { DesiredState } from '../model/desired.js';

/** JSON with object keys sorted, so equal values always give the same text. */
export function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

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
