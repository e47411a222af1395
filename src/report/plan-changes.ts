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
  readonly stepId: string;
  readonly affectsOperator: boolean;
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
}

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
      return { kind: 'role', name: op.role, line: { sign: '+', text: describeGrant(op.grant) } };
    case 'revoke':
      return { kind: 'role', name: op.role, line: { sign: '-', text: describeGrant(op.grant) } };
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
  stepIds: string[];
  affectsOperator: boolean;
}

/** Groups steps by object: privilege groups, then roles, then users, each by name. */
export function groupChanges(steps: readonly RenderableStep[]): ObjectChange[] {
  const objects = new Map<string, Building>();
  for (const step of steps) {
    const t = targetOf(step.operation);
    const key = `${t.kind}\u0000${t.name}`;
    let o = objects.get(key);
    if (!o) {
      o = { kind: t.kind, name: t.name, action: 'update', note: '', lines: [], stepIds: [], affectsOperator: false };
      objects.set(key, o);
    }
    const affects = step.affectsOperator === true;
    o.stepIds.push(step.id);
    o.affectsOperator ||= affects;
    if (t.lifecycle) o.action = t.lifecycle;
    if (t.note) o.note = t.note;
    if (t.line) o.lines.push({ ...t.line, stepId: step.id, affectsOperator: affects });
  }
  const byCodeUnit = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  return [...objects.values()].sort((a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || byCodeUnit(a.name, b.name));
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
