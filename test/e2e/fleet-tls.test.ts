import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { register as registerApply } from '../../src/cli/commands/apply.js';
import { register as registerDrift } from '../../src/cli/commands/drift.js';
import { register as registerPlan } from '../../src/cli/commands/plan.js';
import { loadTargets } from '../../src/config/targets.js';
import { startEmulator } from '../../src/emulator/index.js';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { runCommand } from '../explain/run-command.js';
import { makeTestCertificates } from '../support/certificates.js';
import { closedLoopbackAddress } from '../support/ports.js';

/**
 * One config, one run, a mixed fleet: Milvus 2.3 in plain text, 3.0 over TLS, 2.6 over two-way
 * TLS, and a target that is down. Planned, drifted and applied through the CLI and the real SDK.
 */

let old: RunningEmulator;
let tls: RunningEmulator;
let mtls: RunningEmulator;
let down: string;
const dir = mkdtempSync(join(tmpdir(), 'rbac-fleet-tls-'));
const config = join(dir, 'rbac.config.yaml');

beforeAll(async () => {
  const certs = makeTestCertificates();
  [old, tls, mtls] = await Promise.all([
    startEmulator({ milvusVersion: '2.3' }),
    startEmulator({ milvusVersion: '3.0', tls: { cert: certs.server.cert, key: certs.server.key } }),
    startEmulator({ milvusVersion: '2.6', tls: { cert: certs.otherNameServer.cert, key: certs.otherNameServer.key, clientCa: certs.ca.cert } }),
  ]);
  down = await closedLoopbackAddress();
  writeFileSync(
    join(dir, 'base.yaml'),
    'version: 1\nroles:\n  reader:\n    grants:\n      - object: Collection\n        objectNames: [books]\n        privileges: [Search, Query]\nusers:\n  app:\n    password: { env: FLEET_APP_PASSWORD }\n    roles: [reader]\n',
  );
  writeFileSync(join(dir, 'ca.pem'), certs.ca.cert);
  writeFileSync(
    config,
    [
      'version: 1',
      'policies: [base.yaml]',
      'targets:',
      '  old:',
      `    address: ${old.address}`,
      '    token: { env: FLEET_TLS_TOKEN }',
      '  tls:',
      `    uri: https://${tls.address}`,
      '    token: { env: FLEET_TLS_TOKEN }',
      '    tls: { ca: ca.pem }',
      '  mtls:',
      `    address: ${mtls.address}`,
      '    token: { env: FLEET_TLS_TOKEN }',
      `    tls: { ca: ca.pem, cert: ${certs.client.certFile}, key: ${certs.client.keyFile}, serverName: milvus.internal }`,
      '  down:',
      `    address: ${down}`,
      '    token: { env: FLEET_TLS_TOKEN }',
      '    timeoutMs: 2000',
      '',
    ].join('\n'),
  );
  process.env.FLEET_TLS_TOKEN = 'root:Milvus';
  process.env.FLEET_APP_PASSWORD = 'app-Password-1';
}, 60_000);

afterAll(async () => {
  delete process.env.FLEET_TLS_TOKEN;
  await Promise.all([old, tls, mtls].map((e) => e?.stop()));
});

const rbac = (args: string[]) => runCommand([registerPlan, registerDrift, registerApply], args);
const row = (name: string, exit: number, result: string): RegExp => new RegExp(`^${name} +\\S+ +${exit} +${result.replace(/[()]/g, '\\$&')}$`, 'm');

describe('a mixed fleet from one config', () => {
  it('reads TLS files relative to the config, and a client certificate with its server name', async () => {
    const [, , two] = await loadTargets(config);
    expect(two?.connection).toMatchObject({ tls: true, caFile: join(dir, 'ca.pem'), serverName: 'milvus.internal' });
    expect(two?.connection.certFile).toMatch(/client\.pem$/);
  });

  it('plans every version and TLS mode in one run, the target that is down reported apart', async () => {
    const run = await rbac(['plan', '--config', config, '--all-targets']);
    expect(run.stdout).toMatch(row('old', 2, 'changes (5 steps)'));
    expect(run.stdout).toMatch(row('tls', 2, 'changes (5 steps)'));
    expect(run.stdout).toMatch(row('mtls', 2, 'changes (5 steps)'));
    expect(run.stdout).toMatch(row('down', 3, 'failed: connection'));
    expect(run.stdout).toContain('Milvus v3.0.0');
    expect(run.exitCode).toBe(3);
  });

  it('applies the reachable targets with --keep-going; then plan and drift find them in sync', async () => {
    const applied = await rbac(['apply', '--config', config, '--all-targets', '--auto-approve', '--keep-going']);
    expect(applied.exitCode).toBe(3);
    for (const name of ['old', 'tls', 'mtls']) expect(applied.stdout).toMatch(new RegExp(`^${name} +0 +applied$`, 'm'));
    for (const emulator of [old, tls, mtls]) expect(emulator.engine.snapshot().users.find((u) => u.name === 'app')?.roles).toEqual(['reader']);

    const drift = await rbac(['drift', '--config', config, '--target', 'old', '--target', 'tls', '--target', 'mtls', '--format', 'json']);
    const body = JSON.parse(drift.stdout) as { exitCode: number; targets: { name: string; exitCode: number }[] };
    expect(body.targets.map((t) => `${t.name}:${t.exitCode}`)).toEqual(['old:0', 'tls:0', 'mtls:0']);
    expect(drift.exitCode).toBe(0);
  });

  it('ignores MILVUS_TLS and MILVUS_TOKEN left in the shell: a target is what the config says', async () => {
    process.env.MILVUS_TLS = '1';
    process.env.MILVUS_TOKEN = 'root:not-the-password';
    try {
      const run = await rbac(['plan', '--config', config, '--target', 'old']);
      expect(run.stderr).toBe('');
      expect(run.exitCode).toBe(0);
    } finally {
      delete process.env.MILVUS_TLS;
      delete process.env.MILVUS_TOKEN;
    }
  });
});
