import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { register as registerApply } from '../../src/cli/commands/apply.js';
import { register as registerDrift } from '../../src/cli/commands/drift.js';
import { register as registerPlan } from '../../src/cli/commands/plan.js';
import { register as registerDoctor } from '../../src/cli/commands/doctor.js';
import { register as registerExplain } from '../../src/cli/commands/explain.js';
import { register as registerExport } from '../../src/cli/commands/export.js';
import { loadTargets, selectTargets } from '../../src/config/targets.js';
import { startEmulator } from '../../src/emulator/index.js';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { fleetExitCode } from '../../src/fleet/run.js';
import { runCommand } from '../explain/run-command.js';
import { closedLoopbackAddress } from '../support/ports.js';

/**
 * Named targets from rbac.config.yaml, and plan / drift over a fleet in one run: emulators of
 * different versions and one target that is down, through the CLI and the real SDK.
 */

let staging: RunningEmulator;
let prod: RunningEmulator;
let down: string;
const dir = mkdtempSync(join(tmpdir(), 'rbac-targets-'));
let config: string;

beforeAll(async () => {
  staging = await startEmulator({ port: 0, milvusVersion: '2.5' });
  prod = await startEmulator({ port: 0, milvusVersion: '2.6', rootPassword: 'Prod-Secret-1' });
  down = await closedLoopbackAddress();
  writeFileSync(join(dir, 'base.yaml'), 'version: 1\nroles:\n  reader:\n    grants:\n      - privileges: [Search]\n        collections: [books]\n');
  writeFileSync(join(dir, 'prod.yaml'), 'version: 1\nroles:\n  auditor:\n');
  writeFileSync(join(dir, 'prod-token'), 'root:Prod-Secret-1\n');
  config = join(dir, 'rbac.config.yaml');
  writeFileSync(
    config,
    [
      'version: 1',
      'policies: [base.yaml]',
      'targets:',
      '  staging:',
      `    address: ${staging.address}`,
      '    token: { env: TARGETS_STAGING_TOKEN }',
      '  prod:',
      `    uri: http://${prod.address}`,
      '    token: { file: prod-token }',
      '    policies: [prod.yaml]',
      '    limits: { maxRoles: 20 }',
      '  dev:',
      `    address: ${down}`,
      '    token: { env: TARGETS_STAGING_TOKEN }',
      '    timeoutMs: 2000',
      '',
    ].join('\n'),
  );
  process.env.TARGETS_STAGING_TOKEN = 'root:Milvus';
});

afterAll(async () => {
  delete process.env.TARGETS_STAGING_TOKEN;
  await staging.stop();
  await prod.stop();
});

const rbac = (args: string[]) => runCommand([registerPlan, registerDrift, registerApply], args);

describe('rbac.config.yaml', () => {
  it('reads targets, with paths relative to the config and the shared policies first', async () => {
    const targets = await loadTargets(config);
    expect(targets.map((t) => t.name)).toEqual(['staging', 'prod', 'dev']);
    expect(targets[1]?.policies).toEqual([join(dir, 'base.yaml'), join(dir, 'prod.yaml')]);
    expect(targets[1]?.connection.tokenFile).toBe(join(dir, 'prod-token'));
    expect(selectTargets(targets, ['dev', 'staging'], false).map((t) => t.name)).toEqual(['staging', 'dev']);
    expect(() => selectTargets(targets, ['qa'], false)).toThrow('no target "qa" in the config (targets: staging, prod, dev)');
  });

  it('says where a config is wrong', async () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'version: 1\ntargets:\n  a:\n    address: 127.0.0.1:1\n    token: root:Milvus\n');
    await expect(loadTargets(bad)).rejects.toThrow(/bad\.yaml:5: \/targets\/a\/token must be object/);
  });
});

describe('a fleet run', () => {
  it('plans every target, reports the one that is down without stopping the others, and aggregates the exit code', async () => {
    const run = await rbac(['plan', '--config', config, '--all-targets']);
    expect(run.stdout).toContain(`== staging (${staging.address})`);
    expect(run.stdout).toContain('+ role "reader"');
    expect(run.stdout).toContain('+ role "auditor"');
    expect(run.stdout).toMatch(/^staging {2}127\.0\.0\.1:\d+ +2 +changes \(2 steps\)$/m);
    expect(run.stdout).toMatch(/^prod +http:\/\/127\.0\.0\.1:\d+ +2 +changes \(3 steps\)$/m);
    expect(run.stdout).toMatch(/^dev +127\.0\.0\.1:\d+ +3 +failed: connection$/m);
    expect(run.exitCode).toBe(3);
  });

  it('drifts the targets named, as JSON with one entry per target', async () => {
    const run = await rbac(['drift', '--config', config, '--target', 'prod', '--target', 'staging', '--format', 'json']);
    const body = JSON.parse(run.stdout) as { formatVersion: number; command: string; exitCode: number; targets: { name: string; exitCode: number; result: { inSync?: boolean } }[] };
    expect(body.command).toBe('drift');
    expect(body.targets.map((t) => `${t.name}:${t.exitCode}:${String(t.result.inSync)}`)).toEqual(['staging:2:false', 'prod:2:false']);
    expect(run.exitCode).toBe(2);
  });

  it('writes one Prometheus textfile with every target\'s gauges, labelled by name', async () => {
    const file = join(dir, 'fleet.prom');
    const run = await rbac(['drift', '--config', config, '--all-targets', '--prometheus-textfile', file]);
    expect(run.exitCode).toBe(3);
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('milvus_rbac_drift_up{target="staging"} 1');
    expect(text).toContain('milvus_rbac_drift_up{target="prod"} 1');
    expect(text).toContain('milvus_rbac_drift_up{target="dev"} 0');
    expect(text).toContain('milvus_rbac_drift_items{target="prod",kind="role"} 2');
    expect(text).toMatch(/milvus_rbac_drift_last_success_timestamp_seconds\{target="staging"\} \d+/);
    expect(text).not.toMatch(/last_success_timestamp_seconds\{target="dev"\}/);
  });

  it('watches the fleet: every target each round, /metrics labelled by target, until stopped', async () => {
    const listen = await closedLoopbackAddress();
    const watching = rbac(['drift', '--config', config, '--all-targets', '--watch', '1', '--metrics-listen', listen, '--format', 'json']);
    let text = '';
    try {
      for (let tries = 0; tries < 100 && !/drift_up\{target="dev"\} 0/.test(text); tries += 1) {
        await new Promise((r) => setTimeout(r, 100));
        text = await fetch(`http://${listen}/metrics`).then((r) => r.text(), () => '');
      }
    } finally {
      process.emit('SIGINT', 'SIGINT');
    }
    const run = await watching;
    expect(text).toContain('milvus_rbac_drift_up{target="staging"} 1');
    expect(text).toContain('milvus_rbac_drift_up{target="prod"} 1');
    expect(text).toContain('milvus_rbac_drift_up{target="dev"} 0');
    expect(run.exitCode).toBe(0);
    const first = JSON.parse(run.stdout.slice(0, run.stdout.indexOf('\n}\n') + 3)) as { command: string; targets: { name: string }[] };
    expect([first.command, first.targets.map((t) => t.name)]).toEqual(['drift', ['staging', 'prod', 'dev']]);
  });

  it('refuses --target with --address, and an unknown target', async () => {
    expect((await rbac(['plan', '--config', config, '--target', 'prod', '--address', '127.0.0.1:1'])).exitCode).toBe(1);
    const unknown = await rbac(['drift', '--config', config, '--target', 'qa']);
    expect(unknown.exitCode).toBe(1);
    expect(unknown.stderr).toContain('no target "qa"');
  });

  it('aggregates: any failure wins (the first in order), else changes, else none', () => {
    expect(fleetExitCode([0, 2, 0])).toBe(2);
    expect(fleetExitCode([0, 0])).toBe(0);
    expect(fleetExitCode([2, 4, 3])).toBe(4);
  });
});

describe('rbac apply over a fleet', () => {
  it('goes target by target in the config\'s order and stops at the first that does not finish', async () => {
    const ordered = join(dir, 'down-first.yaml');
    writeFileSync(
      ordered,
      ['version: 1', 'policies: [base.yaml]', 'targets:', '  dev:', `    address: ${down}`, '    token: { env: TARGETS_STAGING_TOKEN }', '    timeoutMs: 2000', '  staging:', `    address: ${staging.address}`, '    token: { env: TARGETS_STAGING_TOKEN }', ''].join('\n'),
    );
    const stopped = await rbac(['apply', '--config', ordered, '--all-targets', '--auto-approve', '--format', 'json']);
    const body = JSON.parse(stopped.stdout) as { exitCode: number; targets: { name: string; exitCode: number }[]; notAttempted: string[] };
    expect(body.targets.map((t) => `${t.name}:${t.exitCode}`)).toEqual(['dev:3']);
    expect(body.notAttempted).toEqual(['staging']);
    expect(stopped.exitCode).toBe(3);
    expect(staging.engine.snapshot().roles.map((r) => r.name)).not.toContain('reader');

    const onward = await rbac(['apply', '--config', ordered, '--all-targets', '--auto-approve', '--keep-going']);
    expect(onward.exitCode).toBe(3);
    expect(onward.stdout).toMatch(/^staging +0 +applied$/m);
    expect(staging.engine.snapshot().roles.map((r) => r.name)).toContain('reader');
  });

  it('applies the named targets, after which a fleet plan has nothing to do there', async () => {
    const applied = await rbac(['apply', '--config', config, '--target', 'staging', '--target', 'prod', '--auto-approve']);
    expect(applied.exitCode).toBe(0);
    expect(applied.stdout).toMatch(/^prod +0 +applied$/m);
    const again = await rbac(['plan', '--config', config, '--target', 'staging', '--target', 'prod']);
    expect(again.exitCode).toBe(0);
    expect(again.stdout).toMatch(/^prod +http:\/\/127\.0\.0\.1:\d+ +0 +no changes$/m);
  });

  it('refuses a saved plan file or --address with targets', async () => {
    const run = await rbac(['apply', 'plan.json', '--config', config, '--all-targets']);
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain('give no saved plan file and no --address');
  });
});

describe('commands that talk to one server take one --target', () => {
  const one = (args: string[]) => runCommand([registerDoctor, registerExport, registerExplain], args);

  it('doctor, export and explain --live read the target from the config', async () => {
    const doctor = await one(['doctor', '--config', config, '--target', 'staging', '--format', 'json']);
    expect(doctor.exitCode).toBe(0);
    expect((JSON.parse(doctor.stdout) as { address: string }).address).toBe(staging.address);
    const exported = await one(['export', '--config', config, '--target', 'prod']);
    expect(exported.exitCode).toBe(0);
    expect(exported.stdout).toContain('version: 1');
    const explained = await one(['explain', 'user', 'root', '--live', '--config', config, '--target', 'staging']);
    expect(explained.exitCode).toBe(0);
  });

  it('refuses several targets or --all-targets there', async () => {
    const run = await one(['doctor', '--config', config, '--all-targets']);
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain('give exactly one --target');
  });
});

describe("a target's declared server settings", () => {
  it('stand in for target.settings: superUsers lets a password change go without the current one', async () => {
    const server = await startEmulator({
      milvusVersion: '2.5',
      superUsers: ['root'],
      seed: { state: { users: [{ name: 'svc', roles: [] }], roles: [], privilegeGroups: [] }, passwords: { root: 'Milvus', svc: 'Old-Password-1' } },
    });
    try {
      process.env.TARGETS_SVC_PASSWORD = 'New-Password-2';
      writeFileSync(join(dir, 'svc.yaml'), 'version: 1\nusers:\n  svc:\n    password: { env: TARGETS_SVC_PASSWORD }\n    updatePassword: true\n');
      const plain = join(dir, 'plain.config.yaml');
      const declared = join(dir, 'declared.config.yaml');
      const target = ['version: 1', 'policies: [svc.yaml]', 'targets:', '  svc:', `    address: ${server.address}`, '    token: { env: TARGETS_STAGING_TOKEN }'];
      writeFileSync(plain, `${target.join('\n')}\n`);
      writeFileSync(declared, `${[...target, '    settings: { superUsers: [root] }'].join('\n')}\n`);
      const refused = await rbac(['plan', '--config', plain, '--target', 'svc']);
      expect(refused.stdout + refused.stderr).toContain('Milvus asks for the current one');
      const applied = await rbac(['apply', '--config', declared, '--target', 'svc', '--auto-approve']);
      expect(applied.exitCode).toBe(0);
      expect(server.engine.authenticate('svc', 'New-Password-2')).toBe(true);
    } finally {
      await server.stop();
    }
  });
});
