import { describe, expect, it } from 'vitest';
import { makePlan } from '../../src/plan/make.js';
import type { Plan } from '../../src/plan/types.js';
import { describeGrantTarget, renderPlan, renderPlanMarkdown, renderPlanText, shouldUseColour, ANSI_PALETTE, planToJson } from '../../src/report/index.js';
import { coll, desired, fresh, glob, versionOf } from './helpers.js';

function plan(): Plan {
  return makePlan({
    desired: desired({
      users: { alice: ['reader'], carol: ['reader'] },
      roles: { reader: [coll('books', 'Search'), coll('books', 'Query')], writer: [coll('books', 'Insert')] },
      scope: { users: { names: ['alice', 'carol', 'dave'] } },
      userSpecs: { carol: { updatePassword: true, oldPassword: { env: 'PW_CAROL_OLD' } } },
    }),
    live: {
      state: fresh({ users: { carol: ['writer'], dave: [], bob: [] }, roles: { reader: [coll('books', 'Delete'), coll('books', 'Search')], writer: [coll('books', 'Insert')], other: [] } }),
      version: versionOf('2.5'),
      versionString: 'v2.5.4',
      address: 'milvus.internal:19530',
    },
    policyHash: 'a'.repeat(64),
    operator: 'carol',
  });
}

describe('text renderer', () => {
  it('groups steps by object with + / - / ~ and ends with the summary line', () => {
    const text = renderPlanText(plan());
    expect(text).toContain('  ~ role "reader"\n      + grant Query on collection default.books\n      - grant Delete on collection default.books\n');
    expect(text).toContain('  + user "alice" (password from env PW_ALICE)\n      + role reader\n');
    // carol runs the apply: losing a role and her own password change are flagged and run last.
    expect(text).toContain(
      '  ~ user "carol"\n      + role reader\n      - role writer (runs last: takes access from the user running the apply)\n      ~ password (new one from env PW_CAROL, current one from env PW_CAROL_OLD) (runs last: takes access from the user running the apply)\n',
    );
    expect(text).toContain('  - user "dave"\n');
    expect(text).toContain('Unmanaged (outside the policy\'s scope, left alone):\n  roles: other\n  users: bob\n');
    expect(text.trimEnd().split('\n').at(-2)).toBe('Plan: 1 to add, 2 to change, 1 to destroy.');
    expect(text.trimEnd().split('\n').at(-1)).toMatch(/^Plan digest: [0-9a-f]{16} \(rbac apply --expect-digest [0-9a-f]{16} applies only this plan\)$/);
    expect(text).not.toContain('\u001b[');
  });

  it('says "No changes." when there is nothing to do', () => {
    const same = makePlan({ desired: desired({ roles: { r: [] } }), live: { state: fresh({ roles: { r: [] } }), version: versionOf('2.3'), versionString: 'v2.3.5', address: 'x' }, policyHash: 'h' });
    expect(renderPlanText(same).trimEnd().split('\n').at(-1)).toBe('No changes. Milvus matches the policy.');
    expect(renderPlanMarkdown(same)).toMatch(/^### rbac plan: No changes\. Milvus matches the policy\./);
    expect(planToJson(same).summary).toEqual({ add: 0, change: 0, destroy: 0, steps: 0 });
  });

  it('colours only when asked, and NO_COLOR or a pipe turns colour off', () => {
    expect(renderPlan(plan(), 'text', { colour: true })).toContain(ANSI_PALETTE.add('+'));
    expect(shouldUseColour({ isTTY: true }, {})).toBe(true);
    expect(shouldUseColour({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(shouldUseColour({ isTTY: true }, { NO_COLOR: '' })).toBe(true);
    expect(shouldUseColour({ isTTY: false }, {})).toBe(false);
    expect(shouldUseColour({}, {})).toBe(false);
  });

  it('names grant targets in words', () => {
    expect(describeGrantTarget(coll('books', 'Search', 'db1'))).toBe('collection db1.books');
    expect(describeGrantTarget(coll('*', 'Search'))).toBe('all collections of database default');
    expect(describeGrantTarget(glob('CreateCollection'))).toBe('database default');
    expect(describeGrantTarget(glob('ClusterReadOnly', '*'))).toBe('cluster');
    expect(describeGrantTarget({ objectType: 'User', objectName: 'bob', dbName: 'default', privilege: 'UpdateUser' })).toBe('user bob');
  });
});

describe('json and markdown renderers', () => {
  it('json: stable keys, summary, per-object changes and the steps', () => {
    const json = planToJson(plan());
    expect(Object.keys(json)).toEqual(['formatVersion', 'toolVersion', 'createdAt', 'target', 'policyHash', 'liveFingerprint', 'digest', 'summary', 'changes', 'steps', 'unmanaged', 'warnings']);
    expect(json.summary).toEqual({ add: 1, change: 2, destroy: 1, steps: json.steps.length });
    expect(json.changes.map((c) => `${c.action} ${c.kind} ${c.name}`)).toEqual(['update role reader', 'create user alice', 'update user carol', 'delete user dave']);
    expect(json.changes.flatMap((c) => c.steps).sort()).toEqual(json.steps.map((s) => s.id).sort());
  });

  it('markdown: a diff block a code host colours, unmanaged objects folded', () => {
    const md = renderPlanMarkdown(plan());
    expect(md).toMatch(/^### rbac plan: Plan: 1 to add, 2 to change, 1 to destroy\.\n/);
    expect(md).toContain('```diff\n~ role "reader"\n+     grant Query on collection default.books\n-     grant Delete on collection default.books\n');
    expect(md).toContain('<details><summary>Unmanaged objects (2)');
  });

  it('never renders a password, only where it comes from', () => {
    const secret = 'S3cret-value-never-shown';
    process.env.PW_ALICE = secret;
    try {
      for (const format of ['text', 'json', 'markdown'] as const) {
        const out = renderPlan(plan(), format);
        expect(out).not.toContain(secret);
        expect(out).toContain('PW_ALICE');
      }
    } finally {
      delete process.env.PW_ALICE;
    }
  });
});
