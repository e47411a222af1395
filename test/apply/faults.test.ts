import { afterEach, describe, expect, it } from 'vitest';
import { customStatus } from '../../src/emulator/index.js';
import type { RunningEmulator } from '../../src/emulator/index.js';
import type { Grant, RbacState } from '../../src/model/types.js';
import { apply, emulator, WRITE_METHODS, writePolicy } from './helpers.js';

/**
 * Fault injection through the real SDK against the emulator: a failure at every step k of the
 * plan, and dropped connections at a few. Each run must stop with a true report, never take away
 * access that both the old and the new state have, and a second run must converge.
 */

const coll = (objectName: string, privilege: string, dbName = 'default'): Grant => ({ objectType: 'Collection', objectName, dbName, privilege });

const SEED: RbacState = {
  users: [
    { name: 'app_one', roles: ['reader', 'old_role'] },
    { name: 'app_old', roles: ['old_role'] },
  ],
  roles: [
    { name: 'reader', grants: [coll('books', 'Search'), coll('books', 'Insert')] },
    { name: 'old_role', grants: [coll('films', 'Query')] },
  ],
  privilegeGroups: [{ name: 'g_old', privileges: ['Insert'] }],
};

const POLICY = `
version: 1
scope:
  users: { prefixes: [app_] }
  roles: { names: [reader, writer, old_role] }
  privilegeGroups: { prefixes: [g_] }
privilegeGroups:
  g_read:
    privileges: [Search, Query]
roles:
  reader:
    grants:
      - object: Collection
        objectName: books
        privileges: [Search, Query]
      - privileges: [g_read]
        database: default
        collections: [films]
  writer:
    grants:
      - object: Collection
        objectName: books
        privileges: [Insert]
users:
  app_one:
    roles: [reader, writer]
    password: { env: APP_ONE_PW }
  app_new:
    roles: [reader]
    password: { env: APP_NEW_PW }
`;

const ENV = { APP_ONE_PW: 'app-one-Secret-1', APP_NEW_PW: 'app-new-Secret-2' };
const INJECTED = customStatus('UnexpectedError', 65535, 'injected failure');

/** Access both the seed and the policy hold: no run, however it ends, may take it away. */
function assertNothingUnintendedRevoked(state: RbacState): void {
  const reader = state.roles.find((r) => r.name === 'reader');
  expect(reader?.grants).toContainEqual(coll('books', 'Search'));
  expect(state.users.find((u) => u.name === 'app_one')?.roles).toContain('reader');
}

let emus: RunningEmulator[] = [];
afterEach(async () => {
  await Promise.all(emus.map((e) => e.stop()));
  emus = [];
});

async function seeded(): Promise<RunningEmulator> {
  const emu = await emulator({ milvusVersion: '2.5', seed: { state: SEED, passwords: { root: 'Milvus', app_one: ENV.APP_ONE_PW } } });
  emus.push(emu);
  return emu;
}

const policy = writePolicy(POLICY);

async function planSize(): Promise<string[]> {
  const emu = await seeded();
  const result = await apply(emu, { source: { policyFiles: [policy] }, env: ENV, format: 'json', autoApprove: false, interactive: false });
  return result.result.notAttempted.map((s) => s.id);
}

/** The next run finishes the job and verifies the live state; `andStays` also checks a third run has nothing left. */
async function converges(emu: RunningEmulator, andStays = false): Promise<void> {
  const second = await apply(emu, { source: { policyFiles: [policy] }, env: ENV });
  expect(second.result.status).toBe('applied');
  expect(second.result.verification?.ok).toBe(true);
  if (!andStays) return;
  const third = await apply(emu, { source: { policyFiles: [policy] }, env: ENV });
  expect(third.result.status).toBe('no-changes');
}

describe('apply under injected failures', () => {
  it('stops at a failure of step k, for every k, reports truly, revokes nothing unintended, and converges on the next run', async () => {
    const allSteps = await planSize();
    const n = allSteps.length;
    // Create and fill a group, create a role, 3 grants, create a user, 2 binds, 2 revokes, 3 drops
    // (dropping old_role removes its bindings: no separate unbind).
    expect(n).toBe(14);
    for (let k = 1; k <= n; k++) {
      const emu = await seeded();
      emu.faults.failNth(k, { status: INJECTED }, { method: WRITE_METHODS });
      const run = await apply(emu, { source: { policyFiles: [policy] }, env: ENV, parallelism: 1, noLock: true });
      const r = run.result;
      expect(run.exitCode, `k=${k}`).toBe(6);
      expect(r.status).toBe('failed');
      expect(r.done.map((s) => s.id)).toEqual(allSteps.slice(0, k - 1));
      expect(r.failed.map((s) => s.id)).toEqual([allSteps[k - 1]]);
      expect(r.failed[0]?.error).toEqual({ kind: 'permanent', code: 'UnexpectedError/65535', reason: 'injected failure' });
      expect(r.notAttempted.map((s) => s.id)).toEqual(allSteps.slice(k));
      expect(run.output).toContain('Milvus said: injected failure (UnexpectedError/65535)');
      assertNothingUnintendedRevoked(emu.engine.snapshot());
      await converges(emu, k === n);
      assertNothingUnintendedRevoked(emu.engine.snapshot());
      await emu.stop();
      emus = emus.filter((e) => e !== emu);
    }
  }, 180_000);

  it('keeps the report a true partition of the plan when steps run in parallel', async () => {
    const allSteps = await planSize();
    for (const k of [2, 5, 9]) {
      const emu = await seeded();
      emu.faults.failNth(k, { status: INJECTED }, { method: WRITE_METHODS });
      const r = (await apply(emu, { source: { policyFiles: [policy] }, env: ENV, parallelism: 4, noLock: true })).result;
      expect(r.status).toBe('failed');
      const ids = [...r.done, ...r.failed, ...r.notAttempted].map((s) => s.id);
      expect(ids.sort()).toEqual([...allSteps].sort());
      expect(r.failed.length).toBeGreaterThanOrEqual(1);
      assertNothingUnintendedRevoked(emu.engine.snapshot());
      await converges(emu);
    }
  }, 60_000);

  it('retries a dropped connection and finishes in the same run', async () => {
    for (const k of [1, 6, 12]) {
      const emu = await seeded();
      emu.faults.dropConnection({ method: WRITE_METHODS, nth: k });
      const r = (await apply(emu, { source: { policyFiles: [policy] }, env: ENV, parallelism: 2, noLock: true })).result;
      expect(r.status, `k=${k}`).toBe('applied');
      expect(r.retries).toBeGreaterThanOrEqual(1);
      expect(r.verification?.ok).toBe(true);
    }
  });

  it('takes the apply lock through a dropped connection (the step-k tests above run without it)', async () => {
    for (const nth of [1, 2]) {
      const emu = await seeded();
      // The lock's own calls: CreateCredential of the lock user first, then its DeleteCredential at the end.
      emu.faults.dropConnection({ method: /^(CreateCredential|DeleteCredential)$/, nth });
      const r = (await apply(emu, { source: { policyFiles: [policy] }, env: ENV, parallelism: 2 })).result;
      expect(r.status, `nth=${nth}`).toBe('applied');
      expect(emu.engine.snapshot().users.map((u) => u.name).filter((n) => n.startsWith('rbac_lock_'))).toEqual([]);
    }
  });

  it('stops with a transient error when retries are exhausted, and the next run converges', async () => {
    const allSteps = await planSize();
    for (const k of [1, 7, allSteps.length]) {
      const emu = await seeded();
      emu.faults.dropConnection({ method: WRITE_METHODS, nth: k });
      const run = await apply(emu, { source: { policyFiles: [policy] }, env: ENV, parallelism: 1, retry: { attempts: 1, baseDelayMs: 0 }, noLock: true });
      expect(run.result.status).toBe('failed');
      expect(run.result.failed[0]?.id).toBe(allSteps[k - 1]);
      expect(run.result.failed[0]?.error.kind).toBe('transient');
      expect(run.result.done).toHaveLength(k - 1);
      assertNothingUnintendedRevoked(emu.engine.snapshot());
      await converges(emu);
    }
  }, 60_000);
});
