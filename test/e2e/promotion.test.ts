import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { register as registerApply } from '../../src/cli/commands/apply.js';
import { register as registerPlan } from '../../src/cli/commands/plan.js';
import { startEmulator } from '../../src/emulator/index.js';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { runCommand } from '../explain/run-command.js';

/**
 * Promotion: `rbac plan --target prod --compare-with staging` shows which of production's steps
 * staging already has live, through the CLI and the real SDK against two emulators.
 */

let staging: RunningEmulator;
let prod: RunningEmulator;
const dir = mkdtempSync(join(tmpdir(), 'rbac-promotion-'));
const config = join(dir, 'rbac.config.yaml');
const policy = join(dir, 'policy.yaml');

const FIRST = [
  'version: 1',
  'privilegeGroups:',
  '  reading:',
  '    privileges: [Search, Query]',
  'roles:',
  '  reader:',
  '    grants:',
  '      - privileges: [reading]',
  '        collections: [books]',
  '',
].join('\n');
/** Staging got the first version; the second adds a privilege to the group and a user. */
const SECOND = FIRST.replace('[Search, Query]', '[Search, Query, GetLoadState]') + 'users:\n  app:\n    password: { env: PROMOTION_APP_PASSWORD }\n    roles: [reader]\n';

const rbac = (args: string[]) => runCommand([registerPlan, registerApply], args);

beforeAll(async () => {
  [staging, prod] = await Promise.all([startEmulator({ milvusVersion: '2.6' }), startEmulator({ milvusVersion: '2.5' })]);
  writeFileSync(policy, FIRST);
  writeFileSync(
    config,
    ['version: 1', 'policies: [policy.yaml]', 'targets:', '  staging:', `    address: ${staging.address}`, '    token: { env: PROMOTION_TOKEN }', '  prod:', `    address: ${prod.address}`, '    token: { env: PROMOTION_TOKEN }', ''].join('\n'),
  );
  process.env.PROMOTION_TOKEN = 'root:Milvus';
  process.env.PROMOTION_APP_PASSWORD = 'app-Password-1';
  const applied = await rbac(['apply', '--config', config, '--target', 'staging', '--auto-approve']);
  expect(applied.exitCode).toBe(0);
});

afterAll(async () => {
  delete process.env.PROMOTION_TOKEN;
  await Promise.all([staging, prod].map((e) => e?.stop()));
});

describe('rbac plan --target prod --compare-with staging', () => {
  it('says every step of the plan is already live on staging, and --require-promoted passes', async () => {
    const run = await rbac(['plan', '--config', config, '--target', 'prod', '--compare-with', 'staging', '--require-promoted', '--detailed-exitcode']);
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain(`Target: ${prod.address}`);
    expect(run.stdout).toMatch(new RegExp(`Promotion check against staging \\(${staging.address}, Milvus v2\\.6\\.\\d+\\): all 4 steps are already live there\\.`));
    expect(run.exitCode).toBe(2);
  });

  it('lists what production would get that staging has not had, down to one privilege of a group', async () => {
    writeFileSync(policy, SECOND);
    const run = await rbac(['plan', '--config', config, '--target', 'prod', '--compare-with', 'staging']);
    expect(run.exitCode).toBe(0);
    const section = run.stdout.slice(run.stdout.indexOf('Promotion check'));
    expect(section).toContain('3 of 6 steps are already live there; not yet on staging:');
    expect(section).toContain('privilege group "reading"');
    expect(section).toContain('+ privileges GetLoadState');
    expect(section).not.toContain('Search');
    expect(section).toContain('+ user "app"');
    expect(section).not.toContain('role "reader"\n    + grant');
  });

  it('exits 5 with --require-promoted while staging lacks a step, and reports as JSON', async () => {
    writeFileSync(policy, SECOND);
    const refused = await rbac(['plan', '--config', config, '--target', 'prod', '--compare-with', 'staging', '--require-promoted', '--format', 'json']);
    expect(refused.exitCode).toBe(5);
    expect(refused.stderr).toContain('3 steps of this plan are not live on staging yet (--require-promoted)');
    const body = JSON.parse(refused.stdout) as { steps: unknown[]; promotion: { from: { name: string }; steps: number; live: number; missing: { id: string; operation: { privileges?: string[] } }[] } };
    expect(body.promotion.from.name).toBe('staging');
    expect([body.promotion.steps, body.promotion.live]).toEqual([6, 3]);
    expect(body.promotion.missing.map((m) => m.id)).toEqual(['addPrivilegesToGroup:reading', 'createUser:app', 'bindRole:app:reader']);
    expect(body.promotion.missing[0]?.operation.privileges).toEqual(['GetLoadState']);

    const promoted = await rbac(['apply', '--config', config, '--target', 'staging', '--auto-approve']);
    expect(promoted.exitCode).toBe(0);
    const after = await rbac(['plan', '--config', config, '--target', 'prod', '--compare-with', 'staging', '--require-promoted']);
    expect(after.stdout).toContain('all 6 steps are already live there.');
    expect(after.exitCode).toBe(0);
  });

  it('refuses without exactly one --target, with --out, or comparing a target with itself', async () => {
    expect((await rbac(['plan', '--config', config, '--all-targets', '--compare-with', 'staging'])).stderr).toContain('give exactly one --target');
    expect((await rbac(['plan', '--config', config, '--target', 'prod', '--compare-with', 'prod'])).stderr).toContain('it must differ from --target');
    expect((await rbac(['plan', '--config', config, '--target', 'prod', '--compare-with', 'staging', '--out', join(dir, 'p.json')])).exitCode).toBe(1);
    expect((await rbac(['plan', '--config', config, '--target', 'prod', '--require-promoted'])).stderr).toContain('--require-promoted needs --compare-with');
  });
});
