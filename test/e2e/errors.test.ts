import { spawn } from 'node:child_process';
import { createServer as createHttp2Server } from 'node:http2';
import type { ServerHttp2Session } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { register as registerApply } from '../../src/cli/commands/apply.js';
import { register as registerDrift } from '../../src/cli/commands/drift.js';
import { register as registerPlan } from '../../src/cli/commands/plan.js';
import { startEmulator } from '../../src/emulator/index.js';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { runCommand } from '../explain/run-command.js';
import { writePolicy } from '../apply/helpers.js';
import { closedLoopbackAddress } from '../support/ports.js';

/**
 * Errors that say what to do, to people (one line of cause, one of fix) and to machines (an exit
 * code per kind, a JSON object on stdout with --format json). Through the CLI and the real SDK,
 * against the emulator, a closed loopback port and a loopback HTTP/2 server that is not Milvus.
 */

const COMMANDS = [registerPlan, registerDrift, registerApply];
const valid = writePolicy('version: 1\nroles:\n  reader:\n    grants:\n      - privileges: [Search]\n        collections: [books]\n');
const invalid = writePolicy('version: 1\nroles:\n  reader:\n    grants:\n      - privileges: [Serch]\n        collections: [books]\n');

let emulator: RunningEmulator;
let closedPort: string;
let notMilvus: ReturnType<typeof createHttp2Server>;
let notMilvusAddress: string;
const sessions = new Set<ServerHttp2Session>();

beforeAll(async () => {
  emulator = await startEmulator({ port: 0 });
  closedPort = await closedLoopbackAddress();
  notMilvus = createHttp2Server((_req, res) => {
    res.statusCode = 404;
    res.end('not here');
  });
  // A client's session may outlive its client: close() would wait for it forever.
  notMilvus.on('session', (session) => sessions.add(session));
  await new Promise<void>((resolve) => notMilvus.listen(0, '127.0.0.1', resolve));
  notMilvusAddress = `127.0.0.1:${(notMilvus.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await emulator.stop();
  for (const session of sessions) session.destroy();
  await new Promise<void>((resolve) => notMilvus.close(() => resolve()));
});

function rbac(args: string[], token: string | undefined = 'root:Milvus') {
  if (token === undefined) delete process.env.ERRORS_TEST_TOKEN;
  else process.env.ERRORS_TEST_TOKEN = token;
  return runCommand(COMMANDS, [...args, '--token-env', 'ERRORS_TEST_TOKEN']).finally(() => delete process.env.ERRORS_TEST_TOKEN);
}

describe('exit codes tell the kinds of failure apart', () => {
  it('1 for an invalid policy, 3 for Milvus down, and 1 with the policy\'s errors when both', async () => {
    const bad = await rbac(['plan', '-f', invalid, '--address', emulator.address]);
    expect(bad.exitCode).toBe(1);
    const down = await rbac(['plan', '-f', valid, '--address', closedPort]);
    expect(down.exitCode).toBe(3);
    expect(down.stderr).toBe(
      `Error: cannot reach Milvus at ${closedPort}: nothing accepts connections there (connection refused)\n  Fix: start Milvus there, or point --address / MILVUS_ADDRESS at it (Milvus's gRPC port is 19530)\n`,
    );
    const both = await rbac(['drift', '-f', invalid, '--address', closedPort]);
    expect(both.exitCode).toBe(1);
    expect(both.stderr).toMatch(/policy\.yaml:5:\d+: error: .*Serch/);
    expect(both.stderr).toContain('the policy is invalid (1 error, checked offline)');
    expect(both.stderr).toContain('Milvus could not be reached either');
  });

  it('4 for rejected or missing credentials, with the way to give them', async () => {
    const wrong = await rbac(['plan', '-f', valid, '--address', emulator.address], 'root:not-the-password');
    expect(wrong.exitCode).toBe(4);
    expect(wrong.stderr).toContain('rejected the credentials');
    expect(wrong.stderr).not.toContain('not-the-password');
    const previous = process.env.MILVUS_TOKEN;
    delete process.env.MILVUS_TOKEN;
    const none = await runCommand(COMMANDS, ['plan', '-f', valid, '--address', emulator.address]);
    if (previous !== undefined) process.env.MILVUS_TOKEN = previous;
    expect(none.exitCode).toBe(4);
    expect(none.stderr).toContain(`Error: Milvus at ${emulator.address} requires credentials and none were given\n  Fix: give them with MILVUS_TOKEN=user:password, --token-env NAME`);
  });

  it('5 for a guard\'s refusal and 6 for a failed step; apply\'s errors go to stderr', async () => {
    const dropper = writePolicy('version: 1\nscope:\n  roles: all\n');
    await rbac(['apply', '-f', valid, '--address', emulator.address, '--auto-approve']);
    const refused = await rbac(['apply', '-f', dropper, '--address', emulator.address, '--auto-approve', '--no-destroy']);
    expect(refused.exitCode).toBe(5);
    expect(refused.stderr).toContain('Refused:');
    emulator.faults.failMatching('OperatePrivilege', { status: { error_code: 'UnexpectedError', code: 65535, reason: 'injected failure', retriable: false, detail: '', extra_info: {} } });
    try {
      const other = writePolicy('version: 1\nroles:\n  reader:\n    grants:\n      - privileges: [Query]\n        collections: [books]\n');
      const failed = await rbac(['apply', '-f', other, '--address', emulator.address, '--auto-approve', '--retries', '0']);
      expect(failed.exitCode).toBe(6);
    } finally {
      emulator.faults.clear();
    }
  });
});

describe('--format json: an error is an object on stdout', () => {
  it('drift and plan print { formatVersion, error: { kind, exitCode, message, fix } }', async () => {
    for (const command of ['drift', 'plan']) {
      const run = await rbac([command, '-f', valid, '--address', closedPort, '--format', 'json']);
      expect(run.exitCode).toBe(3);
      const body = JSON.parse(run.stdout) as { formatVersion: number; error: { kind: string; exitCode: number; message: string; fix: string } };
      expect(body).toEqual({ formatVersion: 1, error: { kind: 'connection', exitCode: 3, message: expect.stringContaining('connection refused'), fix: expect.stringContaining('--address') } });
    }
  });

  it('apply prints its result with formatVersion, errorKind, fix and exitCode', async () => {
    const run = await rbac(['apply', '-f', valid, '--address', closedPort, '--format', 'json']);
    expect(run.exitCode).toBe(3);
    const body = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(body).toMatchObject({ formatVersion: 1, status: 'error', errorKind: 'connection', exitCode: 3 });
  });
});

describe('connection errors in one line of cause and one of fix', () => {
  it('an HTTP/2 server that is not Milvus is named as such', async () => {
    const run = await rbac(['plan', '-f', valid, '--address', notMilvusAddress]);
    expect(run.exitCode).toBe(3);
    expect(run.stderr).toContain(`the server at ${notMilvusAddress} is not Milvus`);
    expect(run.stderr).not.toContain('does not support the call');
  });

  it('--tls against a plain server says so, without OpenSSL internals or Node\'s DEP0123 warning', async () => {
    const child = spawn(process.execPath, ['bin/rbac.js', 'plan', '-f', valid, '--address', emulator.address, '--tls'], {
      env: { ...process.env, MILVUS_TOKEN: 'root:Milvus' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(3);
    expect(stderr).toContain(`cannot reach Milvus at ${emulator.address}: the server does not speak TLS there`);
    expect(stderr).toContain('Fix: connect without TLS');
    expect(stderr).not.toMatch(/ssl3_get_record|Resolution note|DEP0123/);
  });
});
