import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RbacObjects } from '@zilliz/milvus2-sdk-node';
import { afterAll, describe, expect, it } from 'vitest';
import { runApply } from '../../src/apply/run.js';
import { connectionOptionsFromEnv } from '../../src/milvus/connection-settings.js';
import { runDrift } from '../../src/drift/run.js';
import { runPlan } from '../../src/pipeline/run-plan.js';
import { useTarget } from '../conformance/target.js';

/**
 * The whole GitOps loop (plan → apply → no changes → drift by hand → `rbac drift` and plan show exactly the fix →
 * apply converges → objects removed from the policy are dropped) against the conformance target:
 * the emulator, or a real Milvus when MILVUS_ADDRESS is set (`npm run test:real`). It uses only
 * what Milvus 2.3 has: users, roles, bindings and v1 grants across two databases. Every name
 * carries the target's unique prefix, and the policy's scope is that prefix, so nothing else on a
 * shared server is touched.
 */
const target = useTarget();
const dir = mkdtempSync(join(tmpdir(), 'rbac-lifecycle-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PASSWORDS = { LIFECYCLE_APP_PW: 'app-Secret-123', LIFECYCLE_ETL_PW: 'etl-Secret-456' };

function policyFile(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

function connection() {
  const t = target();
  return connectionOptionsFromEnv({ address: t.address }, { MILVUS_TOKEN: t.rootToken });
}

async function plan(file: string) {
  return runPlan({ files: [file], connection: connection(), detailedExitcode: true, format: 'json' });
}

async function drift(file: string) {
  return runDrift({ files: [file], connection: connection() });
}

async function apply(file: string) {
  return runApply({ connection: connection(), source: { policyFiles: [file] }, autoApprove: true, env: PASSWORDS, format: 'json' });
}

function stepIds(output: string): string[] {
  const parsed = JSON.parse(output) as { steps: { id: string }[] };
  return parsed.steps.map((s) => s.id).sort();
}

describe('plan and apply end to end against the target', () => {
  it('reports which server it runs against', () => {
    const t = target();
    process.stdout.write(`end-to-end target: ${t.kind === 'real' ? 'real Milvus' : 'emulator'} ${t.versionString} at ${t.address}\n`);
    expect(t.versionString).toMatch(/^v?\d+\.\d+/);
  });

  it('creates, converges, repairs drift and drops what the policy no longer names', async () => {
    const t = target();
    const p = t.name('');
    const [reader, writer, app, etl, db] = ['reader', 'writer', 'app', 'etl', 'db'].map((s) => t.name(s)) as [string, string, string, string, string];
    const root = await t.client();
    expect((await root.createDatabase({ db_name: db })).error_code).toBe('Success');
    t.track('database', db);

    const full = policyFile(
      'full.yaml',
      `version: 1
scope:
  users: { prefixes: [${p}] }
  roles: { prefixes: [${p}] }
roles:
  ${reader}:
    grants:
      - object: Collection
        objectNames: [books, films]
        privileges: [Search, Query]
  ${writer}:
    grants:
      - object: Collection
        objectName: "*"
        database: ${db}
        privileges: [Insert, Delete]
      - object: Global
        database: ${db}
        privileges: [CreateCollection]
users:
  ${app}:
    roles: [${reader}]
    password: { env: LIFECYCLE_APP_PW }
  ${etl}:
    roles: [${reader}, ${writer}]
    password: { env: LIFECYCLE_ETL_PW }
`,
    );

    const first = await plan(full);
    expect(first.exitCode).toBe(2);
    expect(stepIds(first.output)).toHaveLength(2 + 7 + 2 + 3);

    const applied = await apply(full);
    expect(applied.result.status).toBe('applied');
    expect(applied.exitCode).toBe(0);

    const again = await plan(full);
    expect(again.exitCode).toBe(0);
    expect(stepIds(again.output)).toEqual([]);
    expect((await drift(full)).exitCode).toBe(0);

    // Drift made by hand: an extra grant in the second database and a lost binding.
    const inDb = await t.client({ user: 'root', password: t.rootToken.split(':')[1] ?? '', database: db });
    expect((await inDb.grantPrivilege({ roleName: writer, object: RbacObjects.Collection, objectName: 'logs', privilegeName: 'Query' })).error_code).toBe('Success');
    expect((await root.removeUserFromRole({ username: app, roleName: reader })).error_code).toBe('Success');

    const checked = await drift(full);
    expect(checked.exitCode).toBe(2);
    expect(checked.report?.objects.map((o) => `${o.kind} ${o.name}`).sort()).toEqual([`role ${writer}`, `user ${app}`]);
    const drifted = await plan(full);
    expect(drifted.exitCode).toBe(2);
    const ids = stepIds(drifted.output);
    expect(ids).toHaveLength(2);
    expect(ids.some((id) => id.startsWith('bindRole:') && id.includes(app) && id.includes(reader))).toBe(true);
    expect(ids.some((id) => id.startsWith('revoke:') && id.includes(writer) && id.includes('logs') && id.includes('Query'))).toBe(true);

    expect((await apply(full)).result.status).toBe('applied');
    expect((await plan(full)).exitCode).toBe(0);
    expect((await drift(full)).exitCode).toBe(0);

    // The writer role and the etl user leave the policy: inside the scope, so they are dropped,
    // the role's grants in both databases revoked first.
    const smaller = policyFile(
      'smaller.yaml',
      `version: 1
scope:
  users: { prefixes: [${p}] }
  roles: { prefixes: [${p}] }
roles:
  ${reader}:
    grants:
      - object: Collection
        objectNames: [books, films]
        privileges: [Search, Query]
users:
  ${app}:
    roles: [${reader}]
    password: { env: LIFECYCLE_APP_PW }
`,
    );
    const shrink = await plan(smaller);
    expect(shrink.exitCode).toBe(2);
    expect(stepIds(shrink.output).filter((id) => id.startsWith('drop'))).toEqual([`dropRole:${writer}`, `dropUser:${etl}`]);
    expect((await apply(smaller)).result.status).toBe('applied');
    expect((await plan(smaller)).exitCode).toBe(0);
    const roles = await root.listRoles();
    expect(roles.results.map((r) => r.role.name)).not.toContain(writer);
  });

  it('refuses a saved plan once the instance changed, and applies a fresh one', async () => {
    const t = target();
    const p = t.name('');
    const role = t.name('auditor');
    const file = policyFile(
      'saved.yaml',
      `version: 1
scope:
  roles: { prefixes: [${p}] }
roles:
  ${role}:
    grants:
      - object: Global
        privileges: [ShowCollections]
`,
    );
    const out = join(dir, 'saved-plan.json');
    const planned = await runPlan({ files: [file], connection: connection(), out });
    expect(planned.exitCode).toBe(0);
    const root = await t.client();
    expect((await root.createRole({ roleName: t.name('intruder') })).error_code).toBe('Success');

    const refused = await runApply({ connection: connection(), source: { planFile: out }, env: PASSWORDS, format: 'json' });
    expect(refused.exitCode).toBe(5);
    expect(refused.result.status).toBe('refused');
    expect((await root.listRoles()).results.map((r) => r.role.name)).not.toContain(role);

    expect((await runPlan({ files: [file], connection: connection(), out })).exitCode).toBe(0);
    const applied = await runApply({ connection: connection(), source: { planFile: out }, env: PASSWORDS, format: 'json' });
    expect(applied.result.status).toBe('applied');
  });
});
