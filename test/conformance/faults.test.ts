import { describe, expect, it } from 'vitest';
import { injectedStatus } from '../../src/emulator/index.js';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { expectError, expectGrpcError, expectOk } from './expect.js';
import { ON_REAL, source, useTarget } from './target.js';
import type { Target } from './target.js';

/**
 * Fault injection (emulator only: a real server cannot be told to fail). Each kind of fault the
 * reconciler must survive: slow calls, a failing call, failures of one method, a dropped
 * connection, and gRPC-level errors.
 */

function emulatorOf(t: Target): RunningEmulator {
  if (!t.emulator) throw new Error('fault injection needs the emulator');
  return t.emulator;
}

describe.skipIf(ON_REAL)('injected faults (emulator only)', () => {
  const target = useTarget();

  it(`${source('fault: latency')} delays matching calls and no others`, async () => {
    const t = target();
    const { faults } = emulatorOf(t);
    const root = await t.client();
    faults.setLatency(300, 'ListCredUsers');
    // Ordering, not timing: the delayed call is sent first and must still finish last.
    const finished: string[] = [];
    const slow = root.listUsers().then((r) => {
      finished.push('ListCredUsers');
      return r;
    });
    const fast = root.checkHealth().then(() => finished.push('CheckHealth'));
    expectOk(await slow);
    await fast;
    faults.clear();
    expect(finished).toEqual(['CheckHealth', 'ListCredUsers']);
  });

  it(`${source('fault: fail the Nth call')} fails exactly the Nth matching call with the chosen Milvus status`, async () => {
    const t = target();
    const { faults } = emulatorOf(t);
    const root = await t.client();
    faults.failNth(2, injectedStatus('injected: rootcoord not ready', 'NotReadyServe', 2), { method: 'CreateRole' });
    expectOk(await root.createRole({ roleName: t.name('f1') }));
    expectError(await root.createRole({ roleName: t.name('f2') }), {
      error_code: 'NotReadyServe',
      code: 2,
      exact: 'injected: rootcoord not ready',
    });
    expectOk(await root.createRole({ roleName: t.name('f3') }));
    const roles = (await root.listRoles()).results.map((r) => r.role.name);
    expect(roles).toContain(t.name('f1'));
    expect(roles).not.toContain(t.name('f2'));
  });

  it(`${source('fault: fail matching calls')} fails every call of a method until cleared, leaving others alone`, async () => {
    const t = target();
    const { faults } = emulatorOf(t);
    const root = await t.client();
    faults.failMatching(/^Operate/, injectedStatus('injected failure'));
    expectError(await root.grantPrivilege({ roleName: 'public', object: 'Global' as never, objectName: '*', privilegeName: 'CreateCollection' }), {
      exact: 'injected failure',
    });
    expectOk(await root.listUsers());
    faults.clear();
    expect(faults.callCount('OperatePrivilege')).toBeGreaterThanOrEqual(1);
  });

  it(`${source('fault: gRPC status')} ends a call with a gRPC error code (RESOURCE_EXHAUSTED)`, async () => {
    const t = target();
    const { faults } = emulatorOf(t);
    const root = await t.client();
    faults.failNth(1, { grpcCode: 8, message: 'injected: rate limited' }, { method: 'ListCredUsers' });
    await expectGrpcError(root.listUsers(), 8, 'injected: rate limited');
    expectOk(await root.listUsers());
  });

  it(`${source('fault: dropped connection')} drops the connection on a call; the client sees UNAVAILABLE and reconnects`, async () => {
    const t = target();
    const { faults } = emulatorOf(t);
    const root = await t.client();
    faults.dropConnection({ method: 'CreateCredential' });
    await expectGrpcError(root.createUser({ username: t.name('drop'), password: 'secret_pw1' }), 14, '');
    // The call fails as its stream closes; the channel learns that its connection is gone a moment
    // later (the session's own close event). A call sent in between meets the dead connection too.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await root.listUsers()).usernames).not.toContain(t.name('drop'));
    expectOk(await root.createUser({ username: t.name('drop'), password: 'secret_pw1' }));
  });
});
