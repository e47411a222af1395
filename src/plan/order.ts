import type { AccessOptions } from '../model/access.js';
import { PHASE_ORDER } from '../model/operations.js';
import type { Operation, OperationKind } from '../model/operations.js';
import type { RbacState } from '../model/types.js';
import type { PlannedOperation } from './diff.js';
import { operatorImpactJudge } from './operator-impact.js';
import type { PlanStep } from './types.js';

/**
 * Puts the diff's writes into the safe order of docs/architecture.md: one phase per operation
 * kind, in PHASE_ORDER (dependencies first, additive before subtractive). Steps that take access
 * away from the user running the apply go after everything else, in the same kind order, and
 * the ones that end that user's session (its own password or removal) come very last.
 *
 * Phase numbers (docs/plan-format.md):
 *   1..15   PHASE_ORDER[n - 1]
 *   12      also re-grants of related privileges a v1 revoke of Load/Flush took away
 *           (27 when that revoke is among the operator's steps)
 *   16..30  the same kinds, for steps affecting the operator
 *   31      the operator's own password change or removal
 */

const KINDS = PHASE_ORDER.length;
const REGRANT_PHASE = PHASE_ORDER.indexOf('removePrivilegesFromGroup') + 1;
export const SESSION_END_PHASE = 2 * KINDS + 1;

const phaseOfKind = (kind: OperationKind): number => PHASE_ORDER.indexOf(kind) + 1;

/** A stable identity: the operation kind and the names it touches. */
export function stepId(op: Operation): string {
  switch (op.kind) {
    case 'createPrivilegeGroup':
    case 'addPrivilegesToGroup':
    case 'removePrivilegesFromGroup':
    case 'dropPrivilegeGroup':
      return `${op.kind}:${op.group}`;
    case 'createRole':
    case 'setRoleDescription':
    case 'dropRole':
      return `${op.kind}:${op.role}`;
    case 'grant':
    case 'revoke': {
      const g = op.grant;
      return `${op.kind}:${op.role}:${g.dbName}:${g.objectType}:${g.objectName}:${g.privilege}`;
    }
    case 'createUser':
    case 'setUserDescription':
    case 'updatePassword':
    case 'dropUser':
      return `${op.kind}:${op.user}`;
    case 'bindRole':
    case 'unbindRole':
      return `${op.kind}:${op.user}:${op.role}`;
  }
}

export interface OrderInput {
  readonly operations: readonly PlannedOperation[];
  readonly live: RbacState;
  /** Who passes every check: rootShouldBindRole decides whether root is exempt; on Zilliz Cloud, db_admin is. */
  readonly serverSettings?: AccessOptions;
  /** The user running the apply; '' or absent when unknown (then nothing is flagged). */
  readonly operator?: string;
}

/** Steps sorted by phase; within a phase, in the diff's (deterministic) order. */
export function orderSteps(input: OrderInput): PlanStep[] {
  const operator = input.operator ?? '';
  const impactOf = operatorImpactJudge(input.live, operator, input.serverSettings);
  const steps = input.operations.map((planned, index): { step: PlanStep; index: number } => {
    const op = planned.operation;
    const impact = impactOf(op);
    let phase = planned.afterRevokes ? REGRANT_PHASE : phaseOfKind(op.kind);
    // The revoke it follows was moved among the operator's steps: follow it there.
    if (planned.afterRevokes && op.kind === 'grant' && impactOf({ ...op, kind: 'revoke' }) === 'takes-access') phase += KINDS;
    if (impact !== 'none') phase = impact === 'ends-session' ? SESSION_END_PHASE : KINDS + phaseOfKind(op.kind);
    const step: PlanStep = impact !== 'none' ? { id: stepId(op), phase, operation: op, affectsOperator: true } : { id: stepId(op), phase, operation: op };
    return { step, index };
  });
  steps.sort((a, b) => a.step.phase - b.step.phase || a.index - b.index);
  return steps.map((s) => s.step);
}
