import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { Ajv } from 'ajv';
import { register as registerDoctor } from '../../src/cli/commands/doctor.js';
import { startEmulator } from '../../src/emulator/index.js';
import type { EmulatorOptions, RunningEmulator } from '../../src/emulator/index.js';
import type { DoctorReport } from '../../src/doctor/report.js';
import { OUTPUT_SCHEMAS } from '../../src/schemas/outputs.js';
import { runCommand } from '../explain/run-command.js';

/** `rbac doctor` against every profile the emulator plays, through the CLI and the real SDK. */

const started: RunningEmulator[] = [];
afterAll(async () => {
  await Promise.all(started.map((e) => e.stop()));
});

const validate = new Ajv({ strict: true, allowUnionTypes: true }).compile(OUTPUT_SCHEMAS.doctor ?? {});

async function doctor(options: EmulatorOptions, token: string, extra: string[] = ['--write-probe']): Promise<{ report: DoctorReport; emulator: RunningEmulator; text: string }> {
  const emulator = await startEmulator(options);
  started.push(emulator);
  process.env.DOCTOR_TOKEN = token;
  const json = await runCommand([registerDoctor], ['doctor', '--address', emulator.address, '--token-env', 'DOCTOR_TOKEN', '--format', 'json', ...extra]);
  expect(json.stderr).toBe('');
  expect(json.exitCode).toBe(0);
  const report = JSON.parse(json.stdout) as DoctorReport;
  expect(validate(report) ? [] : validate.errors).toEqual([]);
  const text = (await runCommand([registerDoctor], ['doctor', '--address', emulator.address, '--token-env', 'DOCTOR_TOKEN'])).stdout;
  return { report, emulator, text };
}

const answers = (r: DoctorReport): Record<string, string> => Object.fromEntries(r.probes.map((p) => [p.name, p.answer]));

describe('rbac doctor on each emulator profile', () => {
  it('2.3: grants by object only, no privilege groups, no BackupRBAC', async () => {
    const { report, emulator, text } = await doctor({ milvusVersion: '2.3' }, 'root:Milvus');
    const a = answers(report);
    expect([a['read all of RBAC in one call'], a['list privilege groups and their members'], a['grant a single privilege by object (v1)'], a['grant a built-in privilege group (v2)'], a['create a custom privilege group']]).toEqual([
      'unsupported',
      'unsupported',
      'supported',
      'unsupported',
      'unsupported',
    ]);
    expect(report.conclusions).toContain('grants by object only (OperatePrivilege, v1): this version has no grants by level');
    expect(report.targetSettings).toBe('target:\n  minVersion: "2.3.5"\n');
    expect(report.caller).toMatchObject({ user: 'root', passesEveryCheck: true });
    expect(emulator.engine.snapshot().roles.map((r) => r.name).filter((n) => n.startsWith('rbac_doctor_'))).toEqual([]);
    expect(text).toContain('On this target the tool:');
  });

  it('2.4 (2.4.15): BackupRBAC, grants by object; grants by level and groups came with 2.4.18', async () => {
    const { report } = await doctor({ milvusVersion: '2.4' }, 'root:Milvus');
    const a = answers(report);
    expect([a['read all of RBAC in one call'], a['grant a single privilege by object (v1)'], a['grant a built-in privilege group (v2)'], a['create a custom privilege group']]).toEqual(['supported', 'supported', 'unsupported', 'unsupported']);
    expect(report.conclusions).toContain('reads the live state in one BackupRBAC call');
    expect(report.leftBehind).toEqual([]);
  });

  it.each(['2.5', '2.6', '3.0'] as const)('%s: grants of both forms, groups, BackupRBAC, and a clean server afterwards', async (version) => {
    const { report, emulator } = await doctor({ milvusVersion: version }, 'root:Milvus');
    const a = answers(report);
    expect([a['read all of RBAC in one call'], a['grant a single privilege by object (v1)'], a['grant a built-in privilege group (v2)'], a['grant a single privilege by level (v2)'], a['create a custom privilege group'], a['grant a custom privilege group (v2)']]).toEqual([
      'supported',
      'supported',
      'supported',
      'supported',
      'supported',
      'supported',
    ]);
    expect(a['set a role description']).toBe(version === '2.5' ? 'unsupported' : 'supported');
    expect(report.conclusions).toContain('reads the live state in one BackupRBAC call');
    expect(report.leftBehind).toEqual([]);
    const state = emulator.engine.snapshot();
    expect([...state.roles.map((r) => r.name), ...state.privilegeGroups.map((g) => g.name)].filter((n) => n.startsWith('rbac_doctor_'))).toEqual([]);
  });

  it('zilliz-cloud: the version from Connect, v2 grants of groups only, no BackupRBAC, and the target settings to declare', async () => {
    const { report, text } = await doctor({ profile: 'zilliz-cloud' }, 'db_admin:Milvus');
    expect(report.server).toMatchObject({ platform: 'zilliz-cloud', milvusVersion: '2.6.0', description: 'Zilliz Cloud Vector Database(Compatible with Milvus 2.6)' });
    expect(report.server.reported).toMatch(/^unknown-/);
    const a = answers(report);
    expect([a['read all of RBAC in one call'], a['grant a single privilege by object (v1)'], a['grant a built-in privilege group (v2)'], a['grant a single privilege by level (v2)'], a['create a custom privilege group']]).toEqual([
      'denied',
      'refused',
      'supported',
      'refused',
      'refused',
    ]);
    expect(report.caller).toMatchObject({ user: 'db_admin', roles: ['db_admin'], passesEveryCheck: true });
    expect(report.conclusions).toContain('grants by level only (OperatePrivilegeV2): this platform refuses OperatePrivilege');
    expect(report.targetSettings).toBe('target:\n  minVersion: "2.6"\n  platform: zilliz-cloud\n');
    expect(text).toContain('Connect describes it as: Zilliz Cloud Vector Database(Compatible with Milvus 2.6)');
  });

  it('zilliz-cloud with features enabled and an API key: says which, and that the caller is unknown', async () => {
    const { report } = await doctor({ profile: 'zilliz-cloud', zillizEnabled: ['customPrivilegeGroups', 'individualPrivileges'], apiKeys: ['zk-doctor-0123456789'] }, 'zk-doctor-0123456789');
    expect(report.caller.user).toBeNull();
    expect(report.targetSettings).toContain('    enabled: [customPrivilegeGroups, individualPrivileges]');
    expect(report.conclusions).toContain('cannot tell which steps affect the caller (the token names no user, e.g. an API key): lock-out protection is off');
  });

  it('prints on the Zilliz profile what docs/zilliz-cloud.md shows', async () => {
    const emulator = await startEmulator({ profile: 'zilliz-cloud' });
    started.push(emulator);
    process.env.ZILLIZ_TOKEN = 'db_admin:Milvus';
    const run = await runCommand([registerDoctor], ['doctor', '--address', emulator.address, '--token-env', 'ZILLIZ_TOKEN', '--write-probe']);
    const docs = readFileSync('docs/zilliz-cloud.md', 'utf8');
    const shown = /```\n\$ rbac doctor --address 127\.0\.0\.1:19532 --token-env ZILLIZ_TOKEN --write-probe\n([\s\S]*?)```/.exec(docs)?.[1];
    expect(run.stdout.replaceAll(emulator.address, '127.0.0.1:19532')).toBe(shown);
  });

  it('stops the write probe on Ctrl-C and still removes its scratch role (the built CLI)', async (ctx) => {
    if (!existsSync('dist/cli/main.js')) return ctx.skip('dist/ is not built (npm test builds it first)');
    const emulator = await startEmulator({ milvusVersion: '2.5' });
    started.push(emulator);
    // Slow grants: the signal arrives while the probe is granting on its scratch role.
    emulator.faults.setLatency(400, 'OperatePrivilegeV2');
    const child = spawn(process.execPath, ['bin/rbac.js', 'doctor', '--address', emulator.address, '--token-env', 'DOCTOR_TOKEN', '--write-probe'], { env: { ...process.env, DOCTOR_TOKEN: 'root:Milvus' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const scratch = (): string[] => emulator.engine.snapshot().roles.map((r) => r.name).filter((n) => n.startsWith('rbac_doctor_'));
    for (let i = 0; i < 200 && scratch().length === 0; i++) await new Promise((r) => setTimeout(r, 25));
    expect(scratch()).toHaveLength(1);
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(stderr).toContain('Interrupted: the write probe stopped and removed its scratch role');
    expect(scratch()).toEqual([]);
  }, 30_000);

  it('read-only by default: no probe writes', async () => {
    const { report, emulator } = await doctor({ milvusVersion: '2.5' }, 'root:Milvus', []);
    expect(report.writeProbe).toBe('not run');
    expect(report.probes.map((p) => p.call)).not.toContain('CreateRole');
    expect(emulator.engine.snapshot().roles.map((r) => r.name)).toEqual(['admin', 'public']);
  });
});
