import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { register as registerExplain } from '../../src/cli/commands/explain.js';
import { register as registerWhoCan } from '../../src/cli/commands/who-can.js';
import { startEmulator } from '../../src/emulator/index.js';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { explainUser, renderExplainText, renderWhoCanText, sourceFromLive, sourceFromPolicy, whoCanFor } from '../../src/explain/index.js';
import type { ExplainSource } from '../../src/explain/index.js';
import type { RbacState } from '../../src/model/types.js';
import { runCommand } from './run-command.js';

/** explain / who-can and common.security.rootShouldBindRole, from a policy and from a live server. */

const ROOT_BYPASS = 'root  (root user: bypasses privilege checks, as common.security.rootShouldBindRole is false)';
const NOTE = 'Note: common.security.rootShouldBindRole is true: root is checked like any user, through its roles and public (bound to admin it may do everything)';

function policyFile(settings: string, rootRoles: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'rbac-root-settings-'));
  const file = join(dir, 'policy.yaml');
  writeFileSync(
    file,
    `version: 1\ntarget:\n  minVersion: "2.5.4"\n${settings}roles:\n  reader:\n    grants:\n      - object: Collection\n        objectName: books\n        privileges: [Search]\nusers:\n  root:\n    roles: [${rootRoles}]\n`,
  );
  return file;
}

async function fromPolicy(file: string): Promise<ExplainSource> {
  const result = await sourceFromPolicy([file]);
  if (!result.ok) throw new Error(result.message);
  return result.source;
}

const users = (source: ExplainSource, privilege: string, collection?: string) =>
  whoCanFor(source, { privilege, ...(collection ? { collection } : {}) }).users.map((u) => `${u.user}:${u.because}`);

describe('from a policy', () => {
  it('by default root is allowed everything because it bypasses the checks, and says so', async () => {
    const source = await fromPolicy(policyFile('', 'reader'));
    expect(source.serverSettings).toBeUndefined();
    expect(users(source, 'DropDatabase')).toEqual(['root:root']);
    expect(renderWhoCanText(whoCanFor(source, { privilege: 'DropDatabase' }))).toContain(`\n  ${ROOT_BYPASS}\n`);
    const access = explainUser(source, 'root');
    expect(access.unconditional).toBe('root');
    expect(access.notes).toBeUndefined();
    expect(renderExplainText(access)).toContain('root is the root user: it bypasses every privilege check (common.security.rootShouldBindRole is false');
  });

  it('with rootShouldBindRole true, root holds what its roles give, and the answer says why', async () => {
    const source = await fromPolicy(policyFile('  settings:\n    rootShouldBindRole: true\n', 'reader'));
    expect(source.serverSettings).toEqual({ rootShouldBindRole: true });
    expect(users(source, 'DropDatabase')).toEqual([]);
    expect(users(source, 'Search', 'books')).toEqual(['root:grant']);
    expect(users(source, 'Search', 'films')).toEqual([]);
    expect(whoCanFor(source, { privilege: 'DropDatabase' }).notes).toEqual([NOTE]);
    const access = explainUser(source, 'root');
    expect(access.unconditional).toBeNull();
    expect(access.notes).toEqual([NOTE]);
    expect(access.entries.map((e) => `${e.role}:${e.privilege}:${e.objectName}`)).toContain('reader:Search:books');
    expect(renderExplainText(access)).not.toContain('bypasses');
  });

  it('with rootShouldBindRole true, root bound to admin is allowed through admin', async () => {
    const source = await fromPolicy(policyFile('  settings:\n    rootShouldBindRole: true\n', 'admin, reader'));
    expect(users(source, 'DropDatabase')).toEqual(['root:admin']);
    expect(renderWhoCanText(whoCanFor(source, { privilege: 'DropDatabase' }))).toContain('\n  root  (admin role: always allowed)\n');
    expect(renderExplainText(explainUser(source, 'root'))).toContain('root holds the admin role: every request is allowed without any grant.');
  });

  it('answers the same through the CLI', async () => {
    const file = policyFile('  settings:\n    rootShouldBindRole: true\n', 'reader');
    const run = await runCommand([registerWhoCan], ['who-can', 'DropDatabase', '-f', file, '--format', 'json']);
    expect(run.exitCode).toBe(0);
    const body = JSON.parse(run.stdout) as { users: { user: string }[]; notes: string[] };
    expect(body.users).toEqual([]);
    expect(body.notes).toEqual([NOTE]);
    const text = await runCommand([registerExplain], ['explain', 'user', 'root', '-f', policyFile('', '')]);
    expect(text.stdout).toContain('it bypasses every privilege check');
  });
});

describe('from a live Milvus (SDK against the emulator)', () => {
  const TOKEN_ENV = 'ROOT_SETTINGS_TEST_TOKEN';
  const SEED: RbacState = {
    users: [{ name: 'root', roles: ['reader'] }],
    roles: [{ name: 'reader', grants: [{ objectType: 'Collection', objectName: 'books', dbName: 'default', privilege: 'Search' }] }],
    privilegeGroups: [],
  };
  let emulator: RunningEmulator;
  beforeAll(async () => {
    process.env[TOKEN_ENV] = 'root:Milvus';
    emulator = await startEmulator({ port: 0, milvusVersion: '2.5', seed: { state: SEED } });
  });
  afterAll(async () => {
    delete process.env[TOKEN_ENV];
    await emulator.stop();
  });

  it('assumes Milvus\'s default (root bypasses the checks) when nothing is declared', async () => {
    const source = await sourceFromLive({ address: emulator.address, tokenEnv: TOKEN_ENV });
    expect(users(source, 'DropDatabase')).toEqual(['root:root']);
    const run = await runCommand([registerWhoCan], ['who-can', 'DropDatabase', '--live', '--address', emulator.address, '--token-env', TOKEN_ENV]);
    expect(run.stdout).toContain(ROOT_BYPASS);
  });

  it('judges root through its roles when the caller declares rootShouldBindRole', async () => {
    const source = await sourceFromLive({ address: emulator.address, tokenEnv: TOKEN_ENV }, { rootShouldBindRole: true });
    expect(users(source, 'DropDatabase')).toEqual([]);
    expect(users(source, 'Search', 'books')).toEqual(['root:grant']);
  });
});
