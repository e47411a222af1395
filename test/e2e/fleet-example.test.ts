import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { register as registerApply } from '../../src/cli/commands/apply.js';
import { register as registerPlan } from '../../src/cli/commands/plan.js';
import { CONFIG_SCHEMA } from '../../src/config/targets.js';
import { lintPolicy } from '../../src/lint/index.js';
import { loadPolicy } from '../../src/policy/index.js';
import { startEmulator } from '../../src/emulator/index.js';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { runCommand } from '../explain/run-command.js';
import { makeTestCertificates } from '../support/certificates.js';

/**
 * examples/fleet as shipped: dev, staging and production from one config, the production target
 * over two-way TLS as a non-root operator. The test copies the folder, points its three loopback
 * addresses at emulators, makes the certificates and secrets the example names, then plans,
 * compares production with staging, applies the fleet and plans again.
 */

const EXAMPLE = join(process.cwd(), 'examples', 'fleet');
const copy = mkdtempSync(join(tmpdir(), 'rbac-fleet-example-'));
let dev: RunningEmulator;
let staging: RunningEmulator;
let prod: RunningEmulator;
const secrets = mkdtempSync(join(tmpdir(), 'rbac-fleet-secrets-'));

beforeAll(async () => {
  const certs = makeTestCertificates();
  [dev, staging, prod] = await Promise.all([
    startEmulator({ milvusVersion: '2.6' }),
    startEmulator({ milvusVersion: '2.6' }),
    startEmulator({
      milvusVersion: '2.6',
      tls: { cert: certs.server.cert, key: certs.server.key, clientCa: certs.ca.cert },
      seed: { state: { users: [{ name: 'rbac_operator', roles: ['admin'] }], roles: [], privilegeGroups: [] }, passwords: { root: 'Milvus', rbac_operator: 'Operator-Secret-1' } },
    }),
  ]);
  cpSync(EXAMPLE, copy, { recursive: true });
  const configPath = join(copy, 'rbac.config.yaml');
  // The production policy reads service passwords from /run/secrets; here they live in a temporary folder.
  writeFileSync(configPath, readFileSync(configPath, 'utf8').replace('127.0.0.1:19541', dev.address).replace('127.0.0.1:19542', staging.address).replace('127.0.0.1:19543', prod.address));
  const prodPolicy = join(copy, 'policy', 'prod.yaml');
  writeFileSync(prodPolicy, readFileSync(prodPolicy, 'utf8').replaceAll('/run/secrets/', `${secrets}/`));
  for (const name of ['search-api-password', 'ingest-job-password', 'oncall-bob-password']) writeFileSync(join(secrets, name), `${name}-Value-1\n`);
  mkdirSync(join(copy, 'certs'));
  writeFileSync(join(copy, 'certs', 'ca.pem'), certs.ca.cert);
  writeFileSync(join(copy, 'certs', 'client.pem'), certs.client.cert);
  writeFileSync(join(copy, 'certs', 'client.key'), certs.client.key);
  mkdirSync(join(copy, 'secrets'));
  writeFileSync(join(copy, 'secrets', 'prod-operator-password'), 'Operator-Secret-1\n');
  Object.assign(process.env, {
    MILVUS_DEV_TOKEN: 'root:Milvus',
    MILVUS_STAGING_TOKEN: 'root:Milvus',
    DEV_ALICE_PASSWORD: 'Dev-Alice-1',
    DEV_SEARCH_API_PASSWORD: 'Dev-Search-1',
    STAGING_SEARCH_API_PASSWORD: 'Staging-Search-1',
    STAGING_INGEST_JOB_PASSWORD: 'Staging-Ingest-1',
  });
}, 60_000);

afterAll(async () => {
  await Promise.all([dev, staging, prod].map((e) => e?.stop()));
});

const rbac = (args: string[]) => runCommand([registerPlan, registerApply], args);
const config = (): string => join(copy, 'rbac.config.yaml');

describe('examples/fleet', () => {
  it('is a valid config by schema/config.schema.json, which is the schema in the sources', () => {
    const file = JSON.parse(readFileSync('schema/config.schema.json', 'utf8')) as Record<string, unknown>;
    const { $schema: _s, $id: _i, title: _t, ...body } = file;
    expect(body).toEqual(JSON.parse(JSON.stringify(CONFIG_SCHEMA)));
    const validate = new Ajv({ strict: false, allowUnionTypes: true }).compile(file);
    expect(validate(parse(readFileSync(join(EXAMPLE, 'rbac.config.yaml'), 'utf8')))).toBe(true);
  });

  it('gives each target a policy that loads and passes rbac lint', async () => {
    for (const target of ['dev', 'staging', 'prod']) {
      const loaded = await loadPolicy([join(EXAMPLE, 'policy', 'base.yaml'), join(EXAMPLE, 'policy', `${target}.yaml`)]);
      if (!loaded.ok) throw new Error(loaded.diagnostics.map((d) => d.message).join('\n'));
      expect([target, loaded.diagnostics, lintPolicy(loaded.desired)]).toEqual([target, [], []]);
    }
  });

  it('plans dev, staging and production (two-way TLS, a non-root operator) in one run', async () => {
    const run = await rbac(['plan', '--config', config(), '--all-targets']);
    expect(run.stdout).toMatch(/^dev +\S+ +2 +changes/m);
    expect(run.stdout).toMatch(/^staging +\S+ +2 +changes/m);
    expect(run.stdout).toMatch(/^prod +https:\/\/\S+ +2 +changes/m);
    expect(run.exitCode).toBe(2);
  });

  it('shows what production would get that staging does not have, applies in order, and then has nothing to do', async () => {
    const before = await rbac(['plan', '--config', config(), '--target', 'prod', '--compare-with', 'staging']);
    expect(before.stdout).toContain('not yet on staging:');
    expect(before.stdout).toMatch(/\+ role "app_reader"/);

    const applied = await rbac(['apply', '--config', config(), '--all-targets', '--auto-approve']);
    expect(applied.stderr).toBe('');
    expect(applied.stdout).toMatch(/^dev +0 +applied$/m);
    expect(applied.stdout).toMatch(/^prod +0 +applied$/m);
    expect(applied.exitCode).toBe(0);
    expect(prod.engine.snapshot().users.find((u) => u.name === 'oncall_bob')?.roles).toEqual(['oncall']);

    const after = await rbac(['plan', '--config', config(), '--target', 'prod', '--compare-with', 'staging']);
    expect(after.stdout).toContain('No changes.');
    expect(after.stdout).toContain('nothing to promote.');
    const again = await rbac(['plan', '--config', config(), '--all-targets', '--detailed-exitcode']);
    expect(again.exitCode).toBe(0);
  });
});
