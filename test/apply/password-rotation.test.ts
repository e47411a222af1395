import { afterEach, describe, expect, it } from 'vitest';
import { runDrift } from '../../src/drift/run.js';
import type { EmulatorOptions, RunningEmulator } from '../../src/emulator/index.js';
import { connectionOptionsFromEnv } from '../../src/milvus/connection-settings.js';
import { runPlan } from '../../src/pipeline/run-plan.js';
import { apply, emulator, writePolicy } from './helpers.js';

/**
 * updatePassword keeps a password equal to the policy's: plan logs in as the user with it
 * (through the real SDK's channel, against the emulator) and plans a change only when that fails.
 * Milvus asks for the current password unless the caller is in common.security.superUsers.
 */

const OLD = 'old-Secret-1';
const NEW = 'new-Secret-2';
const seed = { state: { users: [{ name: 'app', roles: [] }], roles: [], privilegeGroups: [] }, passwords: { root: 'Milvus', app: OLD } };

const withOldSource = writePolicy('version: 1\nusers:\n  app:\n    password: { env: APP_PW }\n    updatePassword: true\n    oldPassword: { env: APP_PW_OLD }\n');
const withoutOldSource = writePolicy('version: 1\nusers:\n  app:\n    password: { env: APP_PW }\n    updatePassword: true\n');
const asSuperUser = writePolicy('version: 1\ntarget:\n  settings:\n    superUsers: [root]\nusers:\n  app:\n    password: { env: APP_PW }\n    updatePassword: true\n');

let emu: RunningEmulator | undefined;
afterEach(async () => {
  await emu?.stop();
  emu = undefined;
});

async function start(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  emu = await emulator({ seed, ...options });
  return emu;
}

function plan(target: RunningEmulator, file: string, env: NodeJS.ProcessEnv) {
  return runPlan({ files: [file], connection: connectionOptionsFromEnv({ address: target.address }, { MILVUS_TOKEN: 'root:Milvus' }), env, detailedExitcode: true });
}

function drift(target: RunningEmulator, file: string, env: NodeJS.ProcessEnv) {
  return runDrift({ files: [file], connection: connectionOptionsFromEnv({ address: target.address }, { MILVUS_TOKEN: 'root:Milvus' }), env });
}

const WRITES = ['CreateCredential', 'UpdateCredential', 'DeleteCredential', 'CreateRole', 'DropRole', 'OperateUserRole', 'OperatePrivilege', 'OperatePrivilegeV2'];

/** Counts the writes the server receives from here on. */
function countWrites(target: RunningEmulator): () => number {
  const total = (): number => WRITES.reduce((sum, m) => sum + target.faults.callCount(m), 0);
  const start = total();
  return () => total() - start;
}

describe('updatePassword: a password that already is the policy\'s', () => {
  it('plans nothing, and drift is in sync', async () => {
    const target = await start();
    const env = { APP_PW: OLD, APP_PW_OLD: 'not-needed-1' };
    const planned = await plan(target, withOldSource, env);
    expect(planned.errors).toBe('');
    expect(planned.plan?.steps).toEqual([]);
    expect(planned.exitCode).toBe(0);
    expect((await drift(target, withOldSource, env)).exitCode).toBe(0);
  });
});

describe('updatePassword: a password that differs', () => {
  it('is changed with the current one from oldPassword, verified, and then plan and drift are clean', async () => {
    const target = await start();
    const env = { APP_PW: NEW, APP_PW_OLD: OLD };
    const before = await plan(target, withOldSource, env);
    expect(before.plan?.steps.map((s) => s.id)).toEqual(['updatePassword:app']);
    expect(before.output).toContain('~ password (new one from env APP_PW, current one from env APP_PW_OLD)');

    const applied = await apply(target, { source: { policyFiles: [withOldSource] }, env });
    expect(applied.result.status).toBe('applied');
    expect(applied.output).not.toContain('Verification failed');
    expect(target.engine.authenticate('app', NEW)).toBe(true);

    const after = await plan(target, withOldSource, env);
    expect(after.plan?.steps).toEqual([]);
    expect(after.exitCode).toBe(0);
    expect((await drift(target, withOldSource, env)).exitCode).toBe(0);
    // A second apply has nothing to do, so it cannot fail on "old password not correct".
    const again = await apply(target, { source: { policyFiles: [withOldSource] }, env });
    expect(again.result.status).toBe('no-changes');
  });

  it('is refused before any step without oldPassword or a superuser, and the error says how', async () => {
    const target = await start();
    const writes = countWrites(target);
    const env = { APP_PW: NEW };
    const planned = await plan(target, withoutOldSource, env);
    expect(planned.exitCode).toBe(1);
    expect(planned.errors).toContain('user "app" gets a new password');
    expect(planned.errors).toContain('oldPassword: { env: … }');
    expect(planned.errors).toContain('target.settings.superUsers');
    const applied = await apply(target, { source: { policyFiles: [withoutOldSource] }, env });
    expect(applied.result.status).toBe('error');
    expect(writes()).toBe(0);
    expect(target.engine.authenticate('app', OLD)).toBe(true);
  });

  it('is refused before any step when the oldPassword source cannot be read', async () => {
    const target = await start();
    const writes = countWrites(target);
    const applied = await apply(target, { source: { policyFiles: [withOldSource] }, env: { APP_PW: NEW } });
    expect(applied.result.status).toBe('refused');
    expect(applied.output).toContain('environment variable APP_PW_OLD is not set');
    expect(writes()).toBe(0);
  });

  it('is changed without the current one by an operator the server and the policy list as superuser', async () => {
    const target = await start({ superUsers: ['root'] });
    const env = { APP_PW: NEW };
    const applied = await apply(target, { source: { policyFiles: [asSuperUser] }, env });
    expect(applied.result.status).toBe('applied');
    expect(target.engine.authenticate('app', NEW)).toBe(true);
    expect((await plan(target, asSuperUser, env)).plan?.steps).toEqual([]);
  });

  it('fails at the server when the policy lists a superuser the server does not', async () => {
    const target = await start();
    const applied = await apply(target, { source: { policyFiles: [asSuperUser] }, env: { APP_PW: NEW }, parallelism: 1 });
    expect(applied.result.status).toBe('failed');
    expect(applied.output).toContain('old password not correct for app');
    expect(target.engine.authenticate('app', OLD)).toBe(true);
  });
});

describe('updatePassword: when the login check cannot tell', () => {
  it('plans the change and says why when the server lets any password in (authorization off)', async () => {
    const target = await start({ authorization: false });
    const planned = await plan(target, withOldSource, { APP_PW: OLD, APP_PW_OLD: OLD });
    expect(planned.plan?.steps.map((s) => s.id)).toEqual(['updatePassword:app']);
    expect(planned.plan?.warnings.join('\n')).toContain('accepts any password');
  });

  it('plans the change and warns when the password source cannot be read here', async () => {
    const target = await start();
    const planned = await plan(target, withOldSource, {});
    expect(planned.plan?.steps.map((s) => s.id)).toEqual(['updatePassword:app']);
    expect(planned.plan?.warnings.join('\n')).toContain('apply will need the password of user app');
  });
});
