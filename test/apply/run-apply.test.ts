import { readFileSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { runPlan } from '../../src/pipeline/run-plan.js';
import { planDigest } from '../../src/plan/digest.js';
import { parsePlan } from '../../src/plan/plan-file.js';
import { connectionOptionsFromEnv } from '../../src/milvus/connection-settings.js';
import type { RbacState } from '../../src/model/types.js';
import { apply, emulator, tempPath, writePolicy } from './helpers.js';

let emus: RunningEmulator[] = [];
afterEach(async () => {
  await Promise.all(emus.map((e) => e.stop()));
  emus = [];
});
async function start(...args: Parameters<typeof emulator>): Promise<RunningEmulator> {
  const e = await emulator(...args);
  emus.push(e);
  return e;
}

const PASSWORDS = { APP_ONE_PW: 'app-one-Secret-1', APP_TWO_PW: 'app-two-Secret-2' };

const POLICY = `
version: 1
roles:
  reader:
    grants:
      - object: Collection
        objectNames: [books, films]
        privileges: [Search, Query]
  writer:
    grants:
      - object: Collection
        objectName: books
        privileges: [Insert, Delete]
users:
  app_one:
    roles: [reader]
    password: { env: APP_ONE_PW }
  app_two:
    roles: [reader, writer]
    password: { env: APP_TWO_PW }
`;

function user(state: RbacState, name: string): readonly string[] | undefined {
  return state.users.find((u) => u.name === name)?.roles;
}

describe.each(['2.3', '2.5'] as const)('rbac apply -f on Milvus %s', (profile) => {
  it('applies the policy, verifies it, and a second run has nothing to do', async () => {
    const emu = await start({ milvusVersion: profile });
    const policy = writePolicy(POLICY);
    const first = await apply(emu, { source: { policyFiles: [policy] }, env: PASSWORDS });
    expect(first.result.status).toBe('applied');
    expect(first.exitCode).toBe(0);
    expect(first.result.verification).toEqual({ ok: true, differences: [] });
    expect(first.output).toContain('Verified: the live state matches.');
    const state = emu.engine.snapshot();
    expect(user(state, 'app_two')).toEqual(['reader', 'writer']);
    expect(emu.engine.authenticate('app_one', PASSWORDS.APP_ONE_PW)).toBe(true);
    const second = await apply(emu, { source: { policyFiles: [policy] }, env: PASSWORDS });
    expect(second.result.status).toBe('no-changes');
    expect(second.exitCode).toBe(0);
  });
});

describe('rbac apply safety', () => {
  it('never prints a password, in text or JSON', async () => {
    const emu = await start();
    const policy = writePolicy(POLICY);
    const text = await apply(emu, { source: { policyFiles: [policy] }, env: PASSWORDS });
    const emu2 = await start();
    const json = await apply(emu2, { source: { policyFiles: [policy] }, env: PASSWORDS, format: 'json' });
    expect(JSON.parse(json.output).status).toBe('applied');
    for (const out of [text.output, json.output]) {
      for (const pw of Object.values(PASSWORDS)) {
        expect(out).not.toContain(pw);
        expect(out).not.toContain(Buffer.from(pw).toString('base64'));
      }
    }
  });

  it('refuses before any step when a password variable is missing, and changes nothing', async () => {
    const emu = await start();
    const before = emu.engine.snapshot();
    const result = await apply(emu, { source: { policyFiles: [writePolicy(POLICY)] }, env: { APP_ONE_PW: 'app-one-Secret-1' } });
    expect(result.exitCode).toBe(5);
    expect(result.result.status).toBe('refused');
    expect(result.output).toContain('password environment variable APP_TWO_PW is not set');
    expect(emu.engine.snapshot()).toEqual(before);
  });

  it('refuses before any step a password Milvus would refuse (bcrypt: over 72 bytes), without printing it', async () => {
    const emu = await start();
    const before = emu.engine.snapshot();
    const long = 'L'.repeat(80);
    const result = await apply(emu, { source: { policyFiles: [writePolicy(POLICY)] }, env: { ...PASSWORDS, APP_TWO_PW: long } });
    expect(result.result.status).toBe('refused');
    expect(result.output).toContain('more than 72 bytes');
    expect(result.output).not.toContain(long);
    expect(emu.engine.snapshot()).toEqual(before);
  });

  it('refuses to wait for a confirmation without a terminal', async () => {
    const emu = await start();
    const before = emu.engine.snapshot();
    const result = await apply(emu, { source: { policyFiles: [writePolicy(POLICY)] }, env: PASSWORDS, autoApprove: false, interactive: false });
    expect(result.exitCode).toBe(5);
    expect(result.output).toContain('pass --auto-approve');
    expect(emu.engine.snapshot()).toEqual(before);
  });

  it('asks on a terminal and does nothing unless told yes', async () => {
    const emu = await start();
    const before = emu.engine.snapshot();
    const questions: string[] = [];
    const no = await apply(emu, {
      source: { policyFiles: [writePolicy(POLICY)] },
      env: PASSWORDS,
      autoApprove: false,
      interactive: true,
      confirm: async (q) => {
        questions.push(q);
        return false;
      },
    });
    expect(no.result.status).toBe('cancelled');
    expect(questions[0]).toMatch(/^Apply these \d+ steps to 127\.0\.0\.1:\d+\?/);
    expect(emu.engine.snapshot()).toEqual(before);
    const yes = await apply(emu, { source: { policyFiles: [writePolicy(POLICY)] }, env: PASSWORDS, autoApprove: false, interactive: true, confirm: async () => true });
    expect(yes.result.status).toBe('applied');
  });

  it('--no-destroy refuses a plan that drops users or roles, naming each step', async () => {
    const emu = await start({
      seed: { state: { users: [{ name: 'app_old', roles: [] }], roles: [{ name: 'old_role', grants: [] }], privilegeGroups: [] }, passwords: { root: 'Milvus' } },
    });
    const policy = writePolicy(`${POLICY}\nscope:\n  users: all\n  roles: all\n`);
    const before = emu.engine.snapshot();
    const refused = await apply(emu, { source: { policyFiles: [policy] }, env: PASSWORDS, noDestroy: true });
    expect(refused.result.status).toBe('refused');
    expect(refused.output).toContain('--no-destroy refuses step dropUser:app_old: drop user app_old');
    expect(refused.output).toContain('--no-destroy refuses step dropRole:old_role: drop role old_role');
    expect(emu.engine.snapshot()).toEqual(before);
    const allowed = await apply(emu, { source: { policyFiles: [policy] }, env: PASSWORDS });
    expect(allowed.result.status).toBe('applied');
    expect(emu.engine.hasUser('app_old')).toBe(false);
  });

  it('refuses to take admin away from the user running the apply unless --allow-self-lockout', async () => {
    const seed = { state: { users: [{ name: 'ops', roles: ['admin'] }], roles: [], privilegeGroups: [] }, passwords: { root: 'Milvus', ops: 'ops-Secret-9' } };
    const policy = writePolicy(`${POLICY}  ops:\n    roles: [reader]\n    password: { env: OPS_PW }\n`);
    const emu = await start({ seed });
    const before = emu.engine.snapshot();
    const refused = await apply(emu, { source: { policyFiles: [policy] }, env: { ...PASSWORDS, OPS_PW: 'ops-Secret-9' }, token: 'ops:ops-Secret-9' });
    expect(refused.result.status).toBe('refused');
    expect(refused.result.refusals.map((r) => r.guard)).toContain('self-lockout');
    expect(refused.output).toContain('--allow-self-lockout');
    expect(emu.engine.snapshot()).toEqual(before);
    const forced = await apply(emu, { source: { policyFiles: [policy] }, env: { ...PASSWORDS, OPS_PW: 'ops-Secret-9' }, token: 'ops:ops-Secret-9', allowSelfLockout: true, parallelism: 1 });
    // Everything else is done while ops still holds admin; losing it comes last.
    expect(forced.result.done.at(-1)?.operation).toBe('unbind user ops from role admin');
    expect(forced.result.status).toBe('verification-failed');
    expect(forced.output).toContain('cannot read the live state again: Milvus at');
    expect(forced.output).toContain('permission deny to ops');
  });
});

describe('rbac apply <saved plan>', () => {
  async function savePlan(emu: RunningEmulator, policy: string): Promise<string> {
    const out = tempPath('plan.json');
    const planned = await runPlan({ files: [policy], connection: connectionOptionsFromEnv({ address: emu.address }, { MILVUS_TOKEN: 'root:Milvus' }), out });
    expect(planned.exitCode).toBe(0);
    return out;
  }

  it('applies a saved plan without asking: it was reviewed when made, and is refused if stale', async () => {
    const emu = await start();
    const planFile = await savePlan(emu, writePolicy(POLICY));
    const result = await apply(emu, { source: { planFile }, env: PASSWORDS, autoApprove: false, interactive: false });
    expect(result.output).not.toContain('pass --auto-approve');
    expect(result.result.status).toBe('applied');
    expect(result.exitCode).toBe(0);
  });

  it('applies exactly the saved steps, and the plan file holds no password', async () => {
    const emu = await start();
    const policy = writePolicy(POLICY);
    const planFile = await savePlan(emu, policy);
    const text = readFileSync(planFile, 'utf8');
    for (const pw of Object.values(PASSWORDS)) expect(text).not.toContain(pw);
    expect(text).toContain('APP_ONE_PW');
    const steps = (JSON.parse(text) as { steps: unknown[] }).steps.length;
    const result = await apply(emu, { source: { planFile }, env: PASSWORDS });
    expect(result.result.status).toBe('applied');
    expect(result.result.steps.done).toBe(steps);
    expect(result.result.verification?.ok).toBe(true);
  });

  const changes: [string, (emu: RunningEmulator) => void][] = [
    ['a user created', (emu) => emu.engine.createUser('intruder', 'intruder-pw-1')],
    ['a role created', (emu) => emu.engine.createRole('intruder_role')],
    ['a grant added', (emu) => emu.engine.apply({ kind: 'grant', role: 'public', form: 'v1', grant: { objectType: 'Collection', objectName: 'x', dbName: 'default', privilege: 'Search' } }, { caller: 'root' })],
    ['a built-in grant revoked', (emu) => emu.engine.apply({ kind: 'revoke', role: 'public', form: 'v1', grant: { objectType: 'Global', objectName: '*', dbName: '*', privilege: 'DescribeCollection' } }, { caller: 'root' })],
    ['a binding added', (emu) => emu.engine.bindUser('root', 'admin')],
    ['a grant in another database', (emu) => emu.engine.apply({ kind: 'grant', role: 'public', form: 'v1', grant: { objectType: 'Collection', objectName: 'x', dbName: 'db7', privilege: 'Query' } }, { caller: 'root' })],
  ];

  it.each(changes)('refuses a stale plan: %s since planning', async (_label, change) => {
    const emu = await start();
    const policy = writePolicy(POLICY.replace('objectNames: [books, films]', 'objectNames: [books, films]\n        databases: [default, db7]'));
    const planFile = await savePlan(emu, policy);
    change(emu);
    const before = emu.engine.snapshot();
    const result = await apply(emu, { source: { planFile }, env: PASSWORDS });
    expect(result.result.status).toBe('refused');
    expect(result.result.refusals.map((r) => r.guard)).toEqual(['stale-plan']);
    expect(result.output).toContain('changed since the plan was made');
    expect(emu.engine.snapshot()).toEqual(before);
  });

  it('refuses a plan made for another target', async () => {
    const a = await start();
    const b = await start();
    const planFile = await savePlan(a, writePolicy(POLICY));
    const result = await apply(b, { source: { planFile }, env: PASSWORDS });
    expect(result.result.status).toBe('refused');
    expect(result.result.refusals.map((r) => r.guard)).toEqual(['other-target']);
    expect(result.output).toContain(`the plan was made for ${a.address}, not ${b.address}`);
  });

  it('refuses a plan made for another Milvus version', async () => {
    const emu = await start({ milvusVersion: '2.5' });
    const planFile = await savePlan(emu, writePolicy(POLICY));
    // As made against another server: its digest agrees with its content.
    const saved = parsePlan(readFileSync(planFile, 'utf8'));
    const other = { ...saved, target: { ...saved.target, milvusVersion: 'v2.4.15' } };
    writeFileSync(planFile, JSON.stringify({ ...other, digest: planDigest(other) }));
    const result = await apply(emu, { source: { planFile }, env: PASSWORDS });
    expect(result.result.refusals.map((r) => r.guard)).toEqual(['other-target']);
    expect(result.output).toContain(`the plan was made for Milvus v2.4.15, but ${emu.address} runs v2.5.4`);
  });
});

describe('rbac apply with an invalid policy', () => {
  it('reports the diagnostics, in text and JSON, and changes nothing', async () => {
    const emu = await start();
    const before = emu.engine.snapshot();
    const bad = writePolicy('version: 1\nroles:\n  "bad name":\n    grants: []\n');
    const text = await apply(emu, { source: { policyFiles: [bad] } });
    expect(text.exitCode).toBe(1);
    expect(text.output).toContain('policy.yaml:3:3: error: role name can only contain numbers, letters, dollars and underscores');
    expect(text.output).toContain('nothing was changed');
    const json = await apply(emu, { source: { policyFiles: [bad] }, format: 'json' });
    const result = JSON.parse(json.output) as { status: string; diagnostics: string[] };
    expect(result.status).toBe('error');
    expect(result.diagnostics.join('\n')).toContain('role name can only contain');
    expect(emu.engine.snapshot()).toEqual(before);
  });
});
