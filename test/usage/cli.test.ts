import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { register as registerLint } from '../../src/cli/commands/lint.js';
import { register as registerUsage } from '../../src/cli/commands/usage.js';
import { startEmulator } from '../../src/emulator/index.js';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { loadPolicy } from '../../src/policy/index.js';
import type { UsageReport } from '../../src/usage/report.js';
import { runCommand } from '../explain/run-command.js';

/**
 * rbac usage and rbac suggest through the CLI, against a policy and against the live emulator,
 * on a log in the 2.5 defaults (Milvus's configs/milvus.yaml, 2.5.14+).
 */

const dir = mkdtempSync(join(tmpdir(), 'rbac-usage-'));
const policy = join(dir, 'policy.yaml');
const log = join(dir, 'access.log');
let emulator: RunningEmulator;

const P = (user: string, method: string, status: string, msg = '', minute = 0) =>
  `[2026/12/01 10:${String(minute).padStart(2, '0')}:00.000 +00:00] [ACCESS] <${user}: tcp-127.0.0.1:5000> ${method} [status: ${status}] [code: ${status === 'Successful' ? 0 : 65535}] [sdk: Python-2.5.4] [msg: ${msg}] [traceID: 0] [timeCost: 1ms]`;
const D = '[database: default] [collection: docs] [partitions: []]';
const deny = (privilege: string, user: string) => `rpc error: code = PermissionDenied desc = Privilege${privilege}: permission deny to ${user} in the \`default\` database`;

const LINES = [
  `${P('alice', 'Search', 'Successful', '', 1)} ${D} [expr: ] [nq: 1] [params: []]`,
  `${P('alice', 'Search', 'Successful', '', 2)} ${D} [expr: ] [nq: 1] [params: []]`,
  `${P('alice', 'Query', 'Successful', '', 3)} ${D} [expr: id > 0] [params: []]`,
  P('alice', 'Insert', 'GrpcPermissionDenied', deny('Insert', 'alice'), 4),
  P('bob', 'Insert', 'Successful', '', 5),
  P('bob', 'Insert', 'Successful', '', 6),
  P('bob', 'Insert', 'Successful', '', 7),
  P('root', 'CreateCollection', 'Successful', '', 0),
  P('bob', 'FutureCall', 'Successful', '', 8),
  '[2026/12/01 10:09:00.000 +00:00] [INFO] [proxy/impl.go:10] ["not an access line"]',
];

beforeAll(async () => {
  writeFileSync(
    policy,
    'version: 1\nroles:\n  reader:\n    grants:\n      - privileges: [Search, Query, Delete]\n        collections: [docs]\n  writer:\n    grants:\n      - privileges: [Insert]\n        collections: [docs]\nusers:\n  alice:\n    roles: [reader]\n  bob:\n    roles: [writer]\n',
  );
  writeFileSync(log, `${LINES.join('\n')}\n`);
  emulator = await startEmulator({
    milvusVersion: '2.5',
    seed: {
      state: {
        users: [{ name: 'alice', roles: ['reader'] }, { name: 'bob', roles: ['writer'] }],
        roles: [
          { name: 'reader', grants: ['Search', 'Query', 'Delete'].map((privilege) => ({ objectType: 'Collection' as const, objectName: 'docs', dbName: 'default', privilege })) },
          { name: 'writer', grants: [{ objectType: 'Collection', objectName: 'docs', dbName: 'default', privilege: 'Insert' }] },
        ],
        privilegeGroups: [],
      },
      passwords: { root: 'Milvus' },
    },
  });
  process.env.USAGE_TOKEN = 'root:Milvus';
});

afterAll(async () => {
  await emulator.stop();
});

const rbac = (args: string[]) => runCommand([registerUsage], args);

function check(report: UsageReport): void {
  const alice = report.users.find((u) => u.name === 'alice');
  expect(alice?.used.map((c) => `${c.privilege}:${c.seen.count}:${c.via && typeof c.via === 'object' ? c.via.role : String(c.via)}`).sort()).toEqual(['Query:1:reader', 'Search:2:reader']);
  expect(alice?.denied.map((d) => `${d.privilege}@${d.database}`)).toEqual(['Insert@default']);
  const bob = report.users.find((u) => u.name === 'bob');
  expect(bob?.used[0]).toMatchObject({ privilege: 'Insert', seen: { count: 3, last: '2026-12-01T10:07:00.000Z' }, via: { role: 'writer', collectionGuessed: true } });
  expect(report.roles.find((r) => r.name === 'reader')?.unused.map((g) => g.privilege)).toEqual(['Delete']);
  expect(report.unknownMethods).toEqual({ FutureCall: 1 });
  expect(report.lines).toEqual({ read: 10, access: 9, unchecked: 0 });
}

describe('rbac usage', () => {
  it('against a policy: grants used with counts and last use, unused grants, denials; JSON as schema/output-usage.schema.json says', async () => {
    const run = await rbac(['usage', log, '-f', policy, '--milvus-version', '2.5.4', '--format', 'json']);
    expect(run.exitCode).toBe(0);
    const body = JSON.parse(run.stdout) as UsageReport;
    check(body);
    const validate = new Ajv({ strict: true, allowUnionTypes: true }).compile(JSON.parse(readFileSync('schema/output-usage.schema.json', 'utf8')) as object);
    expect(validate(body) ? [] : validate.errors).toEqual([]);
  });

  it('against the live instance, the same', async () => {
    const run = await rbac(['usage', log, '--live', '--address', emulator.address, '--token-env', 'USAGE_TOKEN', '--format', 'json']);
    expect(run.stderr).toBe('');
    check(JSON.parse(run.stdout) as UsageReport);
  });

  it('as text and as Markdown for a pull request', async () => {
    const text = (await rbac(['usage', log, '-f', policy])).stdout;
    expect(text).toContain('DENIED  Insert on a collection (the log does not say which; database default): 1 denied (Insert)');
    expect(text).toContain('unused  grant Delete on collection default.docs');
    const md = (await rbac(['usage', log, '-f', policy, '--format', 'markdown'])).stdout;
    expect(md).toContain('#### Grants never used in this window');
    expect(md).toContain('| alice | 3 | 1 |');
  });

  it('counts only the window asked for (--since, --until), and names a time it cannot read', async () => {
    const run = await rbac(['usage', log, '-f', policy, '--since', '2026-12-01T10:05:00Z', '--until', '2026-12-01T10:07:00Z', '--format', 'json']);
    const report = JSON.parse(run.stdout) as UsageReport;
    expect(report.users.map((u) => `${u.name}:${u.used.reduce((n, c) => n + c.seen.count, 0)}`)).toEqual(['bob:2']);
    expect(report.window).toMatchObject({ first: '2026-12-01T10:05:00.000Z', last: '2026-12-01T10:06:00.000Z' });
    const bad = await rbac(['usage', log, '-f', policy, '--since', 'last tuesday']);
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toContain('"last tuesday" is not a time');
  });

  it('says so when no line is an access-log line', async () => {
    const other = join(dir, 'other.log');
    writeFileSync(other, 'hello\n');
    const run = await rbac(['usage', other, '-f', policy]);
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain('no access-log line in 1 lines read');
  });

  it('reads standard input (the built CLI)', (ctx) => {
    if (!existsSync('dist/cli/main.js')) return ctx.skip('dist/ is not built (npm test builds it first)');
    const run = spawnSync(process.execPath, ['bin/rbac.js', 'usage', '-', '-f', policy, '--format', 'json'], { input: readFileSync(log), encoding: 'utf8' });
    expect(run.status).toBe(0);
    check(JSON.parse(run.stdout) as UsageReport);
  });
});

describe('rbac suggest', () => {
  it('writes a valid least-privilege policy with its evidence, and lists the grants never used', async () => {
    const out = join(dir, 'least.yaml');
    const run = await rbac(['suggest', log, '-f', policy, '--milvus-version', '2.5.4', '-o', out]);
    expect(run.exitCode).toBe(0);
    expect(run.stderr).toContain('Suggested 2 roles with 3 grants. 1 grant was never used in this window:\n  reader: grant Delete on collection default.docs');
    const text = readFileSync(out, 'utf8');
    expect(text).toContain('#   least_alice: Search on default.docs: 2 calls (Search), last 2026-12-01T10:02:00Z');
    expect(text).toContain('(the log names no collection: every collection of the database)');
    const loaded = await loadPolicy([out]);
    if (!loaded.ok) throw new Error(loaded.diagnostics.map((d) => d.message).join('\n'));
    const grants = (role: string) => loaded.desired.state.roles.find((r) => r.name === role)?.grants.map((g) => `${g.privilege}@${g.objectName}`).sort();
    expect(grants('least_alice')).toEqual(['Query@docs', 'Search@docs']);
    expect(grants('least_bob')).toEqual(['Insert@*']);
  });

  it('with --include-denied, also what was denied', async () => {
    const run = await rbac(['suggest', log, '-f', policy, '--include-denied']);
    expect(run.stdout).toContain('least_alice: Insert on default.*: 1 call (Insert), last 2026-12-01T10:04:00Z, denied in the log');
  });
});

describe('rbac lint --usage', () => {
  it('flags the grants the access log never saw used, at their place in the policy', async () => {
    const report = join(dir, 'usage.json');
    writeFileSync(report, (await rbac(['usage', log, '-f', policy, '--format', 'json'])).stdout);
    const run = await runCommand([registerLint], ['lint', '-f', policy, '--usage', report, '--strict']);
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toMatch(/policy\.yaml:5:9: warning \[unused-grant\] role reader: grant Delete on Collection docs in db default: was never used in the access log from 2026-12-01T10:00:00\.000Z to 2026-12-01T10:08:00\.000Z \(9 calls\)/);
    const without = await runCommand([registerLint], ['lint', '-f', policy]);
    expect(without.stdout).not.toContain('unused-grant');
  });

  it('refuses a file that is not a usage report', async () => {
    const run = await runCommand([registerLint], ['lint', '-f', policy, '--usage', policy]);
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain('--usage');
  });
});

describe('calls the log does not place', () => {
  const where = join(dir, 'where.yaml');
  const whereLog = join(dir, 'where.log');
  beforeAll(() => {
    writeFileSync(
      where,
      'version: 1\ndatabases: [sales]\nroles:\n  seller:\n    grants:\n      - object: Collection\n        objectNames: [orders]\n        database: sales\n        privileges: [Insert]\n  loader:\n    grants:\n      - object: Collection\n        objectNames: [a, b]\n        privileges: [Insert]\nusers:\n  carol:\n    roles: [seller]\n  dave:\n    roles: [loader]\n  erin:\n    roles: []\n',
    );
    writeFileSync(
      whereLog,
      [
        P('carol', 'Insert', 'Successful', '', 1),
        P('dave', 'Insert', 'Successful', '', 2),
        P('erin', 'SelectUser', 'Successful', '', 3),
        P('erin', '/v2/vectordb/entities/truncate', 'GrpcPermissionDenied', deny('Insert', 'erin'), 4),
        '',
      ].join('\n'),
    );
  });

  it('finds the database and the collection among the user\'s grants, and never calls a possible one unused', async () => {
    const report = JSON.parse((await rbac(['usage', whereLog, '-f', where, '--format', 'json'])).stdout) as UsageReport;
    const carol = report.users.find((u) => u.name === 'carol')?.used[0];
    expect(carol?.via).toMatchObject({ role: 'seller', grant: { dbName: 'sales', objectName: 'orders' }, collectionGuessed: true });
    // dave's Insert may have gone to a or to b: neither is reported unused.
    expect(report.roles.find((r) => r.name === 'loader')?.unused).toEqual([]);
    // erin read her own account: Milvus lets every user.
    expect(report.users.find((u) => u.name === 'erin')?.used[0]?.via).toBe('self');
    // A denied call of a method the tool does not know keeps the privilege's own object type.
    expect(report.users.find((u) => u.name === 'erin')?.denied[0]).toMatchObject({ privilege: 'Insert', objectType: 'Collection' });
  });

  it('suggests the grant in the database the call was let through, and nothing for the own account', async () => {
    const run = await rbac(['suggest', whereLog, '-f', where]);
    const loaded = await loadPolicy([(() => {
      const out = join(dir, 'where-least.yaml');
      writeFileSync(out, run.stdout);
      return out;
    })()]);
    if (!loaded.ok) throw new Error(loaded.diagnostics.map((d) => d.message).join('\n'));
    expect(loaded.desired.state.roles.find((r) => r.name === 'least_carol')?.grants).toEqual([{ objectType: 'Collection', objectName: '*', dbName: 'sales', privilege: 'Insert' }]);
    expect(loaded.desired.state.roles.map((r) => r.name)).not.toContain('least_erin');
    // With -f and no --milvus-version the version is unknown: none is written.
    expect(run.stdout).not.toContain('minVersion');
  });
});
