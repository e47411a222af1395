import { describe, expect, it } from 'vitest';
import { makePlan } from '../../src/plan/make.js';
import type { Plan } from '../../src/plan/types.js';
import { planToJson, renderPlanMarkdown, renderPlanText } from '../../src/report/index.js';
import { coll, desired, fresh, versionOf } from './helpers.js';

/**
 * The plan of the issue: 8 roles × 5 privileges × 250 collections, 10,000 grants. It once printed
 * 10,023 lines of text and 453,926 characters of Markdown, with names in the order c1, c10, c2.
 */

const PRIVILEGES = ['Search', 'Query', 'Insert', 'Delete', 'Upsert'];
const COLLECTIONS = Array.from({ length: 250 }, (_, i) => `c${i + 1}`);

function bigPlan(): Plan {
  const roles: Record<string, ReturnType<typeof coll>[]> = {};
  for (let r = 1; r <= 8; r++) roles[`role${r}`] = COLLECTIONS.flatMap((c) => PRIVILEGES.map((p) => coll(c, p)));
  return makePlan({
    desired: desired({ roles }),
    live: { state: fresh(), version: versionOf('2.5'), versionString: 'v2.5.4', address: '127.0.0.1:19530' },
    policyHash: 'f'.repeat(64),
    operator: 'root',
    now: new Date('2026-12-01T00:00:00Z'),
  });
}

describe('a plan of 10,000 grants', () => {
  const plan = bigPlan();

  it('has 10,008 steps and keeps every one in JSON', () => {
    expect(plan.steps).toHaveLength(10_008);
    expect(planToJson(plan).steps).toHaveLength(10_008);
  });

  it('prints one line per role\'s privilege set in text, names in natural order', () => {
    const text = renderPlanText(plan);
    const lines = text.split('\n');
    expect(lines.length).toBeLessThan(40);
    const role1 = lines.find((l) => l.includes('+ grant Delete, Insert, Query, Search, Upsert on 250 collections of database default: '));
    expect(role1).toBeDefined();
    expect(role1).toContain(': c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11,');
    expect(role1?.endsWith('c249, c250')).toBe(true);
  });

  it('keeps Markdown within the budget, shortening long lists', () => {
    const markdown = renderPlanMarkdown(plan);
    expect(markdown.length).toBeLessThanOrEqual(60_000);
    expect(markdown).toContain('+     grant Delete, Insert, Query, Search, Upsert on 250 collections of database default: c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13, c14, c15, c16, c17, c18, c19, c20 and 230 more');
    expect(markdown).not.toContain('not shown');
  });

  it('leaves out what does not fit and says how much, under a small budget', () => {
    const markdown = renderPlanMarkdown(plan, { budget: 1_500, fullPlanHint: 'the full plan is the workflow artifact plan.json (rbac show plan.json)' });
    expect(markdown.length).toBeLessThanOrEqual(1_500);
    expect(markdown).toMatch(/_\d+ more objects \(\d+ steps\) not shown, to keep this under 1,500 characters: the full plan is the workflow artifact plan\.json \(rbac show plan\.json\)\._/);
    expect(markdown).toContain('digest `');
  });
});
