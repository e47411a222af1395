import { afterEach, describe, expect, it } from 'vitest';
import { executeOperation } from '../../src/milvus/execute.js';
import { MilvusCallError } from '../../src/milvus/errors.js';
import { envSecretResolver } from '../../src/milvus/secrets.js';
import type { Operation } from '../../src/model/operations.js';
import type { Grant } from '../../src/model/types.js';
import { startFixture } from './helpers.js';
import type { Fixture } from './helpers.js';

/**
 * Grants, revokes and role bindings go out on the SDK's channels without its per-call
 * interceptors (src/milvus/bulk-calls.ts). What the interceptors did that Milvus needs, the
 * credentials, must still be sent, and failures must still be classified the same way.
 */

let fixture: Fixture | undefined;
afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

const query: Grant = { objectType: 'Collection', objectName: 'books', dbName: 'default', privilege: 'Query' };
const noSecrets = envSecretResolver({});

async function failureOf(run: Promise<void>): Promise<MilvusCallError> {
  const error = await run.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof MilvusCallError)) throw new Error(`expected a MilvusCallError, got ${String(error)}`);
  return error;
}

const aliceSeed = {
  state: { users: [{ name: 'alice', roles: [] }], roles: [{ name: 'r', grants: [] }], privilegeGroups: [] },
  passwords: { root: 'Milvus', alice: 'alice-pass-1' },
};

describe('grants, revokes and bindings sent without the SDK interceptors', () => {
  const bulkOps: readonly Operation[] = [
    { kind: 'grant', role: 'r', form: 'v1', grant: query },
    { kind: 'grant', role: 'r', form: 'v2', grant: query },
    { kind: 'bindRole', user: 'alice', role: 'r' },
    { kind: 'revoke', role: 'r', form: 'v2', grant: query },
    { kind: 'unbindRole', user: 'alice', role: 'r' },
  ];

  it.each(bulkOps.map((op) => [op.kind + ('form' in op ? ` ${op.form}` : ''), op] as const))(
    '%s carries the connection user: refused to a user without the privilege, done for root',
    async (_label, op) => {
      fixture = await startFixture({ milvusVersion: '2.5', authorization: true, seed: aliceSeed }, {}, { MILVUS_TOKEN: 'alice:alice-pass-1' });
      const refused = await failureOf(executeOperation(fixture.conn, op, noSecrets));
      expect(refused.code).toBe('PERMISSION_DENIED');
      expect(refused.reason).toMatch(/alice/);
      expect(refused.kind).toBe('permanent');
      await fixture.close();

      fixture = await startFixture({ milvusVersion: '2.5', authorization: true, seed: aliceSeed });
      const engine = fixture.emulator.engine;
      // The revokes and the unbind need something to remove.
      if (op.kind === 'revoke') await executeOperation(fixture.conn, { kind: 'grant', role: op.role, form: op.form, grant: op.grant }, noSecrets);
      if (op.kind === 'unbindRole') await executeOperation(fixture.conn, { kind: 'bindRole', user: op.user, role: op.role }, noSecrets);
      await executeOperation(fixture.conn, op, noSecrets);
      const granted = engine.selectGrants('r', { dbName: 'default' }).length;
      const bound = engine.snapshot().users.find((u) => u.name === 'alice')?.roles ?? [];
      if (op.kind === 'grant') expect(granted).toBe(1);
      if (op.kind === 'revoke') expect(granted).toBe(0);
      if (op.kind === 'bindRole') expect(bound).toEqual(['r']);
      if (op.kind === 'unbindRole') expect(bound).toEqual([]);
    },
  );

  it('logs in with a user and password as well as with a token', async () => {
    fixture = await startFixture({ milvusVersion: '2.5', authorization: true, seed: aliceSeed }, { user: 'root', passwordEnv: 'ROOT_PW' }, { ROOT_PW: 'Milvus' });
    await executeOperation(fixture.conn, { kind: 'grant', role: 'r', form: 'v1', grant: query }, noSecrets);
    expect(fixture.emulator.engine.selectGrants('r', { dbName: 'default' })).toHaveLength(1);
  });

  it('reports a call the server does not implement as unsupported, not as done', async () => {
    fixture = await startFixture({ milvusVersion: '2.3' });
    const failure = await failureOf(executeOperation(fixture.conn, { kind: 'grant', role: 'public', form: 'v2', grant: query }, noSecrets));
    expect(failure.code).toBe('UNIMPLEMENTED');
    expect(failure.kind).toBe('permanent');
    expect(failure.operation).toMatch(/grant Query/);
  });

  it('classifies a dropped connection and a missed deadline as transient, and the next call works', async () => {
    fixture = await startFixture({ milvusVersion: '2.5' }, { timeoutMs: 300 });
    const { conn, emulator } = fixture;
    await executeOperation(conn, { kind: 'createRole', role: 'r' }, noSecrets);
    emulator.faults.dropConnection({ method: 'OperatePrivilege' });
    const dropped = await failureOf(executeOperation(conn, { kind: 'grant', role: 'r', form: 'v1', grant: query }, noSecrets));
    expect(dropped.kind).toBe('transient');

    emulator.faults.setLatency(1_000, 'OperateUserRole');
    const late = await failureOf(executeOperation(conn, { kind: 'bindRole', user: 'root', role: 'r' }, noSecrets));
    expect(late.code).toBe('DEADLINE_EXCEEDED');
    expect(late.kind).toBe('transient');

    emulator.faults.clear();
    await executeOperation(conn, { kind: 'grant', role: 'r', form: 'v1', grant: query }, noSecrets);
    expect(emulator.engine.selectGrants('r', { dbName: 'default' })).toHaveLength(1);
  });
});
