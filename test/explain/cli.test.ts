import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { register as registerExplain } from '../../src/cli/commands/explain.js';
import { register as registerLint } from '../../src/cli/commands/lint.js';
import { register as registerWhoCan } from '../../src/cli/commands/who-can.js';
import { startEmulator } from '../../src/emulator/index.js';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { explainJson, explainUser, whoCanFor } from '../../src/explain/index.js';
import type { RbacState } from '../../src/model/types.js';
import { runCommand } from './run-command.js';

const ALL = [registerExplain, registerWhoCan, registerLint];
const GROUPS_POLICY = 'examples/privilege-groups.yaml';

interface PathJson {
  role: string;
  grant: { privilege: string };
  via: string[];
}
interface LineJson {
  dbName: string;
  objectType: string;
  objectName: string;
  privilege: string;
  paths: PathJson[];
}

describe('rbac explain / who-can / lint from a policy', () => {
  it('explains a user as JSON with the role, grant and group chain behind each privilege', async () => {
    const run = await runCommand(ALL, ['explain', 'user', 'recommender', '-f', GROUPS_POLICY, '--format', 'json']);
    expect(run.exitCode).toBe(0);
    const body = JSON.parse(run.stdout) as { roles: string[]; privileges: LineJson[] };
    expect(body.roles).toEqual(['ml_pipeline', 'ml_reader', 'public']);
    // The policy gives ml_reader the custom group vector_reader on collection items of db search.
    const search = body.privileges.find((l) => l.dbName === 'search' && l.objectName === 'items' && l.privilege === 'Search');
    expect(search?.paths).toEqual([
      { role: 'ml_reader', grant: { objectType: 'Global', objectName: 'items', dbName: 'search', privilege: 'vector_reader' }, via: ['vector_reader'] },
    ]);
    // ...and nothing on a collection it does not name there.
    expect(body.privileges.some((l) => l.dbName === 'search' && l.objectName === 'other' && l.privilege === 'Search')).toBe(false);
  });

  it('prints text grouped by database and object', async () => {
    const run = await runCommand(ALL, ['explain', 'user', 'search_service', '-f', GROUPS_POLICY]);
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(/^user search_service; roles: ml_reader, public$/m);
    expect(run.stdout).toMatch(/^database search$/m);
    expect(run.stdout).toMatch(/^ {4}Search {2}<- role ml_reader: grant vector_reader on Global items in db search \(via vector_reader\)$/m);
  });

  it('answers who-can with users and roles', async () => {
    const run = await runCommand(ALL, ['who-can', 'Search', '--collection', 'items', '--db', 'search', '-f', GROUPS_POLICY, '--format', 'json']);
    expect(run.exitCode).toBe(0);
    const body = JSON.parse(run.stdout) as { users: { user: string }[]; roles: { role: string }[] };
    expect(body.users.map((u) => u.user).sort()).toEqual(['recommender', 'root', 'search_lead', 'search_service']);
    expect(body.roles.map((r) => r.role).sort()).toEqual(['admin', 'ml_reader', 'search_owner']);
  });

  it('refuses bad input with a clear message and exit 1', async () => {
    const typo = await runCommand(ALL, ['who-can', 'search', '--collection', 'c', '-f', GROUPS_POLICY]);
    expect(typo.exitCode).toBe(1);
    expect(typo.stderr).toMatch(/unknown privilege "search"; did you mean Search\?/);
    const group = await runCommand(ALL, ['who-can', 'COLL_RO', '-f', GROUPS_POLICY]);
    expect(group.stderr).toMatch(/is a privilege group/);
    const wrongObject = await runCommand(ALL, ['who-can', 'UpdateUser', '--collection', 'c', '-f', GROUPS_POLICY]);
    expect(wrongObject.stderr).toMatch(/checked on users: use --object/);
    const nobody = await runCommand(ALL, ['explain', 'user', 'nobody', '-f', GROUPS_POLICY]);
    expect(nobody.exitCode).toBe(1);
    expect(nobody.stderr).toMatch(/no user "nobody"/);
    const noSource = await runCommand(ALL, ['explain', 'user', 'x']);
    expect(noSource.exitCode).toBe(1);
    expect(noSource.stderr).toMatch(/pass -f <policy.yaml> or --live/);
    const both = await runCommand(ALL, ['explain', 'user', 'x', '-f', GROUPS_POLICY, '--live']);
    expect(both.stderr).toMatch(/not both/);
    const badVersion = await runCommand(ALL, ['explain', 'user', 'x', '-f', GROUPS_POLICY, '--milvus-version', 'latest']);
    expect(badVersion.exitCode).toBe(1);
  });

  it('lints: exit 0 with findings, 1 with --strict, 1 for an invalid policy', async () => {
    const plain = await runCommand(ALL, ['lint', '-f', 'examples/split']);
    expect(plain.exitCode).toBe(0);
    expect(plain.stdout).toMatch(/^examples\/split\/20-ingest-team\.yaml:11:9: warning \[wider-than-written\] role docs_ingest/m);
    const strict = await runCommand(ALL, ['lint', '-f', 'examples/split', '--strict']);
    expect(strict.exitCode).toBe(1);
    const clean = await runCommand(ALL, ['lint', '-f', 'examples/small-team.yaml', '--strict', '--format', 'json']);
    expect(clean.exitCode).toBe(0);
    expect((JSON.parse(clean.stdout) as { findings: unknown[] }).findings).toEqual([]);
    const invalid = await runCommand(ALL, ['lint', '-f', 'no/such/policy.yaml']);
    expect(invalid.exitCode).toBe(1);
  });
});

describe('rbac explain / who-can --live against the emulator over the real SDK', () => {
  const TOKEN_ENV = 'EXPLAIN_TEST_TOKEN';
  const seed: RbacState = {
    users: [
      { name: 'ana', roles: ['reader'] },
      { name: 'ops', roles: ['admin'] },
    ],
    roles: [
      {
        name: 'reader',
        grants: [
          { objectType: 'Global', objectName: 'books', dbName: 'default', privilege: 'CollectionReadOnly' },
          { objectType: 'Collection', objectName: 'books', dbName: 'default', privilege: 'Load' },
        ],
      },
    ],
    privilegeGroups: [],
  };
  let emulator: RunningEmulator;

  beforeAll(async () => {
    emulator = await startEmulator({ port: 0, milvusVersion: '2.5', seed: { state: seed, passwords: { ana: 'ana-password' } } });
    process.env[TOKEN_ENV] = 'root:Milvus';
  });
  afterAll(async () => {
    delete process.env[TOKEN_ENV];
    await emulator.stop();
  });

  it('reads the live state and answers as the model does for the server state', async () => {
    const live = ['--live', '--address', emulator.address, '--token-env', TOKEN_ENV, '--format', 'json'];
    const source = { state: emulator.engine.snapshot(), version: emulator.engine.version, origin: 'emulator' };
    const run = await runCommand(ALL, ['explain', 'user', 'ana', ...live]);
    expect(run.exitCode).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual(JSON.parse(JSON.stringify(explainJson(explainUser(source, 'ana')))));
    expect(run.stdout + run.stderr).not.toContain('Milvus"');
    const who = await runCommand(ALL, ['who-can', 'GetLoadState', '--collection', 'books', ...live]);
    expect(who.exitCode).toBe(0);
    const body = JSON.parse(who.stdout) as { users: { user: string; because: string }[] };
    expect(body.users.map((u) => `${u.user}:${u.because}`).sort()).toEqual(
      whoCanFor(source, { privilege: 'GetLoadState', collection: 'books' }).users.map((u) => `${u.user}:${u.because}`).sort(),
    );
    expect(body.users.map((u) => u.user)).toEqual(expect.arrayContaining(['ana', 'ops', 'root']));
  });

  it('reports a refused login without printing the secret', async () => {
    process.env.EXPLAIN_BAD_TOKEN = 'root:wrong-secret-value';
    const run = await runCommand(ALL, ['explain', 'user', 'ana', '--live', '--address', emulator.address, '--token-env', 'EXPLAIN_BAD_TOKEN']);
    delete process.env.EXPLAIN_BAD_TOKEN;
    expect(run.exitCode).toBe(1);
    expect(run.stderr).not.toContain('wrong-secret-value');
    expect(run.stderr).toMatch(/Milvus at 127\.0\.0\.1:\d+ rejected the credentials/);
  });
});
