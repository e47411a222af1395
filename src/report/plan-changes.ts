import type { Operation, PasswordSource } from '../model/operations.js';
import type { Grant } from '../model/types.js';
import type { PlanHeader, UnmanagedObjects } from '../plan/types.js';

/**
 * A plan's steps grouped by the object they change, the way a reader thinks about them: "create
 * role reader with these grants", "change user alice: bind reader, unbind writer". All three
 * renderers (text, JSON, Markdown) show the same grouping and the same counts.
 */

/** What the renderers need of a plan: a saved plan, a fresh one, or apply's view of one. */
export interface RenderableStep {
  readonly id: string;
  readonly phase: number | string;
  readonly operation: Operation;
  readonly affectsOperator?: boolean;
}

export interface RenderablePlan extends PlanHeader {
  readonly steps: readonly RenderableStep[];
  readonly unmanaged?: UnmanagedObjects;
  readonly warnings: readonly string[];
}

export type ObjectKind = 'privilegeGroup' | 'role' | 'user';
export type ChangeAction = 'create' | 'update' | 'delete';
export type Sign = '+' | '-' | '~';

export interface ChangeLine {
  readonly sign: Sign;
  readonly text: string;
  /** The steps the line stands for: one, or a role's grants gathered into one line. */
  readonly stepIds: readonly string[];
  readonly affectsOperator: boolean;
  /** For gathered grants: the names listed, so a renderer with little room can shorten the list. */
  readonly names?: { readonly prefix: string; readonly list: readonly string[] };
}

export interface ObjectChange {
  readonly kind: ObjectKind;
  readonly name: string;
  readonly action: ChangeAction;
  /** Said on the object's own line, e.g. where a new user's password comes from. */
  readonly note: string;
  /** Steps on the object's members (grants, bindings, privileges), in plan order. */
  readonly lines: readonly ChangeLine[];
  readonly stepIds: readonly string[];
  readonly affectsOperator: boolean;
}

export interface ChangeSummary {
  readonly add: number;
  readonly change: number;
  readonly destroy: number;
}

export const KIND_LABEL: Readonly<Record<ObjectKind, string>> = { privilegeGroup: 'privilege group', role: 'role', user: 'user' };
const KIND_ORDER: readonly ObjectKind[] = ['privilegeGroup', 'role', 'user'];

export function describePasswordSource(source: PasswordSource): string {
  return 'env' in source ? `env ${source.env}` : `file ${source.file}`;
}

/** Where a grant applies, in words: `collection default.books`, `database db1`, `cluster`. */
export function describeGrantTarget(g: Grant): string {
  if (g.objectType === 'User') return g.dbName === 'default' || g.dbName === '*' ? `user ${g.objectName}` : `user ${g.objectName} in database ${g.dbName}`;
  if (g.dbName === '*' && g.objectName === '*') return 'cluster';
  if (g.objectType === 'Global' && g.objectName === '*') return `database ${g.dbName}`;
  if (g.objectName === '*') return `all collections of database ${g.dbName}`;
  return `collection ${g.dbName}.${g.objectName}`;
}

export function describeGrant(g: Grant): string {
  return `grant ${g.privilege} on ${describeGrantTarget(g)}`;
}

interface Target {
  readonly kind: ObjectKind;
  readonly name: string;
  /** Creates or drops the object itself, rather than a member. */
  readonly lifecycle?: 'create' | 'delete';
  readonly note?: string;
  readonly line?: { readonly sign: Sign; readonly text: string };
  /** A grant or revoke: gathered with the role's others into lines (gatherGrants). */
  readonly grant?: { readonly sign: Sign; readonly grant: Grant };
}

/** Names as people sort them: c2 before c10. */
const NATURAL = new Intl.Collator('en', { numeric: true });
export const naturalCompare = (a: string, b: string): number => NATURAL.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);

function targetOf(op: Operation): Target {
  switch (op.kind) {
    case 'createPrivilegeGroup':
      return { kind: 'privilegeGroup', name: op.group, lifecycle: 'create' };
    case 'dropPrivilegeGroup':
      return { kind: 'privilegeGroup', name: op.group, lifecycle: 'delete' };
    case 'addPrivilegesToGroup':
      return { kind: 'privilegeGroup', name: op.group, line: { sign: '+', text: `privileges ${op.privileges.join(', ')}` } };
    case 'removePrivilegesFromGroup':
      return { kind: 'privilegeGroup', name: op.group, line: { sign: '-', text: `privileges ${op.privileges.join(', ')}` } };
    case 'createRole':
      return { kind: 'role', name: op.role, lifecycle: 'create' };
    case 'dropRole':
      return { kind: 'role', name: op.role, lifecycle: 'delete' };
    case 'setRoleDescription':
      return { kind: 'role', name: op.role, line: { sign: '~', text: `description ${JSON.stringify(op.description)}` } };
    case 'setUserDescription':
      return { kind: 'user', name: op.user, line: { sign: '~', text: `description ${JSON.stringify(op.description)}` } };
    case 'grant':
      return { kind: 'role', name: op.role, grant: { sign: '+', grant: op.grant } };
    case 'revoke':
      return { kind: 'role', name: op.role, grant: { sign: '-', grant: op.grant } };
    case 'createUser':
      return { kind: 'user', name: op.user, lifecycle: 'create', note: `password from ${describePasswordSource(op.password)}` };
    case 'dropUser':
      return { kind: 'user', name: op.user, lifecycle: 'delete' };
    case 'updatePassword':
      return { kind: 'user', name: op.user, line: { sign: '~', text: `password (new one from ${describePasswordSource(op.password)}${op.oldPassword ? `, current one from ${describePasswordSource(op.oldPassword)}` : ', changed as a superuser'})` } };
    case 'bindRole':
      return { kind: 'user', name: op.user, line: { sign: '+', text: `role ${op.role}` } };
    case 'unbindRole':
      return { kind: 'user', name: op.user, line: { sign: '-', text: `role ${op.role}` } };
  }
}

interface Building {
  kind: ObjectKind;
  name: string;
  action: ChangeAction;
  note: string;
  lines: ChangeLine[];
  grants: { sign: Sign; grant: Grant; stepId: string; affectsOperator: boolean }[];
  stepIds: string[];
  affectsOperator: boolean;
}

/**
 * Groups steps by object: privilege groups, then roles, then users, each by name in natural
 * order. A role's grants (and its revokes) are gathered into one line per privilege set and
 * database: 5 privileges on 250 collections is one line, not 1,250.
 */
export function groupChanges(steps: readonly RenderableStep[]): ObjectChange[] {
  const objects = new Map<string, Building>();
  for (const step of steps) {
    const t = targetOf(step.operation);
    const key = `${t.kind}\u0000${t.name}`;
    let o = objects.get(key);
    if (!o) {
      o = { kind: t.kind, name: t.name, action: 'update', note: '', lines: [], grants: [], stepIds: [], affectsOperator: false };
      objects.set(key, o);
    }
    const affects = step.affectsOperator === true;
    o.stepIds.push(step.id);
    o.affectsOperator ||= affects;
    if (t.lifecycle) o.action = t.lifecycle;
    if (t.note) o.note = t.note;
    if (t.line) o.lines.push({ ...t.line, stepIds: [step.id], affectsOperator: affects });
    if (t.grant) o.grants.push({ ...t.grant, stepId: step.id, affectsOperator: affects });
  }
  return [...objects.values()]
    .map(({ grants, ...o }) => ({ ...o, lines: [...gatherGrants(grants), ...o.lines] }))
    .sort((a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || naturalCompare(a.name, b.name));
}

/** Where a grant applies, split into a shared place and a name, so collections of one database gather. */
function placeOf(g: Grant): { readonly place: string; readonly name: string | null } {
  if (g.objectType === 'Collection' && g.objectName !== '*' && g.dbName !== '*') return { place: `collections of database ${g.dbName}`, name: g.objectName };
  return { place: describeGrantTarget(g), name: null };
}

/**
 * Grants of one sign: privileges gathered per place (a collection, a database…), then places
 * with the same privileges gathered per database; additions first, as the plan runs them.
 */
function gatherGrants(grants: readonly { sign: Sign; grant: Grant; stepId: string; affectsOperator: boolean }[]): ChangeLine[] {
  const lines: ChangeLine[] = [];
  for (const sign of ['+', '-'] as const) {
    const byPlace = new Map<string, { place: string; name: string | null; g: Grant; privileges: Set<string>; stepIds: string[]; affects: boolean }>();
    for (const entry of grants) {
      if (entry.sign !== sign) continue;
      const { place, name } = placeOf(entry.grant);
      const key = `${place}\u0000${name ?? ''}\u0000${entry.grant.objectType}`;
      let at = byPlace.get(key);
      if (!at) {
        at = { place, name, g: entry.grant, privileges: new Set(), stepIds: [], affects: false };
        byPlace.set(key, at);
      }
      at.privileges.add(entry.grant.privilege);
      at.stepIds.push(entry.stepId);
      at.affects ||= entry.affectsOperator;
    }
    const gathered = new Map<string, { privileges: string; place: string; single: Grant; names: string[]; stepIds: string[]; affects: boolean }>();
    for (const at of byPlace.values()) {
      const privileges = [...at.privileges].sort(naturalCompare).join(', ');
      const key = at.name === null ? `${privileges}\u0000${at.place}\u0000single` : `${privileges}\u0000${at.place}`;
      let line = gathered.get(key);
      if (!line) {
        line = { privileges, place: at.place, single: at.g, names: [], stepIds: [], affects: false };
        gathered.set(key, line);
      }
      if (at.name !== null) line.names.push(at.name);
      line.stepIds.push(...at.stepIds);
      line.affects ||= at.affects;
    }
    // The sign says whether it is added or taken away, as for every other line.
    const verb = 'grant';
    const out: ChangeLine[] = [];
    for (const line of gathered.values()) {
      const names = [...line.names].sort(naturalCompare);
      const base = { sign, stepIds: line.stepIds, affectsOperator: line.affects };
      if (names.length <= 1) {
        out.push({ ...base, text: `${verb} ${line.privileges} on ${describeGrantTarget(line.single)}` });
      } else {
        const prefix = `${verb} ${line.privileges} on ${names.length} ${line.place}: `;
        out.push({ ...base, text: `${prefix}${names.join(', ')}`, names: { prefix, list: names } });
      }
    }
    lines.push(...out.sort((a, b) => naturalCompare(a.text, b.text)));
  }
  return lines;
}

export function summarise(changes: readonly ObjectChange[]): ChangeSummary {
  return {
    add: changes.filter((c) => c.action === 'create').length,
    change: changes.filter((c) => c.action === 'update').length,
    destroy: changes.filter((c) => c.action === 'delete').length,
  };
}

export const NO_CHANGES = 'No changes. Milvus matches the policy.';

export function summaryLine(summary: ChangeSummary): string {
  if (summary.add + summary.change + summary.destroy === 0) return NO_CHANGES;
  return `Plan: ${summary.add} to add, ${summary.change} to change, ${summary.destroy} to destroy.`;
}

export function signOf(action: ChangeAction): Sign {
  return action === 'create' ? '+' : action === 'delete' ? '-' : '~';
}
