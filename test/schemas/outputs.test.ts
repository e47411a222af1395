import { readFileSync, writeFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { register as registerApply } from '../../src/cli/commands/apply.js';
import { register as registerDrift } from '../../src/cli/commands/drift.js';
import { register as registerExplain } from '../../src/cli/commands/explain.js';
import { register as registerLint } from '../../src/cli/commands/lint.js';
import { register as registerPlan } from '../../src/cli/commands/plan.js';
import { register as registerShow } from '../../src/cli/commands/show.js';
import { register as registerValidate } from '../../src/cli/commands/validate.js';
import { register as registerWhoCan } from '../../src/cli/commands/who-can.js';
import { startEmulator } from '../../src/emulator/index.js';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { OUTPUT_SCHEMAS } from '../../src/schemas/outputs.js';
import { tempPath, writePolicy } from '../apply/helpers.js';
import { runCommand } from '../explain/run-command.js';
import { closedLoopbackAddress } from '../support/ports.js';

/** Every --format json output has a schema in schema/, and the tool's real outputs validate against it. */

const COMMANDS = [registerPlan, registerShow, registerApply, registerDrift, registerValidate, registerLint, registerExplain, registerWhoCan];
const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
const validators = Object.fromEntries(Object.entries(OUTPUT_SCHEMAS).map(([name, schema]) => [name, ajv.compile(schema)]));

function expectValid(name: string, stdout: string): Record<string, unknown> {
  const body = JSON.parse(stdout) as Record<string, unknown>;
  const validate = validators[name];
  if (!validate) throw new Error(`no schema ${name}`);
  expect(validate(body) ? [] : validate.errors, `${name}: ${stdout.slice(0, 200)}`).toEqual([]);
  return body;
}

let emulator: RunningEmulator;
let closed: string;
const policy = writePolicy('version: 1\nroles:\n  unused:\n  reader:\n    grants:\n      - privileges: [Search]\n        collections: [books]\nusers:\n  app:\n    roles: [reader]\n    password: { env: SCHEMA_APP_PW }\n');

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, milvusVersion: '2.5' });
  closed = await closedLoopbackAddress();
  process.env.SCHEMA_TOKEN = 'root:Milvus';
  process.env.SCHEMA_APP_PW = 'app-Secret-1';
});
afterAll(async () => {
  delete process.env.SCHEMA_TOKEN;
  delete process.env.SCHEMA_APP_PW;
  await emulator.stop();
});

const rbac = (args: string[]) => runCommand(COMMANDS, args);
const live = () => ['--address', emulator.address, '--token-env', 'SCHEMA_TOKEN'];

describe('schema/output-*.schema.json', () => {
  it.each(Object.keys(OUTPUT_SCHEMAS))('%s is the schema in the sources (regenerate: npx tsx src/schemas/write-outputs.ts)', (name) => {
    expect(JSON.parse(readFileSync(`schema/output-${name}.schema.json`, 'utf8'))).toEqual(OUTPUT_SCHEMAS[name]);
  });

  it('validate, lint, explain and who-can outputs validate', async () => {
    expect(expectValid('validate', (await rbac(['validate', '-f', policy, '--format', 'json'])).stdout).formatVersion).toBe(1);
    const invalid = writePolicy('version: 1\nroles:\n  r:\n    grants:\n      - privileges: [Serch]\n        collections: [c]\n');
    expect(expectValid('validate', (await rbac(['validate', '-f', invalid, '--format', 'json'])).stdout).valid).toBe(false);
    expect((expectValid('lint', (await rbac(['lint', '-f', policy, '--format', 'json'])).stdout).findings as unknown[]).length).toBeGreaterThan(0);
    expectValid('explain', (await rbac(['explain', 'user', 'app', '-f', policy, '--format', 'json'])).stdout);
    expectValid('who-can', (await rbac(['who-can', 'Search', '--collection', 'books', '-f', policy, '--format', 'json'])).stdout);
  });

  it('plan, show, apply and drift outputs validate, and so do their errors', async () => {
    const planFile = tempPath('plan.json');
    expectValid('plan', (await rbac(['plan', '-f', policy, ...live(), '--format', 'json', '--out', planFile])).stdout);
    expectValid('plan', (await rbac(['show', planFile, '--format', 'json'])).stdout);
    expect(expectValid('drift', (await rbac(['drift', '-f', policy, ...live(), '--format', 'json'])).stdout).inSync).toBe(false);
    expect(expectValid('apply', (await rbac(['apply', '-f', policy, ...live(), '--format', 'json', '--auto-approve'])).stdout).status).toBe('applied');
    expect(expectValid('drift', (await rbac(['drift', '-f', policy, ...live(), '--format', 'json'])).stdout).inSync).toBe(true);
    const down = ['--address', closed, '--token-env', 'SCHEMA_TOKEN', '--format', 'json'];
    expect(expectValid('apply', (await rbac(['apply', '-f', policy, ...down])).stdout).errorKind).toBe('connection');
    for (const command of ['plan', 'drift']) expectValid('error', (await rbac([command, '-f', policy, ...down])).stdout);
    expectValid('error', (await rbac(['show', tempPath('missing.json'), '--format', 'json'])).stdout);
  });

  it('fleet outputs and a promotion check validate', async () => {
    const config = tempPath('rbac.config.yaml');
    writeFileSync(
      config,
      ['version: 1', `policies: [${policy}]`, 'targets:', '  one:', `    address: ${emulator.address}`, '    token: { env: SCHEMA_TOKEN }', '  two:', `    address: ${emulator.address}`, '    token: { env: SCHEMA_TOKEN }', '  down:', `    address: ${closed}`, '    token: { env: SCHEMA_TOKEN }', ''].join('\n'),
    );
    for (const command of ['plan', 'drift']) expect(expectValid('fleet', (await rbac([command, '--config', config, '--all-targets', '--format', 'json'])).stdout).command).toBe(command);
    expect(expectValid('fleet', (await rbac(['apply', '--config', config, '--all-targets', '--format', 'json', '--auto-approve'])).stdout).notAttempted).toEqual([]);
    const promotion = expectValid('plan', (await rbac(['plan', '--config', config, '--target', 'one', '--compare-with', 'two', '--format', 'json'])).stdout);
    expect(promotion.promotion).toMatchObject({ from: { name: 'two' } });
  });
});
