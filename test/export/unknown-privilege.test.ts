import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator } from '../../src/emulator/index.js';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { runExport } from '../../src/export/run.js';
import { connectionOptionsFromEnv } from '../../src/milvus/connection-settings.js';
import { loadPolicyText } from '../../src/policy/index.js';
import { runPlan } from '../../src/pipeline/run-plan.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A live grant of a privilege the tool's catalogue does not know (a newer server's, or an old
 * leftover) is carried through by name: export writes it as granted and declares it, plan and
 * drift revoke it by name when the policy owns the role and does not list it. The emulator holds
 * such a grant from its seed, as a newer server would.
 */

const FUTURE = { objectType: 'Collection' as const, objectName: 'books', dbName: 'default', privilege: 'SomeFuturePrivilege' };

let emulator: RunningEmulator | undefined;
afterEach(async () => {
  await emulator?.stop();
  emulator = undefined;
});

async function start(): Promise<RunningEmulator> {
  emulator = await startEmulator({
    port: 0,
    milvusVersion: '3.0',
    seed: { state: { users: [{ name: 'app', roles: ['reader'] }], roles: [{ name: 'reader', grants: [{ ...FUTURE }, { ...FUTURE, privilege: 'Query' }] }], privilegeGroups: [] } },
  });
  return emulator;
}

function policyFile(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'rbac-unknown-')), 'policy.yaml');
  writeFileSync(file, text);
  return file;
}

describe('a live privilege the catalogue does not know', () => {
  it('is exported as granted, declared under target.serverPrivileges, and the export plans to no change', async () => {
    const emu = await start();
    const connection = connectionOptionsFromEnv({ address: emu.address }, { MILVUS_TOKEN: 'root:Milvus' });
    const exported = await runExport({ connection });
    expect(exported.exitCode).toBe(0);
    expect(exported.errors).toContain('SomeFuturePrivilege is a privilege this tool does not know');
    expect(exported.policy).toContain('serverPrivileges: [SomeFuturePrivilege]');
    const loaded = loadPolicyText(exported.policy ?? '', 'exported.yaml');
    expect(loaded.ok).toBe(true);
    const planned = await runPlan({ files: [policyFile(exported.policy ?? '')], connection, detailedExitcode: true });
    expect(planned.exitCode).toBe(0);
  });

  it('is revoked by name when the policy owns the role and does not list it, and the plan converges', async () => {
    const emu = await start();
    const connection = connectionOptionsFromEnv({ address: emu.address }, { MILVUS_TOKEN: 'root:Milvus' });
    const file = policyFile('version: 1\nroles:\n  reader:\n    keepOutsideMembers: true\n    grants:\n      - object: Collection\n        objectName: books\n        privileges: [Query]\n');
    const first = await runPlan({ files: [file], connection });
    expect(first.errors).toBe('');
    expect(first.plan?.steps.map((s) => s.id)).toEqual(['revoke:reader:default:Collection:books:SomeFuturePrivilege']);
    const { runApply } = await import('../../src/apply/run.js');
    const applied = await runApply({ connection, source: { policyFiles: [file] }, autoApprove: true, env: {} });
    expect(applied.result.status).toBe('applied');
    expect((await runPlan({ files: [file], connection, detailedExitcode: true })).exitCode).toBe(0);
  });

  it('is refused in a grant by level, located, even when declared', () => {
    const result = loadPolicyText('version: 1\ntarget:\n  serverPrivileges: [SomeFuturePrivilege]\nroles:\n  r:\n    grants:\n      - privileges: [SomeFuturePrivilege]\n        level: cluster\n', 'p.yaml');
    expect(result.diagnostics.map((d) => [d.line, d.code])).toEqual([[7, 'server-privilege-by-level']]);
  });
});

describe('a custom group holding a privilege the catalogue does not know', () => {
  it('is exported with the member declared, and loads back', async () => {
    emulator = await startEmulator({
      port: 0,
      milvusVersion: '3.0',
      seed: { state: { users: [], roles: [{ name: 'reader', grants: [{ objectType: 'Global', objectName: 'books', dbName: 'default', privilege: 'future_group' }] }], privilegeGroups: [{ name: 'future_group', privileges: ['Query', 'SomeFuturePrivilege'] }] } },
    });
    const connection = connectionOptionsFromEnv({ address: emulator.address }, { MILVUS_TOKEN: 'root:Milvus' });
    const exported = await runExport({ connection });
    expect(exported.errors).not.toContain('Internal error');
    expect(exported.exitCode).toBe(0);
    expect(exported.policy).toContain('serverPrivileges: [SomeFuturePrivilege]');
    expect(exported.policy).toContain('privileges: [Query, SomeFuturePrivilege]');
  });

  it('is still refused, located, when the member is not declared', () => {
    const result = loadPolicyText('version: 1\nprivilegeGroups:\n  g:\n    privileges: [Query, SomeFuturePrivilege]\n', 'p.yaml');
    expect(result.diagnostics.map((d) => [d.line, d.code])).toEqual([[4, 'unknown-privilege']]);
  });
});
