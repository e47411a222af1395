import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RbacObjects } from '@zilliz/milvus2-sdk-node';
import type { MilvusClient } from '@zilliz/milvus2-sdk-node';
import { parse } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { register as registerExport } from '../../src/cli/commands/export.js';
import { runExport } from '../../src/export/run.js';
import type { RunExportOptions } from '../../src/export/run.js';
import { connectionOptionsFromEnv } from '../../src/milvus/connection-settings.js';
import { loadPolicy } from '../../src/policy/index.js';
import { runPlan } from '../../src/pipeline/run-plan.js';
import { ON_REAL, openTarget } from '../conformance/target.js';
import type { Target } from '../conformance/target.js';
import { runCommand } from '../explain/run-command.js';

/**
 * Adopting an instance: it is built with raw SDK calls (never with our applier), exported, the
 * export validated, then planned against the same instance: the plan must be "No changes.".
 * On the emulator every version profile is played; with MILVUS_ADDRESS the real server is, with
 * everything under the target's unique prefix.
 */

const dir = mkdtempSync(join(tmpdir(), 'rbac-export-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PASSWORD = 'Export-Secret-987';
const PROFILES = ON_REAL ? ['real'] : ['2.3', '2.4', '2.5', '2.6'];

function ok(response: { error_code?: string | number; status?: { error_code?: string | number } }, what: string): void {
  const code = response.error_code ?? response.status?.error_code;
  if (code !== undefined && code !== 'Success' && code !== 0) throw new Error(`${what} failed: ${JSON.stringify(response)}`);
}

function connection(t: Target) {
  return connectionOptionsFromEnv({ address: t.address }, { MILVUS_TOKEN: t.rootToken });
}

/** A v1 grant in a database other than default: the SDK sends the database only as the selected one. */
async function grantIn(root: MilvusClient, db: string, grant: { roleName: string; object: RbacObjects; objectName: string; privilegeName: string }): Promise<void> {
  await root.use({ db_name: db });
  try {
    ok(await root.grantPrivilege(grant), `grant ${grant.privilegeName} in ${db}`);
  } finally {
    await root.use({ db_name: 'default' });
  }
}

/** What a team has built by hand over time, using whatever the server's version offers. */
async function buildByHand(t: Target): Promise<{ users: string[]; roles: string[]; groups: string[] }> {
  const root = await t.client();
  const [reader, writer, ops, app, etl, auditor, db, group] = ['reader', 'writer', 'ops', 'app', 'etl', 'auditor', 'db', 'grp'].map((s) => t.name(s)) as [
    string, string, string, string, string, string, string, string,
  ];
  ok(await root.createDatabase({ db_name: db }), 'create database');
  t.track('database', db);
  for (const user of [app, etl, auditor]) ok(await root.createUser({ username: user, password: PASSWORD }), `create user ${user}`);
  for (const role of [reader, writer, ops]) ok(await root.createRole({ roleName: role }), `create role ${role}`);
  for (const privilegeName of ['Search', 'Query', 'GetLoadState', 'Load']) {
    for (const objectName of ['books', 'films']) ok(await root.grantPrivilege({ roleName: reader, object: RbacObjects.Collection, objectName, privilegeName }), 'grant');
    await grantIn(root, db, { roleName: reader, object: RbacObjects.Collection, objectName: 'books', privilegeName });
  }
  for (const privilegeName of ['Insert', 'Delete', 'Upsert']) await grantIn(root, db, { roleName: writer, object: RbacObjects.Collection, objectName: '*', privilegeName });
  ok(await root.grantPrivilege({ roleName: ops, object: RbacObjects.Global, objectName: '*', privilegeName: 'CreateCollection' }), 'grant');
  ok(await root.grantPrivilege({ roleName: ops, object: RbacObjects.User, objectName: '*', privilegeName: 'SelectUser' }), 'grant');
  const groups: string[] = [];
  if (t.features.privilegeGroups) {
    ok(await root.createPrivilegeGroup({ group_name: group }), 'create group');
    ok(await root.addPrivilegesToGroup({ group_name: group, privileges: ['Query', 'Search'] }), 'fill group');
    groups.push(group);
    ok(await root.grantPrivilegeV2({ role: ops, privilege: group, db_name: db, collection_name: 'films' }), 'grant group');
    ok(await root.grantPrivilegeV2({ role: ops, privilege: 'DatabaseReadOnly', db_name: db, collection_name: '*' }), 'grant built-in group');
    ok(await root.grantPrivilegeV2({ role: ops, privilege: 'ClusterReadOnly', db_name: '*', collection_name: '*' }), 'grant built-in group');
  }
  ok(await root.addUserToRole({ username: app, roleName: reader }), 'bind');
  ok(await root.addUserToRole({ username: etl, roleName: writer }), 'bind');
  ok(await root.addUserToRole({ username: etl, roleName: reader }), 'bind');
  ok(await root.addUserToRole({ username: auditor, roleName: ops }), 'bind');
  return { users: [app, auditor, etl], roles: [ops, reader, writer], groups };
}

describe.each(PROFILES)('export of a hand-made instance, Milvus %s', (profile) => {
  it('validates, and plans to "No changes." against the same instance', async () => {
    const t = await openTarget(profile === 'real' ? {} : { milvusVersion: profile });
    try {
      const made = await buildByHand(t);
      const before = t.emulator?.engine.snapshot();
      const out = join(dir, `export-${profile}.yaml`);
      const exported = await runExport({ connection: connection(t), selection: { prefixes: [t.name('')] }, out });
      expect(exported.errors).toContain(`Exported 3 users, 3 roles, ${made.groups.length} privilege group`);
      expect(exported.exitCode).toBe(0);
      expect(t.emulator?.engine.snapshot()).toEqual(before);

      const text = readFileSync(out, 'utf8');
      expect(text).not.toContain(PASSWORD);
      const document = parse(text) as { users: Record<string, unknown>; roles: Record<string, unknown>; privilegeGroups?: Record<string, unknown> };
      expect(Object.keys(document.users).sort()).toEqual(made.users);
      expect(Object.keys(document.roles).sort()).toEqual(made.roles);
      expect(Object.keys(document.privilegeGroups ?? {}).sort()).toEqual(made.groups);

      const validated = await loadPolicy([out], { targetVersion: t.versionString });
      expect(validated.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      expect(validated.ok).toBe(true);

      const planned = await runPlan({ files: [out], connection: connection(t), detailedExitcode: true });
      expect(planned.errors).toBe('');
      expect(planned.output).toContain('No changes.');
      expect(planned.exitCode).toBe(0);
    } finally {
      await t.close();
    }
  });
});

describe.skipIf(ON_REAL)('rbac export on the emulator', () => {
  async function withTarget(run: (t: Target, options: RunExportOptions) => Promise<void>): Promise<void> {
    const t = await openTarget({ milvusVersion: '2.5' });
    try {
      await run(t, { connection: connection(t) });
    } finally {
      await t.close();
    }
  }

  it('adopts the whole instance by default, leaving out root, admin and an untouched public', async () => {
    await withTarget(async (t, options) => {
      const made = await buildByHand(t);
      const result = await runExport(options);
      expect(result.exitCode).toBe(0);
      const document = parse(result.output) as { users: Record<string, { password?: { env?: string } }>; roles: Record<string, unknown>; scope?: unknown };
      expect(Object.keys(document.users).sort()).toEqual(made.users);
      expect(Object.keys(document.roles).sort()).toEqual(made.roles);
      expect(document.scope).toBeUndefined();
      // Every user's password is an environment variable to fill in, never a value.
      for (const [name, user] of Object.entries(document.users)) expect(user.password?.env).toBe(`RBAC_PASSWORD_${name.toUpperCase()}`);

      const root = await t.client();
      ok(await root.grantPrivilege({ roleName: 'public', object: RbacObjects.Collection, objectName: 'books', privilegeName: 'Query' }), 'grant to public');
      const withPublic = parse((await runExport(options)).output) as { roles: Record<string, unknown> };
      expect(Object.keys(withPublic.roles)).toContain('public');
    });
  });

  it('names what a partial export leaves outside, and spells out its scope', async () => {
    await withTarget(async (t, options) => {
      const made = await buildByHand(t);
      const [app] = made.users as [string];
      const result = await runExport({ ...options, selection: { users: [app] } });
      expect(result.exitCode).toBe(0);
      expect(result.errors).toContain(`user "${app}" is bound to role "${t.name('reader')}", which is left outside the export`);
      const document = parse(result.output) as { scope: Record<string, { names: string[] }>; roles?: unknown };
      expect(document.scope.users?.names).toEqual([app]);
      expect(document.scope.roles?.names).toEqual([]);
      expect(document.roles).toBeUndefined();
      const file = join(dir, 'partial.yaml');
      writeFileSync(file, result.output);
      const planned = await runPlan({ files: [file], connection: options.connection, detailedExitcode: true });
      expect(planned.output).toContain('No changes.');
    });
  });

  it('grants a custom group the export leaves out in the form Milvus accepts for it', async () => {
    await withTarget(async (t, options) => {
      await buildByHand(t);
      const ops = t.name('ops');
      const result = await runExport({ ...options, selection: { roles: [ops] } });
      expect(result.errors).toContain(`role "${ops}" is granted privilege group "${t.name('grp')}", which is left outside the export`);
      expect(result.exitCode).toBe(0);
      const file = join(dir, 'external-group.yaml');
      writeFileSync(file, result.output);
      const planned = await runPlan({ files: [file], connection: options.connection, detailedExitcode: true });
      expect(planned.output).toContain('No changes.');
    });
  });

  it('refuses names that do not exist, and an existing --out without --force', async () => {
    await withTarget(async (t, options) => {
      const missing = await runExport({ ...options, selection: { roles: ['nosuchrole'] } });
      expect(missing.exitCode).toBe(1);
      expect(missing.errors).toContain('role "nosuchrole" does not exist');
      expect(missing.output).toBe('');

      const out = join(dir, `existing-${t.name('')}.yaml`);
      writeFileSync(out, 'keep me\n');
      const refused = await runExport({ ...options, out });
      expect(refused.exitCode).toBe(1);
      expect(refused.errors).toContain('--force');
      expect(readFileSync(out, 'utf8')).toBe('keep me\n');
      const forced = await runExport({ ...options, out, force: true });
      expect(forced.exitCode).toBe(0);
      expect(readFileSync(out, 'utf8')).toContain('version: 1');
    });
  });

  it('works from the command line, with flags and exit codes', async () => {
    await withTarget(async (t) => {
      await buildByHand(t);
      const out = join(dir, `cli-${t.name('')}.yaml`);
      process.env.EXPORT_TEST_TOKEN = 'root:Milvus';
      const run = await runCommand([registerExport], ['export', '--address', t.address, '--token-env', 'EXPORT_TEST_TOKEN', '--prefix', t.name(''), '-o', out]);
      expect(run.stderr).toContain('Exported 3 users');
      expect(run.exitCode).toBe(0);
      expect(existsSync(out)).toBe(true);
      expect(run.stdout).toBe('');
      const unreachable = await runCommand([registerExport], ['export', '--address', '127.0.0.1:1', '--token-env', 'EXPORT_TEST_TOKEN', '--timeout-ms', '1500']);
      expect(unreachable.exitCode).toBe(3);
      expect(unreachable.stderr).toContain('127.0.0.1:1');
      expect(unreachable.stderr).not.toContain('Milvus\n');
    });
  });
});
