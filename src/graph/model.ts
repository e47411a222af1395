import { DEFAULT_DATABASE, PUBLIC_ROLE } from '../model/names.js';
import type { Grant, RbacState } from '../model/types.js';
import { describeGrantTarget } from '../report/plan-changes.js';

/**
 * The access graph: users → roles → grants → objects. A role's privileges on one object make one
 * grant node ("Search, Query"), so a role with many privileges stays readable.
 */

export type NodeKind = 'user' | 'role' | 'grant' | 'object';

export interface GraphNode {
  readonly id: string;
  readonly kind: NodeKind;
  readonly label: string;
}

export interface GraphEdge {
  readonly from: string;
  readonly to: string;
}

export interface AccessGraph {
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly GraphEdge[];
}

export type GraphFocus = { readonly user: string } | { readonly role: string } | { readonly collection: string; readonly database: string } | null;

/** Whether a grant reaches a collection: on it, on every collection of its database, or on every database. */
function reaches(g: Grant, database: string, collection: string): boolean {
  const dbOk = g.dbName === database || g.dbName === '*';
  if (!dbOk) return false;
  return g.objectType !== 'User' && (g.objectName === collection || g.objectName === '*');
}

export function buildGraph(state: RbacState, focus: GraphFocus = null): AccessGraph {
  let users = state.users;
  let roles = state.roles;
  if (focus && 'user' in focus) {
    users = users.filter((u) => u.name === focus.user);
    const bound = new Set([...(users[0]?.roles ?? []), PUBLIC_ROLE]);
    roles = roles.filter((r) => bound.has(r.name));
  } else if (focus && 'role' in focus) {
    roles = roles.filter((r) => r.name === focus.role);
    users = users.filter((u) => u.roles.includes(focus.role));
  } else if (focus) {
    roles = roles
      .map((r) => ({ ...r, grants: r.grants.filter((g) => reaches(g, focus.database, focus.collection)) }))
      .filter((r) => r.grants.length > 0);
    const kept = new Set(roles.map((r) => r.name));
    users = users.filter((u) => u.roles.some((r) => kept.has(r)));
  }
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const ids = new Map<string, string>();
  const node = (kind: NodeKind, key: string, label: string): string => {
    const known = ids.get(`${kind}\u0000${key}`);
    if (known) return known;
    const id = `${kind[0]}${ids.size}`;
    ids.set(`${kind}\u0000${key}`, id);
    nodes.push({ id, kind, label });
    return id;
  };
  const roleNames = new Set(roles.map((r) => r.name));
  for (const u of users) {
    const uid = node('user', u.name, u.name);
    for (const r of u.roles) if (roleNames.has(r)) edges.push({ from: uid, to: node('role', r, r) });
  }
  for (const r of roles) {
    // Public's grants reach every user: it is drawn once, without an edge from each.
    const rid = node('role', r.name, r.name);
    const byObject = new Map<string, { label: string; privileges: string[] }>();
    for (const g of r.grants) {
      const key = `${g.objectType}\u0000${g.dbName}\u0000${g.objectName}`;
      const at = byObject.get(key) ?? { label: describeGrantTarget(g), privileges: [] };
      at.privileges.push(g.privilege);
      byObject.set(key, at);
    }
    for (const [key, at] of byObject) {
      const gid = node('grant', `${r.name}\u0000${key}`, [...new Set(at.privileges)].sort().join(', '));
      edges.push({ from: rid, to: gid });
      edges.push({ from: gid, to: node('object', key, at.label) });
    }
  }
  return { nodes, edges };
}

/** `db.collection` or `collection` (in the default database). */
export function collectionFocus(text: string): { collection: string; database: string } {
  const dot = text.indexOf('.');
  return dot > 0 ? { database: text.slice(0, dot), collection: text.slice(dot + 1) } : { database: DEFAULT_DATABASE, collection: text };
}
