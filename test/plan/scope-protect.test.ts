import { describe, expect, it } from 'vitest';
import { checkProtected } from '../../src/apply/guards.js';
import { loadPolicy } from '../../src/policy/index.js';
import { makePlan } from '../../src/plan/make.js';
import { parseMilvusVersion } from '../../src/model/versions.js';
import type { MilvusVersion } from '../../src/model/versions.js';
import type { RbacState } from '../../src/model/types.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Protection kept apart from the entries (scope.<kind>.protect) outlives them: the tried case was
 * a protected user removed from a prefix-scoped policy, which was then dropped.
 */

const version = parseMilvusVersion('2.5.4') as MilvusVersion;
const live: RbacState = {
  users: [
    { name: 'root', roles: ['admin'] },
    { name: 'prod_oncall', roles: ['prod_dba'] },
    { name: 'prod_old', roles: [] },
  ],
  roles: [
    { name: 'admin', grants: [] },
    { name: 'public', grants: [] },
    { name: 'prod_dba', grants: [] },
    { name: 'prod_legacy', grants: [] },
  ],
  privilegeGroups: [],
};

async function load(yaml: string) {
  const file = join(mkdtempSync(join(tmpdir(), 'rbac-protect-')), 'policy.yaml');
  writeFileSync(file, yaml);
  const loaded = await loadPolicy([file], { targetVersion: '2.5.4' });
  if (!loaded.ok) throw new Error(loaded.diagnostics.map((d) => d.message).join('\n'));
  return loaded;
}

function plan(desired: Awaited<ReturnType<typeof load>>['desired']) {
  return makePlan({ desired, live: { state: live, version, versionString: 'v2.5.4', address: '127.0.0.1:19530' }, policyHash: 'h', operator: 'root' });
}

describe('scope.*.protect', () => {
  it('keeps a user and a role whose entries are gone, and says so; the unprotected ones are dropped', async () => {
    const loaded = await load('version: 1\nscope:\n  users: { prefixes: [prod_], protect: [prod_oncall] }\n  roles: { prefixes: [prod_], protect: ["prod_d*"] }\n');
    const p = plan(loaded.desired);
    expect(p.steps.map((s) => s.id)).toEqual(['dropRole:prod_legacy', 'dropUser:prod_old']);
    expect(p.warnings).toContain('user "prod_oncall" is not in the policy, but scope.users.protect keeps it: it is left as it is, not dropped');
    expect(p.warnings).toContain('role "prod_dba" is not in the policy, but scope.roles.protect keeps it: it is left as it is, not dropped');
  });

  it('leaves a kept user bound to a role the policy defines (a role owns its members, but not a protected user)', async () => {
    const loaded = await load('version: 1\nscope:\n  users: { prefixes: [prod_], protect: [prod_oncall] }\nroles:\n  prod_dba:\n');
    const p = plan(loaded.desired);
    expect(p.steps.map((s) => s.id)).toEqual(['dropUser:prod_old']);
    expect(p.unmanaged.users).toEqual([]);
  });

  it('refuses at apply a step that drops a name it protects (a plan made without it)', async () => {
    const loaded = await load('version: 1\nscope:\n  users: { prefixes: [prod_], protect: [prod_oncall] }\n');
    const refusals = checkProtected([{ id: 'dropUser:prod_oncall', phase: 'dropUser', operation: { kind: 'dropUser', user: 'prod_oncall' } }], loaded.desired);
    expect(refusals.map((r) => r.guard)).toEqual(['protected']);
  });

  it('warns that an entry\'s protect: true leaves with the entry where an explicit scope would drop it', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'rbac-protect-')), 'policy.yaml');
    writeFileSync(file, 'version: 1\nscope:\n  users: { prefixes: [prod_] }\nusers:\n  prod_oncall:\n    protect: true\n    password: { env: P }\n');
    const loaded = await loadPolicy([file], { targetVersion: '2.5.4' });
    expect(loaded.diagnostics.map((d) => `${d.code}@${d.line}:${d.column}`)).toEqual(['protect-leaves-with-entry@6:5']);
    writeFileSync(file, 'version: 1\nscope:\n  users: { prefixes: [prod_], protect: [prod_oncall] }\nusers:\n  prod_oncall:\n    protect: true\n    password: { env: P }\n');
    expect((await loadPolicy([file], { targetVersion: '2.5.4' })).diagnostics).toEqual([]);
  });
});
