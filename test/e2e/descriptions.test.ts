import { afterEach, describe, expect, it } from 'vitest';
import { runApply } from '../../src/apply/run.js';
import { runDrift } from '../../src/drift/run.js';
import { runExport } from '../../src/export/run.js';
import { connectionOptionsFromEnv } from '../../src/milvus/connection-settings.js';
import { loadPolicyText } from '../../src/policy/index.js';
import { PASSWORD_ENV, ROOT_TOKEN, startPlanFixture } from './plan-helpers.js';
import type { PlanFixture } from './plan-helpers.js';

/**
 * Descriptions end to end on the 3.0 emulator through the real SDK: validate, plan, apply, plan
 * again (no changes), a description changed by hand shows as drift and is put back, export writes
 * it; an older target refuses the policy, located.
 */

const POLICY = `version: 1
scope:
  roles: { prefixes: [app_] }
  users: { prefixes: [svc_] }
roles:
  app_reader:
    description: Reads the product catalogue
    grants:
      - object: Collection
        objectName: products
        privileges: [Search, Query]
  app_writer:
    grants:
      - object: Collection
        objectName: products
        privileges: [Insert]
users:
  svc_api:
    description: The search API
    roles: [app_reader]
    password: { env: SVC_API_PW }
`;

let f: PlanFixture | undefined;
afterEach(async () => {
  await f?.close();
  f = undefined;
});

describe('role and user descriptions', () => {
  it('are applied on 3.0, converge, show drift when changed by hand, and are exported', async () => {
    f = await startPlanFixture('3.0');
    const file = await f.policy(POLICY);
    const connection = connectionOptionsFromEnv({ address: f.emulator.address }, { MILVUS_TOKEN: ROOT_TOKEN });

    const first = await f.plan([file], { detailedExitcode: true });
    expect(first.errors).toBe('');
    expect(first.plan?.steps.map((s) => s.id)).toEqual(expect.arrayContaining(['setRoleDescription:app_reader', 'setUserDescription:svc_api']));
    expect(first.output).toContain('~ description "Reads the product catalogue"');

    const applied = await runApply({ connection, source: { policyFiles: [file] }, autoApprove: true, env: { ...PASSWORD_ENV } });
    expect(applied.result.status).toBe('applied');
    expect((await f.raw.describeRole({ roleName: 'app_reader' })).results?.[0]?.role.description).toBe('Reads the product catalogue');
    expect((await f.raw.describeUser({ username: 'svc_api' })).results?.[0]?.description).toBe('The search API');

    const second = await f.plan([file], { detailedExitcode: true });
    expect(second.plan?.steps).toEqual([]);
    expect(second.exitCode).toBe(0);

    // A description the policy does not set (app_writer) is left alone; one it sets is owned.
    await f.raw.alterRole({ roleName: 'app_writer', description: 'set by hand' });
    await f.raw.alterRole({ roleName: 'app_reader', description: 'changed by hand' });
    const drift = await runDrift({ files: [file], connection });
    expect(drift.exitCode).toBe(2);
    expect(drift.report?.objects.map((d) => [d.name, (d.policy as { description?: string } | null)?.description, (d.milvus as { description?: string } | null)?.description])).toEqual([
      ['app_reader', 'Reads the product catalogue', 'changed by hand'],
    ]);
    const fix = await f.plan([file]);
    expect(fix.plan?.steps.map((s) => s.operation)).toEqual([{ kind: 'setRoleDescription', role: 'app_reader', description: 'Reads the product catalogue' }]);

    const exported = await runExport({ connection });
    expect(exported.exitCode).toBe(0);
    expect(exported.policy).toContain('description: set by hand');
    expect(exported.policy).toContain('description: The search API');
  });

  it('are refused for a target before 2.6.19, where the policy says them', () => {
    const result = loadPolicyText(POLICY, 'p.yaml', { targetVersion: '2.6.18' });
    expect(result.ok).toBe(false);
    expect(result.diagnostics.map((d) => [d.line, d.column, d.message])).toEqual([
      [7, 5, 'a role description requires Milvus 2.6.19 or newer, but the target is 2.6.18 (the target server)'],
      [19, 5, 'a user description requires Milvus 2.6.19 or newer, but the target is 2.6.18 (the target server)'],
    ]);
  });

  it('refuses a description Milvus would not keep', () => {
    const long = POLICY.replace('Reads the product catalogue', 'é'.repeat(513));
    const result = loadPolicyText(long, 'p.yaml', { targetVersion: '3.0.0' });
    expect(result.diagnostics.map((d) => d.message)).toEqual(['the description of role "app_reader" is 1026 bytes; Milvus keeps at most 1024']);
  });
});
