import { afterEach, describe, expect, it } from 'vitest';
import type { ExecutableStep } from '../../src/apply/executor.js';
import { protectOperator } from '../../src/apply/lockout.js';
import type { RunningEmulator } from '../../src/emulator/index.js';
import type { Operation } from '../../src/model/operations.js';
import type { RbacState } from '../../src/model/types.js';
import { operatorImpactJudge } from '../../src/plan/operator-impact.js';
import { apply, emulator, writePolicy } from './helpers.js';

/**
 * Lock-out protection for root when the server sets common.security.rootShouldBindRole: root is
 * then checked like any user, so taking its roles or their grants away can lock it out.
 */

const v254 = { major: 2, minor: 5, patch: 4 };
let counter = 0;
const step = (operation: Operation): ExecutableStep => ({ id: `s${++counter}`, phase: operation.kind, operation });

const manage = [
  { objectType: 'Global', objectName: '*', dbName: '*', privilege: 'SelectOwnership' },
  { objectType: 'Global', objectName: '*', dbName: '*', privilege: 'ManageOwnership' },
] as const;

const live: RbacState = {
  users: [
    { name: 'root', roles: ['rbac_admin'] },
    { name: 'boss', roles: ['admin'] },
  ],
  roles: [
    { name: 'admin', grants: [] },
    { name: 'public', grants: [] },
    { name: 'rbac_admin', grants: [...manage] },
  ],
  privilegeGroups: [],
};

const unbind: Operation = { kind: 'unbindRole', user: 'root', role: 'rbac_admin' };
const revoke: Operation = { kind: 'revoke', role: 'rbac_admin', form: 'v1', grant: manage[1] };

describe('operator impact on root', () => {
  it('is none by default: root passes every check whatever its roles', () => {
    const judge = operatorImpactJudge(live, 'root');
    expect(judge(unbind)).toBe('none');
    expect(judge(revoke)).toBe('none');
    expect(operatorImpactJudge(live, 'root', { rootShouldBindRole: false })(unbind)).toBe('none');
  });

  it('takes access when rootShouldBindRole is true, as for any operator', () => {
    const judge = operatorImpactJudge(live, 'root', { rootShouldBindRole: true });
    expect(judge(unbind)).toBe('takes-access');
    expect(judge(revoke)).toBe('takes-access');
    expect(judge({ kind: 'unbindRole', user: 'boss', role: 'admin' })).toBe('none');
    expect(judge({ kind: 'updatePassword', user: 'root', password: { env: 'P' } })).toBe('ends-session');
  });
});

describe('protectOperator with rootShouldBindRole', () => {
  it('lets root lose its roles by default', () => {
    const result = protectOperator({ steps: [step(unbind)], live, operator: 'root', version: v254 });
    expect(result.refusals).toEqual([]);
    expect(result.operatorSteps).toEqual([]);
  });

  it('refuses a plan that unbinds root from the role it manages access through', () => {
    const steps = [step(unbind)];
    const result = protectOperator({ steps, live, operator: 'root', version: v254, serverSettings: { rootShouldBindRole: true } });
    expect(result.operatorSteps.map((s) => s.id)).toEqual([steps[0]?.id]);
    expect(result.refusals.map((r) => r.message)).toEqual([
      'the plan would leave root without SelectOwnership and ManageOwnership: later runs of rbac could not read or change access control',
    ]);
  });

  it('refuses a step root could no longer run after a revoke from its own role, and moves the revoke last', () => {
    const cut = step(revoke);
    const other = step({ kind: 'createRole', role: 'writer' });
    const result = protectOperator({ steps: [cut, other], live, operator: 'root', version: v254, serverSettings: { rootShouldBindRole: true } });
    // The revoke waits until the end, so the role is created while root can still do it.
    expect(result.steps.map((s) => s.id)).toEqual([other.id, cut.id]);
    expect(result.refusals.map((r) => r.message)).toContain('the plan would leave root without ManageOwnership: later runs of rbac could not read or change access control');
  });

  it('counts admin membership: a root bound to admin keeps everything while it is', () => {
    const withAdmin: RbacState = { ...live, users: [{ name: 'root', roles: ['admin', 'rbac_admin'] }, { name: 'boss', roles: ['admin'] }] };
    const result = protectOperator({ steps: [step(unbind)], live: withAdmin, operator: 'root', version: v254, serverSettings: { rootShouldBindRole: true } });
    expect(result.refusals).toEqual([]);
    const dropAdmin = protectOperator({
      steps: [step({ kind: 'unbindRole', user: 'root', role: 'admin' }), step(unbind)],
      live: withAdmin,
      operator: 'root',
      version: v254,
      serverSettings: { rootShouldBindRole: true },
    });
    expect(dropAdmin.refusals.map((r) => r.guard)).toEqual(['self-lockout']);
  });
});

describe('rbac apply (SDK against the emulator) honours target.settings.rootShouldBindRole', () => {
  let emu: RunningEmulator | undefined;
  afterEach(async () => {
    await emu?.stop();
    emu = undefined;
  });

  // boss keeps an admin binding, so only root's own access is at stake.
  const seed = {
    state: { users: [{ name: 'root', roles: ['admin'] }, { name: 'boss', roles: ['admin'] }], roles: [], privilegeGroups: [] },
    passwords: { root: 'Milvus', boss: 'boss-Secret-1' },
  };
  const policy = (settings: string): string =>
    writePolicy(`version: 1\ntarget:\n  settings:\n${settings}roles:\n  reader:\n    grants:\n      - object: Collection\n        privileges: [Search]\nusers:\n  root:\n    roles: [reader]\n`);

  it('refuses, changing nothing, a policy that takes admin from root when root must bind a role', async () => {
    emu = await emulator({ seed, milvusVersion: '2.5' });
    const before = emu.engine.snapshot();
    const refused = await apply(emu, { source: { policyFiles: [policy('    rootShouldBindRole: true\n')] } });
    expect(refused.result.status).toBe('refused');
    expect(refused.output).toContain('Refused: the plan would leave root without SelectOwnership and ManageOwnership');
    expect(refused.output).toContain('Pass --allow-self-lockout to apply it anyway.');
    expect(emu.engine.snapshot()).toEqual(before);
  });

  it('applies the same change when the server lets root bypass the checks (declared false)', async () => {
    emu = await emulator({ seed, milvusVersion: '2.5' });
    const applied = await apply(emu, { source: { policyFiles: [policy('    rootShouldBindRole: false\n')] } });
    expect(applied.result.refusals).toEqual([]);
    expect(applied.result.status).toBe('applied');
    expect(emu.engine.snapshot().users.find((u) => u.name === 'root')?.roles).toEqual(['reader']);
  });
});
