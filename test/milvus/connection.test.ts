import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator } from '../../src/emulator/index.js';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { connect, describeConnectionFailure } from '../../src/milvus/connection.js';
import { connectionOptionsFromEnv, ConnectionError } from '../../src/milvus/connection-settings.js';
import { MilvusCallError } from '../../src/milvus/errors.js';
import { readLiveState } from '../../src/milvus/read-state.js';
import { executeOperation } from '../../src/milvus/execute.js';
import { envSecretResolver } from '../../src/milvus/secrets.js';

let emulator: RunningEmulator | undefined;
afterEach(async () => {
  await emulator?.stop();
  emulator = undefined;
});

/** A loopback port nobody listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function connectionError(run: () => Promise<unknown>): Promise<ConnectionError> {
  try {
    await run();
  } catch (error) {
    if (error instanceof ConnectionError) return error;
    throw error;
  }
  throw new Error('expected the connection to fail');
}

describe('connect', () => {
  it('detects the version and who we are', async () => {
    emulator = await startEmulator({ port: 0, milvusVersion: '2.4' });
    const conn = await connect(connectionOptionsFromEnv({ address: emulator.address }, { MILVUS_TOKEN: 'root:Milvus' }));
    try {
      expect(conn.versionString).toBe('v2.4.15');
      expect(conn.version).toEqual({ major: 2, minor: 4, patch: 15 });
      expect(conn.features.grantV2).toBe(false);
      expect(conn.user).toBe('root');
    } finally {
      await conn.close();
    }
  });

  it('says the server is unreachable', async () => {
    const address = `127.0.0.1:${await closedPort()}`;
    const error = await connectionError(() => connect(connectionOptionsFromEnv({ address, timeoutMs: 3000 }, { MILVUS_TOKEN: 'root:Milvus' })));
    expect(error.reason).toBe('unreachable');
    expect(error.message).toContain(`cannot reach Milvus at ${address}`);
  });

  it('says the credentials were rejected, without repeating them', async () => {
    emulator = await startEmulator({ port: 0 });
    const address = emulator.address;
    const error = await connectionError(() => connect(connectionOptionsFromEnv({ address }, { MILVUS_TOKEN: 'root:Wrong-Secret-42' })));
    expect(error.reason).toBe('unauthenticated');
    expect(error.message).toContain(`Milvus at ${address} rejected the credentials`);
    expect(error.message).not.toContain('Wrong-Secret-42');
    expect(describeConnectionFailure(error, address)).not.toContain('Wrong-Secret-42');
  });

  it('says when the user is not allowed to read access control', async () => {
    emulator = await startEmulator({
      port: 0,
      seed: { state: { users: [{ name: 'alice', roles: [] }], roles: [], privilegeGroups: [] }, passwords: { alice: 'alice-pass-1', root: 'Milvus' } },
    });
    const conn = await connect(connectionOptionsFromEnv({ address: emulator.address }, { MILVUS_TOKEN: 'alice:alice-pass-1' }));
    try {
      expect(conn.user).toBe('alice');
      const failure = await readLiveState(conn).then(
        () => null,
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(MilvusCallError);
      expect((failure as MilvusCallError).code).toBe('PERMISSION_DENIED');
      expect(describeConnectionFailure(failure, emulator.address)).toMatch(/refused the request: PrivilegeSelectOwnership: permission deny to alice/);
    } finally {
      await conn.close();
    }
  });
});

describe('executeOperation', () => {
  it('creates a user with the password from the env var, and no error message ever contains a password', async () => {
    emulator = await startEmulator({ port: 0, milvusVersion: '2.5' });
    const conn = await connect(connectionOptionsFromEnv({ address: emulator.address }, { MILVUS_TOKEN: 'root:Milvus' }));
    try {
      const secrets = envSecretResolver({ BOB_PW: 'bob-password-9', LONG_PW: 'x'.repeat(80) });
      await executeOperation(conn, { kind: 'createUser', user: 'bob', password: { env: 'BOB_PW' } }, secrets);
      expect(emulator.engine.authenticate('bob', 'bob-password-9')).toBe(true);
      const failures: string[] = [];
      for (const op of [
        { kind: 'createUser', user: 'bob', password: { env: 'BOB_PW' } },
        { kind: 'createUser', user: 'carl', password: { env: 'LONG_PW' } },
        { kind: 'createUser', user: 'dave', password: { env: 'MISSING_PW' } },
      ] as const) {
        await executeOperation(conn, op, secrets).catch((e: unknown) => failures.push(String(e)));
      }
      expect(failures).toHaveLength(3);
      expect(failures[0]).toMatch(/create user bob .*already exists/);
      expect(failures[2]).toContain('environment variable MISSING_PW is not set');
      for (const f of failures) {
        expect(f).not.toContain('bob-password-9');
        expect(f).not.toContain('x'.repeat(20));
      }
    } finally {
      await conn.close();
    }
  });

  it('treats "already exists" as done when it follows a transient failure', async () => {
    emulator = await startEmulator({ port: 0 });
    const conn = await connect(connectionOptionsFromEnv({ address: emulator.address }, { MILVUS_TOKEN: 'root:Milvus' }));
    try {
      const secrets = envSecretResolver({});
      await executeOperation(conn, { kind: 'createRole', role: 'r1' }, secrets);
      await expect(executeOperation(conn, { kind: 'createRole', role: 'r1' }, secrets)).rejects.toThrow(/already exists/);
      await expect(executeOperation(conn, { kind: 'createRole', role: 'r1' }, secrets, { afterTransientFailure: true })).resolves.toBeUndefined();
    } finally {
      await conn.close();
    }
  });

  it('reports an unsupported call on an older Milvus instead of pretending success', async () => {
    emulator = await startEmulator({ port: 0, milvusVersion: '2.3' });
    const conn = await connect(connectionOptionsFromEnv({ address: emulator.address }, { MILVUS_TOKEN: 'root:Milvus' }));
    try {
      await expect(executeOperation(conn, { kind: 'createPrivilegeGroup', group: 'g' }, envSecretResolver({}))).rejects.toThrow(/does not support the call \(UNIMPLEMENTED\)/);
    } finally {
      await conn.close();
    }
  });

  it('classifies a dropped connection as transient', async () => {
    emulator = await startEmulator({ port: 0 });
    const conn = await connect(connectionOptionsFromEnv({ address: emulator.address }, { MILVUS_TOKEN: 'root:Milvus' }));
    try {
      emulator.faults.dropConnection({ method: 'CreateRole' });
      const error = await executeOperation(conn, { kind: 'createRole', role: 'r' }, envSecretResolver({})).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MilvusCallError);
      expect((error as MilvusCallError).kind).toBe('transient');
      // The client reconnects by itself: the next call works.
      await executeOperation(conn, { kind: 'createRole', role: 'r2' }, envSecretResolver({}));
      expect(emulator.engine.hasRole('r2')).toBe(true);
    } finally {
      await conn.close();
    }
  });
});

describe('the SDK logger', () => {
  it('prints nothing, so it can never print a request carrying a password', async () => {
    emulator = await startEmulator({ port: 0 });
    const printed: string[] = [];
    const capture = (...chunks: unknown[]): boolean => {
      printed.push(chunks.map(String).join(' '));
      return true;
    };
    // The SDK's winston console transport writes to console._stdout when it exists, else console.log.
    const consoleStreams = console as unknown as { _stdout?: NodeJS.WriteStream; _stderr?: NodeJS.WriteStream };
    const restore: (() => void)[] = [];
    for (const stream of [process.stdout, process.stderr, consoleStreams._stdout, consoleStreams._stderr]) {
      if (!stream) continue;
      const original = stream.write;
      stream.write = capture as typeof stream.write;
      restore.push(() => {
        stream.write = original;
      });
    }
    for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
      const original = console[method];
      console[method] = capture;
      restore.push(() => {
        console[method] = original;
      });
    }
    try {
      const conn = await connect(connectionOptionsFromEnv({ address: emulator.address }, { MILVUS_TOKEN: 'root:Milvus' }));
      await executeOperation(conn, { kind: 'createUser', user: 'logged', password: { env: 'PW' } }, envSecretResolver({ PW: 'never-logged-1' }));
      await conn.close();
    } finally {
      for (const undo of restore) undo();
    }
    expect(process.env.NODE_ENV).toBe('test'); // the SDK logs at debug level under NODE_ENV=test
    expect(printed).toEqual([]);
  });
});
