import { createHash } from 'node:crypto';
import { stableStringify } from '../model/stable-json.js';
import { stepId } from './order.js';
import type { Plan } from './types.js';

/**
 * The digest of a plan: sha256 over what it would do and what it was made from (target, policy
 * hash, live fingerprint, steps, unmanaged objects), not when it was made. The same policy planned
 * against the same live state gives the same digest, so a reviewer can quote it and `rbac apply
 * --expect-digest` can hold the applied plan to it.
 */
export function planDigest(plan: Omit<Plan, 'digest'>): string {
  const content = {
    target: plan.target,
    policyHash: plan.policyHash,
    liveFingerprint: plan.liveFingerprint,
    steps: plan.steps.map((s) => ({ id: s.id, phase: s.phase, operation: s.operation, affectsOperator: s.affectsOperator === true })),
    unmanaged: plan.unmanaged,
  };
  return `sha256:${createHash('sha256').update(stableStringify(content)).digest('hex')}`;
}

/** The first 16 hex digits: enough to quote, unique in practice. */
export function shortDigest(digest: string): string {
  return digest.replace(/^sha256:/, '').slice(0, 16);
}

/** Whether `expected` (whole, or at least its first 12 hex digits) names `digest`. */
export function digestMatches(digest: string, expected: string): boolean {
  const want = expected.trim().replace(/^sha256:/, '').toLowerCase();
  return want.length >= 12 && digest.replace(/^sha256:/, '').startsWith(want);
}

/** What is wrong inside a plan file: steps whose id is not their operation's, repeated ids, a digest that does not match. */
export function planFileProblems(plan: Plan): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const step of plan.steps) {
    const expected = stepId(step.operation);
    if (step.id !== expected) problems.push(`step ${step.id} does not match its operation (which is ${expected})`);
    if (seen.has(step.id)) problems.push(`step ${step.id} appears more than once`);
    seen.add(step.id);
  }
  const actual = planDigest(plan);
  if (plan.digest !== actual) problems.push(`its digest ${shortDigest(plan.digest)} does not match its content (${shortDigest(actual)}): the file was changed after rbac plan wrote it`);
  return problems;
}
