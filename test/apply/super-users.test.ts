import { afterEach, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import type { MilvusConnection } from '../../src/milvus/connection.js';
import { executeOperation } from '../../src/milvus/execute.js';
import { envSecretResolver } from '../../src/milvus/secrets.js';
import { apply, emulator, writePolicy } from './helpers.js';

/**
 * common.security.superUsers: Milvus skips the old-password check of UpdateCredential when the
 * CALLER is listed (internal/proxy/impl.go), and that is all it does. The tool needs no change
 * for it: a missing <ENV>_OLD / <file>.old sends an empty old password and refuses nothing. The
 * emulator has no superUsers, so the last step (the server accepting '') cannot be shown here.
 */

interface UpdateUserCall {
  readonly username: string;
  readonly oldPassword?: string;
  readonly newPassword?: string;
}

/** A connection whose only working call is updateUser, recording what it was sent. */
function recordingConnection(calls: UpdateUserCall[]): MilvusConnection {
  const client = {
    updateUser: async (request: UpdateUserCall) => {
      calls.push(request);
      return { error_code: 'Success', reason: '' };
    },
  };
  return { client, user: 'ops' } as unknown as MilvusConnection;
}

describe('updatePassword without an old-password source', () => {
  it('sends an empty old password when <ENV>_OLD is missing, and the old one when it is set', async () => {
    const calls: UpdateUserCall[] = [];
    const conn = recordingConnection(calls);
    const op = { kind: 'updatePassword', user: 'app', password: { env: 'APP_PW' } } as const;
    await executeOperation(conn, op, envSecretResolver({ APP_PW: 'new-Secret-1' }));
    await executeOperation(conn, op, envSecretResolver({ APP_PW: 'new-Secret-1', APP_PW_OLD: 'old-Secret-1' }));
    expect(calls).toEqual([
      { username: 'app', oldPassword: '', newPassword: 'new-Secret-1' },
      { username: 'app', oldPassword: 'old-Secret-1', newPassword: 'new-Secret-1' },
    ]);
  });
});

describe('rbac apply by a declared super user (SDK against the emulator)', () => {
  let emu: RunningEmulator | undefined;
  afterEach(async () => {
    await emu?.stop();
    emu = undefined;
  });

  const seed = { state: { users: [{ name: 'app', roles: [] }], roles: [], privilegeGroups: [] }, passwords: { root: 'Milvus', app: 'old-Secret-1' } };
  const policy = writePolicy(
    'version: 1\ntarget:\n  settings:\n    superUsers: [root]\nusers:\n  app:\n    password: { env: APP_PW }\n    updatePassword: true\n',
  );

  it('refuses nothing for a missing APP_PW_OLD: the call goes out with an empty old password', async () => {
    emu = await emulator({ seed });
    const result = await apply(emu, { source: { policyFiles: [policy] }, env: { APP_PW: 'new-Secret-1' }, parallelism: 1 });
    expect(result.result.refusals).toEqual([]);
    // The emulator checks the old password for every caller (it has no superUsers), so this is
    // where a real server configured with superUsers: root would accept the call.
    expect(result.result.status).toBe('failed');
    expect(result.result.failed.map((f) => f.operation)).toEqual(['update password of user app (from environment variable APP_PW)']);
    expect(result.output).toContain('old password not correct for app');
    expect(emu.engine.authenticate('app', 'old-Secret-1')).toBe(true);
  });

  it('rotates with APP_PW_OLD for a caller the server does not list (the same policy)', async () => {
    emu = await emulator({ seed });
    const result = await apply(emu, { source: { policyFiles: [policy] }, env: { APP_PW: 'new-Secret-1', APP_PW_OLD: 'old-Secret-1' } });
    expect(result.result.refusals).toEqual([]);
    expect(result.result.done.map((d) => d.operation)).toEqual(['update password of user app (from environment variable APP_PW)']);
    expect(result.result.failed).toEqual([]);
    expect(emu.engine.authenticate('app', 'new-Secret-1')).toBe(true);
  });
});
