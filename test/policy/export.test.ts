import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { canonicalState } from '../../src/model/canonical.js';
import type { Grant, RbacState } from '../../src/model/types.js';
import { exportPolicy, loadPolicy, loadPolicyText } from '../../src/policy/index.js';
import { EXAMPLES_DIR, POLICY_EXAMPLES } from './example-policies.js';

const examplesDir = EXAMPLES_DIR;
const examples = POLICY_EXAMPLES;

function reload(text: string, targetVersion?: string) {
  const result = loadPolicyText(text, 'exported.yaml', targetVersion ? { targetVersion } : {});
  if (!result.ok) throw new Error(`export did not load:\n${text}\n${result.diagnostics.map((d) => `${d.line}:${d.column} ${d.message}`).join('\n')}`);
  return result.desired;
}

const g = (objectType: Grant['objectType'], objectName: string, dbName: string, privilege: string): Grant => ({ objectType, objectName, dbName, privilege });

describe('round trip: policy → state → YAML → state', () => {
  it.each(examples)('%s', async (name) => {
    const loaded = await loadPolicy([`${examplesDir}${name}`]);
    if (!loaded.ok) throw new Error(loaded.diagnostics.map((d) => d.message).join('\n'));
    const text = exportPolicy(loaded.desired);
    const again = reload(text);
    expect(again.state).toEqual(loaded.desired.state);
    expect(again.scope).toEqual(loaded.desired.scope);
    expect(again.users).toEqual(loaded.desired.users);
    expect(again.databases).toEqual(loaded.desired.databases);
    expect(again.protectedRoles).toEqual(loaded.desired.protectedRoles);
  });
});

describe('exportPolicy of a state read from a server', () => {
  const live: RbacState = canonicalState({
    users: [
      { name: 'root', roles: ['admin'] },
      { name: 'app', roles: ['reader', 'loader'] },
    ],
    roles: [
      {
        name: 'reader',
        grants: ['Search', 'Query', 'GetLoadState'].flatMap((p) => ['orders', 'items'].map((c) => g('Collection', c, 'sales', p))),
      },
      {
        name: 'loader',
        // Global-type privileges on one collection and a custom group: only grants by level say this.
        grants: [g('Global', 'orders', 'sales', 'DescribeAlias'), g('Global', 'orders', 'sales', 'CollectionReadOnly'), g('Global', '*', '*', 'vec'), g('Collection', 'orders', 'sales', 'Load')],
      },
      {
        name: 'ops',
        grants: [g('User', 'app', 'default', 'UpdateUser'), g('User', '*', '*', 'SelectUser'), g('Collection', '*', 'sales', 'Flush'), g('Global', '*', 'default', 'CreateCollection')],
      },
    ],
    privilegeGroups: [{ name: 'vec', privileges: ['ListDatabases'] }],
  });

  it('writes YAML that loads back to the same state', () => {
    const text = exportPolicy(live);
    expect(reload(text).state).toEqual(live);
  });

  it('compacts privileges x collections back into one entry', () => {
    const policy = parse(exportPolicy(live, { targetVersion: '2.4' })) as { roles: Record<string, { grants: unknown[] }> };
    expect(policy.roles.reader?.grants).toEqual([
      { object: 'Collection', objectNames: ['items', 'orders'], databases: 'sales', privileges: ['GetLoadState', 'Query', 'Search'] },
    ]);
  });

  it('uses grants by level for what grants by object cannot express', () => {
    const policy = parse(exportPolicy(live, { targetVersion: '2.4' })) as { roles: Record<string, { grants: unknown[] }> };
    expect(policy.roles.loader?.grants).toEqual([
      { level: 'cluster', privileges: ['vec'] },
      { level: 'collection', databases: 'sales', collections: 'orders', privileges: ['CollectionReadOnly', 'DescribeAlias'] },
      { object: 'Collection', objectNames: 'orders', databases: 'sales', privileges: ['Load'] },
    ]);
  });

  it('leaves out what Milvus adds beside Load, also from a state read without canonical form', () => {
    const state: RbacState = ({
      users: [],
      roles: [{ name: 'r', grants: ['Load', 'GetLoadState', 'GetLoadingProgress'].map((p) => g('Collection', 'c', 'default', p)) }],
      privilegeGroups: [],
    });
    const policy = parse(exportPolicy(state, { targetVersion: '2.3.5' })) as { roles: { r: { grants: unknown[] } } };
    expect(policy.roles.r.grants).toEqual([{ object: 'Collection', objectNames: 'c', privileges: ['Load'] }]);
  });

  it('marks passwords as environment variables to fill, never for root', () => {
    const text = exportPolicy(live);
    expect(text).toContain('# A password is read from the environment variable named below only when apply creates the user\n# (it is missing) or updatePassword is set.\nusers:\n');
    const policy = parse(text) as { users: Record<string, { password?: unknown }> };
    expect(policy.users.app?.password).toEqual({ env: 'RBAC_PASSWORD_APP' });
    expect(policy.users.root?.password).toBeUndefined();
  });

  it('starts with the editor schema comment when asked, and with the target version', () => {
    const text = exportPolicy(live, { schema: './policy.schema.json', targetVersion: '2.5' });
    expect(text.split('\n').slice(0, 4)).toEqual(['# yaml-language-server: $schema=./policy.schema.json', 'version: 1', 'target:', '  minVersion: "2.5"']);
    expect(reload(text, '2.5').state).toEqual(live);
  });
});
