import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OUTPUT_SCHEMAS } from '../../src/schemas/outputs.js';
import { register as registerApply } from '../../src/cli/commands/apply.js';
import { register as registerTest } from '../../src/cli/commands/test.js';
import { startEmulator } from '../../src/emulator/index.js';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { runCommand } from '../explain/run-command.js';

/** `rbac test`: assertions beside the policy, offline against it and against the live emulator. */

const dir = mkdtempSync(join(tmpdir(), 'rbac-policy-tests-'));
const policy = join(dir, 'policy.yaml');
const tests = join(dir, 'access.test.yaml');
let emulator: RunningEmulator;

const POLICY = `version: 1
databases: [sales, hr]
roles:
  ops:
    grants:
      - object: Global
        privileges: [DropCollection]
        database: sales
  reader:
    grants:
      - privileges: [Search, Query]
        database: sales
        collections: [orders]
  ingest:
    grants:
      - privileges: [Insert]
        collections: [docs]
users:
  alice:
    roles: [reader]
  bob:
    roles: [ops]
  ingest_job:
    roles: [ingest]
`;

const PASSING = [
  '    - user: alice',
  '      can: Search',
  '      on: { database: sales, collection: orders }',
  '    - nobody: true',
  '      except: [ops, root]',
  '      can: DropCollection',
  '      on: { database: sales }',
  '    - user: ingest_job',
  '      cannot: any',
  '      on: { database: hr }',
];

beforeAll(async () => {
  writeFileSync(policy, POLICY);
  emulator = await startEmulator({ milvusVersion: '2.5' });
  process.env.POLICY_TESTS_TOKEN = 'root:Milvus';
  for (const user of ['ALICE', 'BOB', 'INGEST_JOB']) process.env[`PT_${user}`] = 'Pt-password-1';
  const withPasswords = POLICY.replace(/roles: \[(reader|ops|ingest)\]/g, (m, r: string) => `${m}\n    password: { env: PT_${{ reader: 'ALICE', ops: 'BOB', ingest: 'INGEST_JOB' }[r] ?? ''} }`);
  const live = join(dir, 'live.yaml');
  writeFileSync(live, withPasswords);
  const applied = await runCommand([registerApply], ['apply', '-f', live, '--address', emulator.address, '--token-env', 'POLICY_TESTS_TOKEN', '--auto-approve']);
  expect(applied.exitCode).toBe(0);
});

afterAll(async () => {
  await emulator.stop();
});

const rbac = (args: string[]) => runCommand([registerTest], args);

describe('rbac test', () => {
  it('passes what the policy allows and forbids offline; live, it finds what public holds there', async () => {
    writeFileSync(tests, ['version: 1', 'tests:', ...PASSING, ''].join('\n'));
    const offline = await rbac(['test', tests, '-f', policy]);
    expect(offline.stdout).toContain('ok    alice can Search on sales.orders');
    expect(offline.stdout).toContain('ok    nobody but ops, root can DropCollection on database sales');
    expect(offline.stdout).toContain('3 passed, 0 failed');
    expect(offline.exitCode).toBe(0);
    // Live, public holds what every Milvus gives it (DescribeCollection… on every database), which
    // the policy does not show: the live check catches what the offline one cannot.
    const live = await rbac(['test', tests, '--live', '--address', emulator.address, '--token-env', 'POLICY_TESTS_TOKEN']);
    expect(live.stdout).toContain('ingest_job can DescribeCollection on database hr (role public: DescribeCollection on Global *.*)');
    expect(live.stdout).toMatch(/2 passed, 1 failed \(against Milvus v2\.5\.4 at /);
    expect(live.exitCode).toBe(1);
  });

  it('fails an assertion the policy breaks, at its line in the test file, and says why', async () => {
    writeFileSync(
      tests,
      ['version: 1', 'tests:', ...PASSING, '    - name: alice may not write orders', '      user: alice', '      cannot: [Insert, Query]', '      on: { database: sales, collection: orders }', '    - nobody: true', '      can: DropCollection', '      on: { database: sales }', ''].join('\n'),
    );
    const run = await rbac(['test', tests, '-f', policy]);
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain(`FAIL  ${tests}:13:7: alice may not write orders\n        alice can Query on collection sales.orders (role reader: Query on Collection sales.orders)`);
    expect(run.stdout).toMatch(/FAIL {2}.*:17:7: nobody can DropCollection on database sales\n {8}root can DropCollection on database sales \(as root\)\n {8}bob can DropCollection/);
    expect(run.stdout).toContain('3 passed, 2 failed');
    const json = JSON.parse((await rbac(['test', tests, '-f', policy, '--format', 'json'])).stdout) as { passed: number; failed: number; tests: { line: number; passed: boolean }[] };
    const validate = new Ajv({ strict: true, allowUnionTypes: true }).compile(OUTPUT_SCHEMAS.test ?? {});
    expect(validate(json) ? [] : validate.errors).toEqual([]);
    expect([json.passed, json.failed, json.tests.filter((t) => !t.passed).map((t) => t.line)]).toEqual([3, 2, [13, 17]]);
  });

  it('checks every database when none is named, and fails an assertion naming what does not exist', async () => {
    writeFileSync(
      tests,
      ['version: 1', 'tests:', '    - nobody: true', '      except: [root]', '      can: DropCollection', '    - user: ingest_job', '      cannot: Serach', '    - user: ingest-job', '      cannot: Insert', ''].join('\n'),
    );
    const run = await rbac(['test', tests, '-f', policy]);
    expect(run.stdout).toContain('bob can DropCollection on database sales');
    expect(run.stdout).toContain('no privilege Serach in Milvus (a typo?)');
    expect(run.stdout).toContain('no user ingest-job in this state');
    expect(run.stdout).toContain('0 passed, 3 failed');
  });

  it('refuses a malformed test file with the place', async () => {
    writeFileSync(tests, 'version: 1\ntests:\n  - user: alice\n    nobody: true\n    can: Search\n');
    const run = await rbac(['test', tests, '-f', policy]);
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain(`${tests}:3:5: /tests/0 must match exactly one schema in oneOf`);
  });
});
