import type { CollectionsRead } from '../model/collections.js';
import type { DesiredState } from '../model/desired.js';
import type { Grant } from '../model/types.js';
import type { PlanStep } from './types.js';

/**
 * Milvus 2.6.12+ keeps grants with their collection: a grant naming an alias is stored on the
 * collection, dropping a collection deletes its grants and renaming moves them; a grant on a
 * collection that does not exist is accepted and takes effect when it is created. So a policy is
 * planned with aliases read as their collections, and grants on missing collections are still
 * made (ahead of the collection) but reported as waiting rather than as drift.
 */

function namesCollection(g: Grant): boolean {
  return g.objectName !== '*' && g.dbName !== '*' && g.objectType !== 'User';
}

export interface FollowedPolicy {
  readonly desired: DesiredState;
  /** One line per alias the policy names, saying where its grants land. */
  readonly notes: readonly string[];
}

export function followCollections(desired: DesiredState, collections: CollectionsRead): FollowedPolicy {
  const landed = new Map<string, string>();
  const roles = desired.state.roles.map((role) => {
    let changed = false;
    const grants = role.grants.map((g) => {
      const target = namesCollection(g) ? collections.get(g.dbName)?.aliases.get(g.objectName) : undefined;
      if (target === undefined) return g;
      changed = true;
      landed.set(`${g.dbName}.${g.objectName}`, `${g.dbName}.${target}`);
      return { ...g, objectName: target };
    });
    return changed ? { ...role, grants } : role;
  });
  if (landed.size === 0) return { desired, notes: [] };
  const notes = [...landed].map(([alias, collection]) => `grants on ${alias} land on ${collection}: ${alias} is an alias, and Milvus stores a grant naming an alias on its collection; name the collection in the policy`);
  return { desired: { ...desired, state: { ...desired.state, roles } }, notes };
}

/** Ids of the grant steps whose collection does not exist (in the databases read). */
export function stepsWaitingForCollection(steps: readonly PlanStep[], collections: CollectionsRead): string[] {
  return steps
    .filter((s) => {
      if (s.operation.kind !== 'grant' || !namesCollection(s.operation.grant)) return false;
      const known = collections.get(s.operation.grant.dbName);
      return known !== undefined && !known.collections.has(s.operation.grant.objectName);
    })
    .map((s) => s.id);
}
