import { describe, expect, it } from 'vitest';
import { checkNoDestroy, checkProtected, checkSavedPlan } from '../../src/apply/guards.js';
import { protectOperator } from '../../src/apply/lockout.js';
import { operatorImpactJudge } from '../../src/plan/operator-impact.js';
import type { ExecutableStep } from '../../src/apply/executor.js';
import type { Operation } from '../../src/model/operations.js';
import type { RbacState } from '../../src/model/types.js';

const v23 = { major: 2, minor: 3, patch: 5 };
let counter = 0;
const step = (operation: Operation, phase: string = operation.kind): ExecutableStep => ({ id: `s${++counter}`, phase, operation });

const manage = [
  { objectType: 'Global', objectName: '*', dbName: '*', privilege: 'SelectOwnership' },
  { objectType: 'Global', objectName: '*', dbName: '*', privilege: 'ManageOwnership' },
  { objectType: 'Global', objectName: '*', dbName: '*', privilege: 'DropOwnership' },
  { objectType: 'Global', objectName: '*', dbName: '*', privilege: 'CreateOwnership' },
] as const;

const live: RbacState = {
  users: [
    { name: 'ops', roles: ['admin', 'rbac_admin'] },
    { name: 'app', roles: ['reader'] },
    { name: 'boss', roles: ['admin'] },
    { name: 'root', roles: [] },
  ],
  roles: [
    { name: 'admin', grants: [] },
    { name: 'public', grants: [] },
    { name: 'rbac_admin', grants: [...manage] },
    { name: 'reader', grants: [{ objectType: 'Collection', objectName: 'books', dbName: 'default', privilege: 'Search' }] },
  ],
  privilegeGroups: [],
};

describe('checkNoDestroy', () => {
  it('names every drop and lets revokes and unbinds through', () => {
    const steps = [
      step({ kind: 'dropUser', user: 'app' }),
      step({ kind: 'revoke', role: 'reader', form: 'v1', grant: { objectType: 'Collection', objectName: 'books', dbName: 'default', privilege: 'Search' } }),
      step({ kind: 'unbindRole', user: 'app', role: 'reader' }),
      step({ kind: 'dropRole', role: 'reader' }),
      step({ kind: 'dropPrivilegeGroup', group: 'g' }),
    ];
    const refusals = checkNoDestroy(steps);
    expect(refusals.map((r) => r.message)).toEqual([
      `--no-destroy refuses step ${steps[0]?.id}: drop user app`,
      `--no-destroy refuses step ${steps[3]?.id}: drop role reader`,
      `--no-destroy refuses step ${steps[4]?.id}: drop privilege group g`,
    ]);
  });
});

describe('checkProtected', () => {
  it('refuses drops of protected objects and of root/admin/public', () => {
    const steps = [
      step({ kind: 'dropUser', user: 'app' }),
      step({ kind: 'dropUser', user: 'other' }),
      step({ kind: 'dropRole', role: 'reader' }),
      step({ kind: 'dropRole', role: 'public' }),
      step({ kind: 'dropPrivilegeGroup', group: 'keep' }),
      step({ kind: 'dropUser', user: 'root' }),
    ];
    const refusals = checkProtected(steps, {
      users: { app: { protect: true, updatePassword: false } },
      protectedRoles: ['reader'],
      protectedPrivilegeGroups: ['keep'],
    });
    expect(refusals.map((r) => r.stepId)).toEqual([steps[0]?.id, steps[2]?.id, steps[3]?.id, steps[4]?.id, steps[5]?.id]);
    expect(refusals[0]?.message).toContain('user app is protected');
  });
});

describe('checkSavedPlan', () => {
  const plan = { formatVersion: 1, target: { address: 'h:19530', milvusVersion: '2.4.15' }, liveFingerprint: 'aaaa' };
  it('accepts the same target and fingerprint', () => {
    expect(checkSavedPlan(plan, { address: 'h:19530', milvusVersion: '2.4.15', liveFingerprint: 'aaaa' })).toEqual([]);
  });
  it('refuses a changed live state', () => {
    expect(checkSavedPlan(plan, { address: 'h:19530', milvusVersion: '2.4.15', liveFingerprint: 'bbbb' }).map((r) => r.guard)).toEqual(['stale-plan']);
  });
  it('refuses another address or version', () => {
    expect(checkSavedPlan(plan, { address: 'other:1', milvusVersion: '2.4.15', liveFingerprint: 'aaaa' }).map((r) => r.guard)).toEqual(['other-target']);
    expect(checkSavedPlan(plan, { address: 'h:19530', milvusVersion: '2.5.4', liveFingerprint: 'aaaa' })[0]?.message).toContain('runs 2.5.4');
  });
  it('refuses an unknown plan format', () => {
    expect(checkSavedPlan({ ...plan, formatVersion: 2 }, { address: 'h:19530', milvusVersion: '2.4.15', liveFingerprint: 'aaaa' })[0]?.guard).toBe('plan-format');
  });
});

describe('lock-out protection', () => {
  it('knows which steps take access from the operator', () => {
    const ops = operatorImpactJudge(live, 'ops');
    expect(ops({ kind: 'unbindRole', user: 'ops', role: 'admin' })).toBe('takes-access');
    expect(ops({ kind: 'unbindRole', user: 'app', role: 'reader' })).toBe('none');
    expect(ops({ kind: 'revoke', role: 'rbac_admin', form: 'v1', grant: manage[0] })).toBe('takes-access');
    expect(ops({ kind: 'revoke', role: 'public', form: 'v1', grant: manage[0] })).toBe('takes-access');
    expect(ops({ kind: 'dropRole', role: 'reader' })).toBe('none');
    expect(ops({ kind: 'updatePassword', user: 'ops', password: { env: 'P' } })).toBe('ends-session');
    expect(ops({ kind: 'dropUser', user: 'ops' })).toBe('ends-session');
    expect(operatorImpactJudge(live, 'root')({ kind: 'unbindRole', user: 'root', role: 'admin' })).toBe('none');
    expect(operatorImpactJudge(live, '')({ kind: 'dropUser', user: 'ops' })).toBe('none');
  });

  it('moves operator steps last, keeping their order', () => {
    const unbindAdmin = step({ kind: 'unbindRole', user: 'ops', role: 'admin' }, 'unbind');
    const unbindApp = step({ kind: 'unbindRole', user: 'app', role: 'reader' }, 'unbind');
    const dropReader = step({ kind: 'dropRole', role: 'reader' }, 'drop');
    const result = protectOperator({ steps: [unbindAdmin, unbindApp, dropReader], live, operator: 'ops', version: v23 });
    expect(result.steps.map((s) => s.id)).toEqual([unbindApp.id, dropReader.id, unbindAdmin.id]);
    // ops keeps rbac_admin, so losing admin is not a lock-out.
    expect(result.refusals).toEqual([]);
  });

  it('refuses a plan after which the operator could not finish or manage access, or that removes the last admin binding', () => {
    const steps = [
      step({ kind: 'unbindRole', user: 'ops', role: 'admin' }),
      step({ kind: 'unbindRole', user: 'boss', role: 'admin' }),
      step({ kind: 'unbindRole', user: 'ops', role: 'rbac_admin' }),
      step({ kind: 'revoke', role: 'rbac_admin', form: 'v1', grant: manage[3] }),
    ];
    const result = protectOperator({ steps, live, operator: 'ops', version: v23 });
    const messages = result.refusals.map((r) => r.message);
    expect(messages).toContain(`after earlier steps, ops would no longer hold ManageOwnership and could not run step ${steps[3]?.id}: revoke CreateOwnership on Global *.* from role rbac_admin (v1)`);
    expect(messages).toContain('the plan would leave ops without SelectOwnership and ManageOwnership: later runs of rbac could not read or change access control');
    expect(messages).toContain('the plan removes the last binding to the admin role (boss, ops)');
  });

  it('refuses dropping the operator or changing its password, and puts those at the very end', () => {
    const pw = step({ kind: 'updatePassword', user: 'ops', password: { env: 'OPS_PW' } });
    const unbind = step({ kind: 'unbindRole', user: 'ops', role: 'reader' });
    const result = protectOperator({ steps: [pw, unbind], live, operator: 'ops', version: v23 });
    expect(result.steps.map((s) => s.id)).toEqual([unbind.id, pw.id]);
    expect(result.refusals.map((r) => r.guard)).toEqual(['self-lockout']);
  });

  it('cannot judge without an operator name and says so', () => {
    const result = protectOperator({ steps: [step({ kind: 'unbindRole', user: 'ops', role: 'admin' })], live, operator: '', version: v23 });
    expect(result.refusals).toEqual([]);
    expect(result.warnings[0]).toContain('cannot tell');
  });
});

describe('lock-out reordering keeps dependent steps behind the steps they depend on', () => {
  it('moves a re-grant and a drop that follow a moved revoke on the same role', () => {
    const revoke = step({ kind: 'revoke', role: 'rbac_admin', form: 'v1', grant: { objectType: 'Collection', objectName: 'c', dbName: 'default', privilege: 'Load' } }, 'revoke');
    const regrant = step({ kind: 'grant', role: 'rbac_admin', form: 'v1', grant: { objectType: 'Collection', objectName: 'c', dbName: 'default', privilege: 'GetLoadState' } }, 'regrant');
    const other = step({ kind: 'dropRole', role: 'reader' }, 'drop');
    const result = protectOperator({ steps: [revoke, regrant, other], live, operator: 'ops', version: v23 });
    expect(result.steps.map((s) => s.id)).toEqual([other.id, revoke.id, regrant.id]);
  });
});
