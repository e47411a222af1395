import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { register as registerEmulator } from '../../src/cli/commands/emulator.js';
import { register as registerPlan } from '../../src/cli/commands/plan.js';
import { startEmulator } from '../../src/emulator/index.js';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { connect } from '../../src/milvus/connection.js';
import { connectionOptionsFromEnv } from '../../src/milvus/connection-settings.js';
import type { ConnectionFlags } from '../../src/milvus/connection-settings.js';
import { runCommand } from '../explain/run-command.js';
import { writePolicy } from '../apply/helpers.js';
import { makeTestCertificates } from '../support/certificates.js';
import type { TestCertificates } from '../support/certificates.js';

/**
 * TLS and two-way TLS, through the real SDK against the emulator serving certificates this test
 * makes: what connects, and what each kind of certificate problem is called.
 */

let certs: TestCertificates;
let oneWay: RunningEmulator;
let twoWay: RunningEmulator;
let expired: RunningEmulator;
let otherName: RunningEmulator;
const ROOT = { MILVUS_TOKEN: 'root:Milvus' };
const policy = writePolicy('version: 1\nroles:\n  reader:\n    grants:\n      - privileges: [Search]\n        collections: [books]\n');

beforeAll(async () => {
  process.env.TLS_TEST_TOKEN = 'root:Milvus';
  certs = makeTestCertificates();
  const serve = (pair: { cert: string; key: string }, clientCa?: string): Promise<RunningEmulator> =>
    startEmulator({ tls: { cert: pair.cert, key: pair.key, ...(clientCa ? { clientCa } : {}) } });
  [oneWay, twoWay, expired, otherName] = await Promise.all([serve(certs.server), serve(certs.server, certs.ca.cert), serve(certs.expiredServer), serve(certs.otherNameServer)]);
}, 60_000);

afterAll(async () => {
  await Promise.all([oneWay, twoWay, expired, otherName].map((e) => e?.stop()));
});

/** What connecting says: the version on success, else the error's message and fix. */
async function attempt(address: string, flags: ConnectionFlags, env: NodeJS.ProcessEnv = ROOT): Promise<{ version?: string; message?: string; fix?: string }> {
  try {
    const connection = await connect(connectionOptionsFromEnv({ address, timeoutMs: 5000, ...flags }, env));
    await connection.close();
    return { version: connection.versionString };
  } catch (error) {
    return { message: (error as Error).message, fix: (error as { fix?: string }).fix };
  }
}

describe('TLS against the emulator', () => {
  it('connects with the CA that signed the server certificate, and reports the emulator serving TLS', async () => {
    expect(oneWay.tls).toBe('one-way');
    expect(await attempt(oneWay.address, { caFile: certs.ca.certFile })).toEqual({ version: oneWay.version });
  });

  it('takes the TLS settings from MILVUS_TLS_* variables as well', async () => {
    expect(await attempt(oneWay.address, {}, { ...ROOT, MILVUS_TLS_CA: certs.ca.certFile })).toEqual({ version: oneWay.version });
    const env = { ...ROOT, MILVUS_TLS: 'true', MILVUS_TLS_CA: certs.ca.certFile, MILVUS_TLS_CERT: certs.client.certFile, MILVUS_TLS_KEY: certs.client.keyFile };
    expect(await attempt(twoWay.address, {}, env)).toEqual({ version: twoWay.version });
  });

  it('says the certificate is not from a trusted CA for a wrong CA and for none', async () => {
    for (const flags of [{ caFile: certs.otherCa.certFile }, { tls: true }]) {
      const result = await attempt(oneWay.address, flags);
      expect(result.message).toBe(`cannot reach Milvus at ${oneWay.address}: the server's TLS certificate is not signed by a certificate authority this client trusts (the --ca-file given, else the system's)`);
      expect(result.fix).toContain('--ca-file');
    }
  });

  it('says an expired certificate has expired', async () => {
    const result = await attempt(expired.address, { caFile: certs.ca.certFile });
    expect(result.message).toBe(`cannot reach Milvus at ${expired.address}: the server's TLS certificate has expired`);
  });

  it('says a certificate made out to another name is not for that host, and --server-name settles it', async () => {
    const result = await attempt(otherName.address, { caFile: certs.ca.certFile });
    expect(result.message).toBe(`cannot reach Milvus at ${otherName.address}: the server's TLS certificate is not made out to that host`);
    expect(result.fix).toContain('--server-name');
    expect(await attempt(otherName.address, { caFile: certs.ca.certFile, serverName: 'milvus.internal' })).toEqual({ version: otherName.version });
  });

  it('says a plain client met a TLS server', async () => {
    const result = await attempt(oneWay.address, {});
    expect(result.message).toContain('the server closed the connection at once');
    expect(result.fix).toContain('add --tls');
  });

  it('names a CA file that cannot be read or holds no certificate, before connecting', async () => {
    expect((await attempt(oneWay.address, { caFile: join(certs.dir, 'missing.pem') })).message).toContain(`the CA certificate file ${join(certs.dir, 'missing.pem')} cannot be read (ENOENT)`);
    expect((await attempt(oneWay.address, { caFile: certs.client.keyFile })).message).toContain('holds no PEM certificate');
  });
});

describe('two-way TLS against the emulator', () => {
  it('connects with a client certificate signed by the CA the server trusts', async () => {
    expect(twoWay.tls).toBe('two-way');
    expect(await attempt(twoWay.address, { caFile: certs.ca.certFile, certFile: certs.client.certFile, keyFile: certs.client.keyFile })).toEqual({ version: twoWay.version });
  });

  it('says a client certificate is required when none is given', async () => {
    const result = await attempt(twoWay.address, { caFile: certs.ca.certFile });
    expect(result.message).toBe(`cannot reach Milvus at ${twoWay.address}: the server requires a client certificate (two-way TLS) and none was given`);
    expect(result.fix).toContain('--cert-file and --key-file');
  });

  it('says the server does not accept a client certificate from another CA', async () => {
    const result = await attempt(twoWay.address, { caFile: certs.ca.certFile, certFile: certs.strangerClient.certFile, keyFile: certs.strangerClient.keyFile });
    expect(result.message).toContain('most likely it does not accept the client certificate');
  });

  it('refuses a certificate without its key, before connecting', async () => {
    expect(() => connectionOptionsFromEnv({ address: twoWay.address, certFile: certs.client.certFile }, ROOT)).toThrow(/only the certificate was given/);
  });

  it('plans through the CLI with --ca-file, --cert-file and --key-file', async () => {
    const run = await runCommand([registerPlan], ['plan', '-f', policy, '--address', twoWay.address, '--token-env', 'TLS_TEST_TOKEN', '--ca-file', certs.ca.certFile, '--cert-file', certs.client.certFile, '--key-file', certs.client.keyFile, '--detailed-exitcode']);
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(2);
    expect(run.stdout).toContain('+ role "reader"');
  });
});

describe('rbac emulator --tls-cert / --tls-key / --tls-client-ca', () => {
  it('serves two-way TLS from PEM files and says so', async () => {
    const run = await runCommand([registerEmulator], ['emulator', '--port', '0', '--tls-cert', certs.server.certFile, '--tls-key', certs.server.keyFile, '--tls-client-ca', certs.ca.certFile]);
    const address = /listening on (\S+)/.exec(run.stdout)?.[1] ?? '';
    // The emulator runs on after the command returns, until a signal stops it.
    const stopped = new Promise<void>((resolve) => {
      const write = process.stdout.write.bind(process.stdout);
      process.stdout.write = ((chunk: string | Uint8Array): boolean => {
        if (String(chunk).includes('stopping the emulator')) {
          process.stdout.write = write;
          resolve();
        }
        return true;
      }) as typeof process.stdout.write;
    });
    try {
      expect(run.stdout).toContain('TLS: two-way (client certificates required)');
      expect(await attempt(address, { caFile: certs.ca.certFile, certFile: certs.client.certFile, keyFile: certs.client.keyFile })).toEqual({ version: 'v2.5.4' });
      expect((await attempt(address, { caFile: certs.ca.certFile })).message).toContain('requires a client certificate');
    } finally {
      process.emit('SIGTERM', 'SIGTERM');
      await stopped;
    }
  });

  it('refuses a key file that holds no key and starts nothing', async () => {
    const notKey = join(certs.dir, 'not-a-key.pem');
    writeFileSync(notKey, 'hello\n');
    const result = await runCommand([registerEmulator], ['emulator', '--port', '0', '--tls-cert', certs.server.certFile, '--tls-key', notKey]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(`--tls-key ${notKey} holds no PEM private key`);
    expect(result.stdout).not.toContain('listening');
  });
});
