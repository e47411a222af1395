import { afterEach, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { connectionOptionsFromEnv, withDefaultPort } from '../../src/milvus/connection-settings.js';
import type { RbacState } from '../../src/model/types.js';
import { runPlan } from '../../src/pipeline/run-plan.js';
import { apply, emulator, writePolicy } from './helpers.js';

/** Plans whose reach is wider than they look, and small slips people make, through the real SDK. */

let emu: RunningEmulator | undefined;
afterEach(async () => {
  await emu?.stop();
  emu = undefined;
});

const people = (n: number): RbacState => ({
  users: Array.from({ length: n }, (_, i) => ({ name: `u${i}`, roles: [] })),
  roles: [],
  privilegeGroups: [],
});

describe('a plan that drops most of what exists', () => {
  it('is said in the plan and refused by apply unless --allow-mass-drop', async () => {
    emu = await emulator({ milvusVersion: '2.5', seed: { state: people(8) } });
    const policy = writePolicy('version: 1\nscope:\n  users: all\nusers:\n  u0: {}\n');
    const connection = connectionOptionsFromEnv({ address: emu.address }, { MILVUS_TOKEN: 'root:Milvus' });
    const plan = await runPlan({ files: [policy], connection });
    expect(plan.output).toContain('MASS DROP: the plan removes 7 of 8 users');
    const refused = await apply(emu, { source: { policyFiles: [policy] } });
    expect(refused.result.status).toBe('refused');
    expect(refused.result.refusals.map((r) => r.guard)).toEqual(['mass-drop']);
    expect(emu.engine.listUsers()).toHaveLength(9);
    const applied = await apply(emu, { source: { policyFiles: [policy] }, allowMassDrop: true });
    expect(applied.result.status).toBe('applied');
    expect(emu.engine.listUsers()).toEqual(['root', 'u0']);
  });

  it('is not flagged for a few drops', async () => {
    emu = await emulator({ milvusVersion: '2.5', seed: { state: people(8) } });
    const policy = writePolicy(`version: 1\nscope:\n  users: all\nusers:\n${Array.from({ length: 6 }, (_, i) => `  u${i}: {}\n`).join('')}`);
    const applied = await apply(emu, { source: { policyFiles: [policy] } });
    expect(applied.result.status).toBe('applied');
  });
});

describe("public's default grants", () => {
  it('a one-line public: entry is said loudly, naming the grants every user loses', async () => {
    emu = await emulator({ milvusVersion: '2.5' });
    const policy = writePolicy('version: 1\nroles:\n  public:\n');
    const connection = connectionOptionsFromEnv({ address: emu.address }, { MILVUS_TOKEN: 'root:Milvus' });
    const plan = await runPlan({ files: [policy], connection });
    expect(plan.output).toContain("THE PLAN REVOKES MILVUS'S DEFAULT GRANTS FROM public (IndexDetail, DescribeCollection, ListAliases)");
    const kept = writePolicy('version: 1\nroles:\n  public:\n    grants:\n      - privileges: [DescribeCollection, ListAliases, IndexDetail]\n        level: cluster\n');
    expect((await runPlan({ files: [kept], connection })).output).not.toContain('DEFAULT GRANTS');
  });
});

describe('root and admin', () => {
  it('warns about unbinding root only when the plan does it', async () => {
    emu = await emulator({ milvusVersion: '2.5' });
    const policy = writePolicy('version: 1\nusers:\n  root:\n    roles: []\n');
    const connection = connectionOptionsFromEnv({ address: emu.address }, { MILVUS_TOKEN: 'root:Milvus' });
    expect((await runPlan({ files: [policy], connection })).output).not.toContain('unbinds root from admin');
    emu.engine.bindUser('root', 'admin');
    expect((await runPlan({ files: [policy], connection })).output).toContain('the plan unbinds root from admin');
  });
});

describe('password sources apply will need', () => {
  it('are checked when planning, naming the user and the source, never a value', async () => {
    emu = await emulator({ milvusVersion: '2.5' });
    const policy = writePolicy('version: 1\nusers:\n  svc:\n    password: { env: SVC_PASSWORD_NOT_SET }\n');
    const connection = connectionOptionsFromEnv({ address: emu.address }, { MILVUS_TOKEN: 'root:Milvus' });
    const missing = await runPlan({ files: [policy], connection, env: {} });
    expect(missing.output).toContain('apply will need the password of user svc, and here the password environment variable SVC_PASSWORD_NOT_SET is not set');
    const present = await runPlan({ files: [policy], connection, env: { SVC_PASSWORD_NOT_SET: 'a-secret-value-1' } });
    expect(present.output).not.toContain('apply will need');
    expect(present.output).not.toContain('a-secret-value-1');
  });
});

describe('small slips', () => {
  it("an address without a port gets Milvus's 19530, not the SDK's 443", () => {
    expect(withDefaultPort('127.0.0.1')).toBe('127.0.0.1:19530');
    expect(withDefaultPort('localhost:19531')).toBe('localhost:19531');
    expect(withDefaultPort('[::1]')).toBe('[::1]:19530');
    expect(withDefaultPort('[::1]:7')).toBe('[::1]:7');
    expect(withDefaultPort('https://in01.example:443')).toBe('https://in01.example:443');
    expect(connectionOptionsFromEnv({}, { MILVUS_ADDRESS: '127.0.0.1' }).address).toBe('127.0.0.1:19530');
  });

  it('rbac apply policy.yaml (the -f forgotten) asks whether -f was meant, and connects to nothing', async () => {
    emu = await emulator({ milvusVersion: '2.5' });
    const policy = writePolicy('version: 1\n');
    const result = await apply(emu, { source: { planFile: policy } });
    expect(result.exitCode).toBe(1); // invalid input;
    expect(result.result.error).toBe(`${policy} looks like a policy, not a saved plan`);
    expect(result.result.fix).toBe(`did you mean rbac apply -f ${policy}?`);
  });
});

describe('a role the policy defines owns its members', () => {
  const seed: RbacState = {
    users: [{ name: 'app', roles: ['reader'] }, { name: 'intruder', roles: ['reader'] }],
    roles: [{ name: 'reader', grants: [] }],
    privilegeGroups: [],
  };

  it('drift reports a user bound by hand as drift, with its own metric; plan unbinds it; --no-destroy holds it back', async () => {
    const { mkdtempSync, readFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { runDrift } = await import('../../src/drift/run.js');
    emu = await emulator({ milvusVersion: '2.5', seed: { state: seed } });
    const policy = writePolicy('version: 1\nscope:\n  users: { names: [app] }\nroles:\n  reader:\nusers:\n  app:\n    roles: [reader]\n');
    const connection = connectionOptionsFromEnv({ address: emu.address }, { MILVUS_TOKEN: 'root:Milvus' });
    const metrics = join(mkdtempSync(join(tmpdir(), 'rbac-members-')), 'drift.prom');
    const drift = await runDrift({ files: [policy], connection, prometheusTextfile: metrics });
    expect(drift.exitCode).toBe(2);
    expect(drift.report?.outsideMembers).toEqual([{ user: 'intruder', role: 'reader' }]);
    expect(readFileSync(metrics, 'utf8')).toMatch(/^milvus_rbac_drift_outside_members\{target="[^"]+"\} 1$/m);
    const held = await apply(emu, { source: { policyFiles: [policy] }, noDestroy: true });
    expect(held.result.refusals.map((r) => [r.guard, r.stepId])).toEqual([['no-destroy', 'unbindRole:intruder:reader']]);
    expect(emu.engine.rolesOf('intruder')).toEqual(['reader']);
    const applied = await apply(emu, { source: { policyFiles: [policy] } });
    expect(applied.result.status).toBe('applied');
    expect(emu.engine.rolesOf('intruder')).toEqual([]);
    expect(emu.engine.rolesOf('app')).toEqual(['reader']);
  });

  it('keepOutsideMembers: true leaves them bound', async () => {
    emu = await emulator({ milvusVersion: '2.5', seed: { state: seed } });
    const policy = writePolicy('version: 1\nscope:\n  users: { names: [app] }\nroles:\n  reader:\n    keepOutsideMembers: true\nusers:\n  app:\n    roles: [reader]\n');
    const connection = connectionOptionsFromEnv({ address: emu.address }, { MILVUS_TOKEN: 'root:Milvus' });
    const plan = await runPlan({ files: [policy], connection, detailedExitcode: true });
    expect(plan.exitCode).toBe(0);
  });
});

describe('warnings during apply', () => {
  it('a policy warning is printed once', async () => {
    emu = await emulator({ milvusVersion: '2.5' });
    // Listing public for a user is a loader warning (implicit-public).
    const policy = writePolicy('version: 1\nroles:\n  reader:\nusers:\n  svc:\n    roles: [public, reader]\n    password: { env: SVC_PW }\n');
    const result = await apply(emu, { source: { policyFiles: [policy] }, env: { SVC_PW: 'a-password-1' } });
    expect(result.result.status).toBe('applied');
    expect(result.output.split('every user has the public role implicitly').length - 1).toBe(1);
  });
});

describe('Ctrl-C during apply', () => {
  it('lets the calls in flight finish, reports what was done and not, and a re-run finishes the job', async () => {
    emu = await emulator({ milvusVersion: '2.5' });
    const policy = writePolicy('version: 1\nroles:\n  r1:\n  r2:\nusers:\n  svc:\n    roles: [r1, r2]\n    password: { env: SVC_PW }\n');
    const interrupt = new AbortController();
    const result = await apply(emu, {
      source: { policyFiles: [policy] },
      env: { SVC_PW: 'a-password-1' },
      signal: interrupt.signal,
      // Interrupted as the second phase starts: the roles exist, nothing after them was started.
      write: (text) => {
        if (text.startsWith('[2/')) interrupt.abort();
      },
    });
    expect(result.result.status).toBe('interrupted');
    expect(result.exitCode).toBe(130);
    expect(result.output).toContain('Apply interrupted');
    expect(result.result.notAttempted.map((s) => s.id)).toEqual(['createUser:svc', 'bindRole:svc:r1', 'bindRole:svc:r2']);
    expect(emu.engine.hasUser('svc')).toBe(false);
    const again = await apply(emu, { source: { policyFiles: [policy] }, env: { SVC_PW: 'a-password-1' } });
    expect(again.result.status).toBe('applied');
    expect(emu.engine.rolesOf('svc')).toEqual(['r1', 'r2']);
  });
});
