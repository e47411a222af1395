import { RELATED_PRIVILEGES } from './catalogue.js';
import type { Grant } from './types.js';

/**
 * From 2.4.10 on Milvus stores GetLoadState / GetLoadingProgress beside a v1 `Load` grant and
 * GetFlushState beside `Flush` (proxy RelatedPrivileges); 2.3.5 does not (measured). A policy
 * saying `Load` therefore reads back differently per version. Dropping a related grant whenever
 * its parent is held on the same object makes both read-backs, and the policy, compare equal.
 */
const PARENTS_OF = new Map<string, string[]>();
for (const [parent, children] of Object.entries(RELATED_PRIVILEGES)) {
  for (const child of children) PARENTS_OF.set(child, [...(PARENTS_OF.get(child) ?? []), parent]);
}

const objectKey = (g: Grant): string => `${g.dbName}\u0000${g.objectType}\u0000${g.objectName}`;

export function isImpliedBy(grant: Grant, held: ReadonlySet<string>): boolean {
  const parents = PARENTS_OF.get(grant.privilege);
  return parents !== undefined && parents.some((p) => held.has(`${objectKey(grant)}\u0000${p}`));
}

export function withoutImpliedGrants(grants: readonly Grant[]): Grant[] {
  if (!grants.some((g) => PARENTS_OF.has(g.privilege))) return [...grants];
  const held = new Set(grants.map((g) => `${objectKey(g)}\u0000${g.privilege}`));
  return grants.filter((g) => !isImpliedBy(g, held));
}
