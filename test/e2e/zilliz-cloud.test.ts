import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { platformFromAddress } from '../../src/model/platform.js';
import { register as registerApply } from '../../src/cli/commands/apply.js';
import { register as registerDrift } from '../../src/cli/commands/drift.js';
import { register as registerExport } from '../../src/cli/commands/export.js';
import { register as registerPlan } from '../../src/cli/commands/plan.js';
import { register as registerValidate } from '../../src/cli/commands/validate.js';
import { startEmulator } from '../../src/emulator/index.js';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { connect } from '../../src/milvus/connection.js';
import { connectionOptionsFromEnv } from '../../src/milvus/connection-settings.js';
import { writePolicy } from '../apply/helpers.js';
import { runCommand } from '../explain/run-command.js';
import { closedLoopbackAddress } from '../support/ports.js';

/**
 * Zilliz Cloud as a target: the whole loop (validate, plan, apply, plan, drift, export) against
 * the emulator's zilliz-cloud profile through the CLI and the real SDK, and what Zilliz refuses
 * refused before any write.
 */

const rbac = (args: string[]) => runCommand([registerValidate, registerPlan, registerApply, registerDrift, registerExport], args);

let zilliz: RunningEmulator;
let enabled: RunningEmulator;
const API_KEY = 'zk-0123456789abcdef0123456789abcdef';

const POLICY = [
  'version: 1',
  'target:',
  '  minVersion: "2.6"',
  '  platform: zilliz-cloud',
  'roles:',
  '  search_api:',
  '    grants:',
  '      - privileges: [CollectionReadOnly]',
  '        collections: [docs]',
  '  ingest:',
  '    grants:',
  '      - privileges: [CollectionReadWrite]',
  '        collections: [docs]',
  '      - privileges: [DatabaseReadOnly]',
  '        databases: [default]',
  'users:',
  '  app_search:',
  '    password: { env: ZILLIZ_APP_PASSWORD }',
  '    roles: [search_api]',
  '  analyst:',
  '    password: { env: ZILLIZ_ANALYST_PASSWORD }',
  '    roles: [db_ro]',
  '',
].join('\n');

beforeAll(async () => {
  [zilliz, enabled] = await Promise.all([
    startEmulator({ profile: 'zilliz-cloud', apiKeys: [API_KEY] }),
    startEmulator({ profile: 'zilliz-cloud', zillizEnabled: ['customPrivilegeGroups', 'individualPrivileges'] }),
  ]);
  Object.assign(process.env, { ZILLIZ_TOKEN: 'db_admin:Milvus', ZILLIZ_API_KEY: API_KEY, ZILLIZ_APP_PASSWORD: 'App-Search-2026', ZILLIZ_ANALYST_PASSWORD: 'Analyst-2026!' });
});

afterAll(async () => {
  await Promise.all([zilliz, enabled].map((e) => e?.stop()));
});

const at = (e: RunningEmulator, token = 'ZILLIZ_TOKEN') => ['--address', e.address, '--token-env', token];

describe('the zilliz-cloud profile of the emulator', () => {
  it('answers GetVersion with a build tag and Connect with the Milvus line, which the tool reads', async () => {
    expect(zilliz.version).toMatch(/^unknown-/);
    const conn = await connect(connectionOptionsFromEnv({ address: zilliz.address }, { MILVUS_TOKEN: 'db_admin:Milvus' }));
    try {
      expect([conn.versionString, conn.platform?.name, conn.features.v1Grants, conn.features.backupRbac]).toEqual(['2.6 on Zilliz Cloud', 'zilliz-cloud', false, false]);
    } finally {
      await conn.close();
    }
  });
});

describe('the whole loop against Zilliz Cloud Dedicated', () => {
  it('validates, plans, applies, plans nothing, finds no drift, and exports what it made', async () => {
    const policy = writePolicy(POLICY);
    expect((await rbac(['validate', '-f', policy])).exitCode).toBe(0);
    const plan = await rbac(['plan', '-f', policy, ...at(zilliz), '--detailed-exitcode']);
    expect(plan.stderr).toBe('');
    expect(plan.stdout).toContain('(Milvus 2.6 on Zilliz Cloud)');
    expect(plan.exitCode).toBe(2);
    const applied = await rbac(['apply', '-f', policy, ...at(zilliz), '--auto-approve']);
    expect(applied.exitCode).toBe(0);
    expect(zilliz.engine.snapshot().users.find((u) => u.name === 'analyst')?.roles).toEqual(['db_ro']);
    expect((await rbac(['plan', '-f', policy, ...at(zilliz), '--detailed-exitcode'])).exitCode).toBe(0);
    expect((await rbac(['drift', '-f', policy, ...at(zilliz)])).exitCode).toBe(0);
    const exported = await rbac(['export', ...at(zilliz)]);
    expect(exported.exitCode).toBe(0);
    expect(exported.stdout).toContain('platform: zilliz-cloud');
    expect(exported.stdout).toContain('search_api:');
    expect(exported.stdout).not.toMatch(/^ {2}db_(admin|rw|ro):/m);
  });

  it('applies examples/zilliz-cloud.yaml as shipped, after which the plan is empty', async () => {
    const fresh = await startEmulator({ profile: 'zilliz-cloud' });
    try {
      Object.assign(process.env, { ZILLIZ_SEARCH_SVC_PASSWORD: 'Search-Svc-2026', ZILLIZ_INGEST_SVC_PASSWORD: 'Ingest-Svc-2026', ZILLIZ_ANALYST_PASSWORD: 'Analyst-2026!' });
      const example = 'examples/zilliz-cloud.yaml';
      expect((await rbac(['apply', '-f', example, ...at(fresh), '--auto-approve'])).exitCode).toBe(0);
      expect((await rbac(['plan', '-f', example, ...at(fresh), '--detailed-exitcode'])).exitCode).toBe(0);
    } finally {
      await fresh.stop();
    }
  });

  it('runs with an API key, whose Milvus identity it cannot know, and says lock-out protection is off', async () => {
    const policy = writePolicy(POLICY.replace('search_api:\n    grants', 'search_api_v2:\n    grants').replace('roles: [search_api]', 'roles: [search_api_v2]'));
    const applied = await rbac(['apply', '-f', policy, ...at(zilliz, 'ZILLIZ_API_KEY'), '--auto-approve']);
    expect(applied.exitCode).toBe(0);
    expect(applied.stdout + applied.stderr).toContain('lock-out protection cannot tell');
  });
});

describe('what Zilliz Cloud refuses, refused before any write', () => {
  const refused = [
    'version: 1',
    'target:',
    '  platform: zilliz-cloud',
    'privilegeGroups:',
    '  readers:',
    '    privileges: [Search, Query]',
    'roles:',
    '  db_rw:',
    '  _svc:',
    '  app:',
    '    grants:',
    '      - object: Collection',
    '        objectNames: [docs]',
    '        privileges: [Search]',
    '      - privileges: [Search]',
    '        collections: [docs]',
    '      - privileges: [BackupRBAC]',
    '        level: cluster',
    'users:',
    '  db_admin:',
    '    roles: [app]',
    '',
  ].join('\n');

  it('names each refusal with its place in the file, offline', async () => {
    const file = writePolicy(refused);
    const run = await rbac(['validate', '-f', file]);
    expect(run.exitCode).toBe(1);
    const lines = run.stderr.split('\n');
    const find = (text: string): string | undefined => lines.find((l) => l.includes(text));
    expect(find('custom privilege group "readers"')).toMatch(/:5:3: error: /);
    expect(find('"db_rw" is a built-in role of Zilliz Cloud')).toMatch(/:8:3: error: /);
    expect(find('role "_svc": Zilliz Cloud names start with a letter')).toMatch(/:9:3: error: /);
    expect(find('Zilliz Cloud refuses grants by object')).toMatch(/:12:17: error: /);
    expect(find('Search is a single privilege: Zilliz Cloud grants privilege groups only')).toMatch(/:15:22: error: /);
    expect(find('BackupRBAC is not offered on Zilliz Cloud')).toMatch(/:17:22: error: /);
    expect(find("\"db_admin\" is Zilliz Cloud's default user")).toMatch(/:20:3: error: /);
  });

  it('accepts single privileges and custom groups where the policy declares Zilliz enabled them', async () => {
    const file = writePolicy(
      ['version: 1', 'target:', '  platform: zilliz-cloud', '  zillizCloud:', '    enabled: [customPrivilegeGroups, individualPrivileges]', 'privilegeGroups:', '  readers:', '    privileges: [Search, Query]', 'roles:', '  app:', '    grants:', '      - privileges: [readers, Insert]', '        collections: [docs]', ''].join('\n'),
    );
    expect((await rbac(['validate', '-f', file])).stderr).not.toContain('error');
    const applied = await rbac(['apply', '-f', file, ...at(enabled), '--auto-approve']);
    expect(applied.exitCode).toBe(0);
    expect(enabled.engine.snapshot().privilegeGroups.map((g) => g.name)).toEqual(['readers']);
  });

  it('refuses a single privilege at plan time against the emulator, with no write sent', async () => {
    const before = zilliz.faults.callCount();
    const file = writePolicy('version: 1\nroles:\n  app2:\n    grants:\n      - privileges: [Search]\n        collections: [docs]\n');
    // The policy does not say zilliz-cloud: the server's own description does.
    const run = await rbac(['plan', '-f', file, ...at(zilliz)]);
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain('Search is a single privilege');
    expect(run.stderr).toContain('the policy is invalid for Zilliz Cloud (Milvus 2.6.0)');
    const apply = await rbac(['apply', '-f', file, ...at(zilliz), '--auto-approve']);
    expect(apply.exitCode).toBe(1);
    expect(zilliz.engine.snapshot().roles.map((r) => r.name)).not.toContain('app2');
    expect(zilliz.faults.callCount()).toBeGreaterThan(before);
  });

  it('refuses Serverless and Free clusters, which have no users or roles, before any call', async () => {
    const file = writePolicy('version: 1\ntarget:\n  platform: zilliz-cloud\n  zillizCloud:\n    tier: serverless\nroles:\n  app3:\n');
    const run = await rbac(['apply', '-f', file, ...at(zilliz), '--auto-approve']);
    expect(run.exitCode).toBe(5);
    expect(run.stderr).toContain('Zilliz Cloud Serverless clusters have no users or roles to manage');
    expect(zilliz.engine.snapshot().roles.map((r) => r.name)).not.toContain('app3');
    // Declared by a target's config, the refusal comes before any connection: the port is closed,
    // so trying to connect would have ended in exit 3 instead.
    const closed = await closedLoopbackAddress();
    const config = writePolicy(['version: 1', 'targets:', '  serverless:', `    address: ${closed}`, '    token: { env: ZILLIZ_TOKEN }', '    platform: zilliz-cloud', '    zillizCloud: { tier: serverless }', ''].join('\n'));
    const serverless = await rbac(['plan', '-f', writePolicy('version: 1\nroles:\n  app4:\n'), '--config', config, '--target', 'serverless', '--format', 'json']);
    const body = JSON.parse(serverless.stdout) as { exitCode: number; targets: { exitCode: number; result: { error: { message: string } } }[] };
    expect(body.targets[0]?.exitCode).toBe(5);
    expect(body.targets[0]?.result.error.message).toContain('nothing was read or changed');
  });

  it('knows Zilliz Cloud and its Serverless clusters by their endpoints (names only, nothing is contacted)', () => {
    expect(platformFromAddress('https://in01-0123456789abcdef.aws-us-west-2.vectordb.zillizcloud.com:19530')).toEqual({ name: 'zilliz-cloud', tier: 'dedicated' });
    expect(platformFromAddress('https://in03-0123456789abcdef.serverless.gcp-us-west1.cloud.zilliz.com')).toEqual({ name: 'zilliz-cloud', tier: 'serverless' });
    expect(platformFromAddress('https://in03-0123.serverless.ali-cn-hangzhou.cloud.zilliz.com.cn')).toEqual({ name: 'zilliz-cloud', tier: 'serverless' });
    expect(platformFromAddress('milvus.zilliz.example.org:19530')).toBeNull();
    expect(platformFromAddress('127.0.0.1:19530')).toBeNull();
  });

  it('refuses a password Zilliz would refuse before any write', async () => {
    process.env.ZILLIZ_WEAK_PASSWORD = 'weakpass';
    const file = writePolicy('version: 1\ntarget:\n  platform: zilliz-cloud\nusers:\n  weak:\n    password: { env: ZILLIZ_WEAK_PASSWORD }\n');
    const run = await rbac(['apply', '-f', file, ...at(zilliz), '--auto-approve']);
    expect(run.exitCode).toBe(5);
    expect(run.stderr).toContain('Zilliz Cloud passwords hold at least 3 of');
    expect(run.stderr).not.toContain('weakpass');
    expect(zilliz.engine.snapshot().users.map((u) => u.name)).not.toContain('weak');
  });
});
