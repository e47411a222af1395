import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { canonicalState, flattenGrants, statesEqual } from '../../src/model/canonical.js';
import type { DesiredState } from '../../src/model/desired.js';
import type { Diagnostic, PolicyLoadResult } from '../../src/policy/index.js';
import { loadPolicy, loadPolicyText, loadPolicyTexts } from '../../src/policy/index.js';

function load(text: string, targetVersion?: string): DesiredState {
  const result = loadPolicyText(text, 'p.yaml', targetVersion ? { targetVersion } : {});
  if (!result.ok) throw new Error(result.diagnostics.map((d) => `${d.line}:${d.column} ${d.message}`).join('\n'));
  return result.desired;
}

function warnings(result: PolicyLoadResult): Diagnostic[] {
  return result.diagnostics.filter((d) => d.severity === 'warning');
}

const grantsOf = (desired: DesiredState, role: string) => flattenGrants(desired.state).filter((g) => g.role === role).map(({ role: _role, ...g }) => g);

describe('normalisation to what Milvus stores', () => {
  it('gives Global grants object name * and a missing database the name default', () => {
    const desired = load('version: 1\nroles:\n  r:\n    grants:\n      - object: Global\n        privileges: [CreateCollection]\n');
    expect(grantsOf(desired, 'r')).toEqual([{ objectType: 'Global', objectName: '*', dbName: 'default', privilege: 'CreateCollection' }]);
  });

  it('leaves out what Milvus stores beside Load and Flush, whichever way the policy writes it', () => {
    const byObject = load('version: 1\nroles:\n  r:\n    grants:\n      - object: Collection\n        objectName: c\n        privileges: [Load, Flush]\n');
    const spelledOut = load(
      'version: 1\nroles:\n  r:\n    grants:\n      - object: Collection\n        objectName: c\n        privileges: [Load, Flush, GetLoadState, GetLoadingProgress, GetFlushState]\n',
    );
    const byLevel = load('version: 1\nroles:\n  r:\n    grants:\n      - privileges: [Load, Flush]\n        collections: [c]\n');
    expect(grantsOf(byObject, 'r').map((g) => g.privilege)).toEqual(['Flush', 'Load']);
    expect(spelledOut.state).toEqual(byObject.state);
    expect(byLevel.state).toEqual(byObject.state);
  });

  it('keeps GetLoadState where no Load stands beside it', () => {
    const desired = load('version: 1\nroles:\n  r:\n    grants:\n      - object: Collection\n        objectNames: [a, b]\n        privileges: [GetLoadState]\n      - object: Collection\n        objectName: a\n        privileges: [Load]\n');
    expect(grantsOf(desired, 'r').map((g) => `${g.objectName}/${g.privilege}`)).toEqual(['a/Load', 'b/GetLoadState']);
  });

  it('maps the three levels to database and collection names, and groups to Global', () => {
    const desired = load(
      [
        'version: 1',
        'roles:',
        '  r:',
        '    grants:',
        '      - privileges: [Cluster_RO]',
        '      - privileges: [DB_RW]',
        '        database: sales',
        '      - privileges: [COLL_RO, Search]',
        '        database: sales',
        '        collections: [orders]',
        '      - privileges: [SelectUser]',
        '        level: cluster',
      ].join('\n'),
    );
    expect(grantsOf(desired, 'r')).toEqual([
      { objectType: 'Global', objectName: '*', dbName: '*', privilege: 'ClusterReadOnly' },
      { objectType: 'User', objectName: '*', dbName: '*', privilege: 'SelectUser' },
      { objectType: 'Collection', objectName: 'orders', dbName: 'sales', privilege: 'Search' },
      { objectType: 'Global', objectName: '*', dbName: 'sales', privilege: 'DatabaseReadWrite' },
      { objectType: 'Global', objectName: 'orders', dbName: 'sales', privilege: 'CollectionReadOnly' },
    ]);
  });

  it("expresses public's default grants (database *) by object and by level alike", () => {
    // What a fresh Milvus 2.3.5 returns for public (docs/real-milvus-2.3.5-probe.json, initial state).
    const server = [
      { objectType: 'Collection', objectName: '*', dbName: '*', privilege: 'IndexDetail' },
      { objectType: 'Global', objectName: '*', dbName: '*', privilege: 'DescribeCollection' },
      { objectType: 'Global', objectName: '*', dbName: '*', privilege: 'ShowCollections' },
    ];
    const byObject = load(
      'version: 1\nroles:\n  public:\n    grants:\n      - { object: Collection, database: "*", privileges: [IndexDetail] }\n      - { object: Global, database: "*", privileges: [DescribeCollection, ShowCollections] }\n',
    );
    const byLevel = load('version: 1\nroles:\n  public:\n    grants:\n      - { level: cluster, privileges: [IndexDetail, DescribeCollection, ShowCollections] }\n');
    expect(grantsOf(byObject, 'public')).toEqual(server);
    expect(byLevel.state).toEqual(byObject.state);
  });

  it('resolves every built-in group alias to the name Milvus stores', () => {
    const pairs = [
      ['COLL_RO', 'CollectionReadOnly', 'collection'],
      ['COLL_RW', 'CollectionReadWrite', 'collection'],
      ['COLL_ADMIN', 'CollectionAdmin', 'collection'],
      ['DB_RO', 'DatabaseReadOnly', 'database'],
      ['DB_RW', 'DatabaseReadWrite', 'database'],
      ['DB_Admin', 'DatabaseAdmin', 'database'],
      ['Cluster_RO', 'ClusterReadOnly', 'cluster'],
      ['Cluster_RW', 'ClusterReadWrite', 'cluster'],
      ['Cluster_Admin', 'ClusterAdmin', 'cluster'],
    ];
    for (const [alias, name, level] of pairs) {
      const byAlias = load(`version: 1\nroles:\n  r:\n    grants:\n      - privileges: [${alias}]\n        level: ${level}\n${level === 'collection' ? '        collections: "*"\n' : ''}`);
      const byName = load(`version: 1\nroles:\n  r:\n    grants:\n      - privileges: [${name}]\n        level: ${level}\n${level === 'collection' ? '        collections: "*"\n' : ''}`);
      expect(grantsOf(byAlias, 'r').map((g) => g.privilege)).toEqual([name]);
      expect(byAlias.state).toEqual(byName.state);
    }
  });

  it('expands privileges x databases x collections into every combination', () => {
    const desired = load('version: 1\nroles:\n  r:\n    grants:\n      - privileges: [Search, Query, Insert]\n        databases: [a, b]\n        collections: [x, y]\n');
    expect(grantsOf(desired, 'r')).toHaveLength(12);
    expect(desired.databases).toEqual(['a', 'b']);
  });

  it('gives equal states for policies that mean the same thing', () => {
    const compact = load('version: 1\nroles:\n  r:\n    grants:\n      - privileges: [Query, Search]\n        collections: [b, a]\nusers:\n  u: { roles: [r, admin] }\n');
    const spelled = load(
      [
        'version: 1',
        'users:',
        '  u:',
        '    roles: [admin, r, public]',
        'roles:',
        '  r:',
        '    grants:',
        '      - { privilege: Search, collection: a, database: default, level: collection }',
        '      - { privilege: Search, collection: b }',
        '      - { privileges: Query, collections: [a, b] }',
        '      - { privileges: Search, collections: a }',
      ].join('\n'),
    );
    expect(spelled.state).toEqual(compact.state);
    expect(statesEqual(spelled.state, compact.state)).toBe(true);
    expect(canonicalState(compact.state)).toEqual(compact.state);
  });

  it('never lists the implicit public role, and warns when a policy does', () => {
    const result = loadPolicyText('version: 1\nusers:\n  u: { roles: [public] }\n', 'p.yaml');
    expect(result.ok && result.desired.state.users).toEqual([{ name: 'u', roles: [] }]);
    expect(warnings(result).map((d) => [d.line, d.column, d.code])).toEqual([[3, 16, 'implicit-public']]);
  });
});

describe('reuse', () => {
  it('keeps YAML anchors, aliases and merge keys', () => {
    const desired = load(
      [
        'version: 1',
        'roles:',
        '  a:',
        '    grants:',
        '      - &read { privileges: [Search, Query], collections: [c] }',
        '  b:',
        '    grants:',
        '      - *read',
        '      - <<: *read',
        '        database: other',
      ].join('\n'),
    );
    expect(grantsOf(desired, 'b')).toHaveLength(4);
    expect(grantsOf(desired, 'a')).toEqual(grantsOf(desired, 'b').filter((g) => g.dbName === 'default'));
  });

  it('includes grant sets, with databases supplied by the include for grants that name none', () => {
    const desired = load(
      [
        'version: 1',
        'grantSets:',
        '  read:',
        '    - { privileges: [COLL_RO], collections: "*" }',
        '    - { privileges: [DB_RO], database: fixed }',
        'roles:',
        '  t1: { include: [{ grantSet: read, databases: [t1] }] }',
        '  d: { include: [read] }',
      ].join('\n'),
    );
    expect(grantsOf(desired, 't1').map((g) => `${g.dbName}/${g.objectName}/${g.privilege}`)).toEqual([
      'fixed/*/DatabaseReadOnly',
      't1/*/CollectionReadOnly',
    ]);
    expect(grantsOf(desired, 'd').map((g) => `${g.dbName}/${g.privilege}`)).toEqual(['default/CollectionReadOnly', 'fixed/DatabaseReadOnly']);
  });

  it('warns about a grant set no role includes', () => {
    const result = loadPolicyText('version: 1\ngrantSets:\n  lonely: []\n', 'p.yaml');
    expect(result.ok).toBe(true);
    expect(warnings(result).map((d) => [d.line, d.code])).toEqual([[3, 'unused-grant-set']]);
  });

  it('merges several files and reports every problem of every file in one run', () => {
    const ok = loadPolicyTexts([
      { fileName: 'a.yaml', text: 'version: 1\nroles:\n  r: {}\n' },
      { fileName: 'b.yaml', text: 'version: 1\nusers:\n  u: { roles: [r] }\n' },
    ]);
    expect(ok.ok && ok.desired.state.users).toEqual([{ name: 'u', roles: ['r'] }]);
    const bad = loadPolicyTexts([
      { fileName: 'a.yaml', text: 'version: 1\nroles:\n  r:\n    grants: [{ privileges: [Serach], collections: [c] }]\n' },
      { fileName: 'b.yaml', text: 'version: 1\nusers:\n  u: { roles: [x] }\n  v: { password: hunter22 }\n' },
    ]);
    expect(bad.diagnostics.map((d) => `${d.file}:${d.line}:${d.column}:${d.code}`)).toEqual([
      'a.yaml:4:29:unknown-privilege',
      'b.yaml:3:16:unknown-role',
      'b.yaml:4:18:literal-password',
    ]);
  });

  it('loads a directory of policy files in name order', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rbac-policy-'));
    writeFileSync(join(dir, '10-users.yaml'), 'version: 1\nusers:\n  u: { roles: [r] }\n');
    writeFileSync(join(dir, '00-roles.yml'), 'version: 1\nroles:\n  r: {}\n');
    writeFileSync(join(dir, 'notes.txt'), 'not a policy');
    const result = await loadPolicy([dir]);
    expect(result.ok && result.files).toEqual([join(dir, '00-roles.yml'), join(dir, '10-users.yaml')]);
  });

  it('reports a missing file as a located error', async () => {
    const result = await loadPolicy(['/nonexistent/policy.yaml']);
    expect(result).toEqual({
      ok: false,
      diagnostics: [{ severity: 'error', file: '/nonexistent/policy.yaml', line: 1, column: 1, message: 'no such file or directory', code: 'io' }],
    });
  });
});

describe('reporting', () => {
  it('keeps checking after a duplicate key, so one run shows every problem', () => {
    const result = loadPolicyText('version: 1\nroles:\n  r: {}\n  r: { grants: [{ privileges: [Serach], collections: [c] }] }\n', 'p.yaml');
    expect(result.diagnostics.map((d) => [d.line, d.column, d.code])).toEqual([
      [4, 3, 'duplicate-key'],
      [4, 32, 'unknown-privilege'],
    ]);
  });

  it('places an alias without anchor where it is used', () => {
    const result = loadPolicyText('version: 1\nroles:\n  r:\n    grants:\n      - *nowhere\n', 'p.yaml');
    expect(result.diagnostics.map((d) => [d.line, d.column, d.message])).toEqual([[5, 9, 'alias *nowhere refers to no anchor']]);
  });

  it('assumes a custom group outside an explicit group scope exists, with a warning', () => {
    const result = loadPolicyText(
      'version: 1\nscope:\n  privilegeGroups: { prefixes: [mine_] }\nroles:\n  r:\n    grants:\n      - { privileges: [shared_reader], database: d }\n',
      'p.yaml',
    );
    expect(result.ok && flattenGrants(result.desired.state)).toEqual([{ role: 'r', objectType: 'Global', objectName: '*', dbName: 'd', privilege: 'shared_reader' }]);
    expect(warnings(result).map((d) => [d.line, d.column, d.code])).toEqual([[7, 24, 'external-group']]);
  });

  it('refuses a target version that is not a version', () => {
    expect(() => loadPolicyText('version: 1\n', 'p.yaml', { targetVersion: 'latest' })).toThrow('target version "latest" is not a Milvus version');
  });
});

describe('scope, users and protected objects', () => {
  it('owns by default exactly the names the policy defines', () => {
    const desired = load('version: 1\nroles:\n  r: {}\nusers:\n  u: {}\nprivilegeGroups:\n  g: { privileges: [Search] }\n');
    expect(desired.scope).toEqual({ users: { names: ['u'] }, roles: { names: ['r'] }, privilegeGroups: { names: ['g'] } });
  });

  it('takes a declared scope as written', () => {
    const desired = load('version: 1\nscope:\n  users: all\n  roles: { prefixes: [t_], patterns: ["x?"] }\nroles:\n  t_a: {}\n  xy: {}\n');
    expect(desired.scope.users).toEqual({ all: true });
    expect(desired.scope.roles).toEqual({ prefixes: ['t_'], patterns: ['x?'] });
  });

  it('accepts a binding to a role outside an explicit scope, with a warning', () => {
    const result = loadPolicyText('version: 1\nscope:\n  roles: { prefixes: [t_] }\nusers:\n  u: { roles: [legacy_reader] }\n', 'p.yaml');
    expect(result.ok && result.desired.state.users).toEqual([{ name: 'u', roles: ['legacy_reader'] }]);
    expect(warnings(result).map((d) => [d.line, d.column, d.code])).toEqual([[5, 16, 'external-role']]);
    const inside = loadPolicyText('version: 1\nscope:\n  roles: { prefixes: [t_] }\nusers:\n  u: { roles: [t_missing] }\n', 'p.yaml');
    expect(inside.diagnostics.map((d) => [d.line, d.column, d.code])).toEqual([[5, 16, 'unknown-role']]);
  });

  it('lets the policy bind users to admin and grant to public', () => {
    const desired = load('version: 1\nroles:\n  public:\n    grants: [{ privileges: [DB_RO] , database: default }]\nusers:\n  ops: { roles: [admin] }\n');
    expect(grantsOf(desired, 'public')).toEqual([{ objectType: 'Global', objectName: '*', dbName: 'default', privilege: 'DatabaseReadOnly' }]);
    expect(desired.state.users).toEqual([{ name: 'ops', roles: ['admin'] }]);
  });

  it('keeps password sources, resolves password files next to the policy, and protects root', () => {
    const result = loadPolicyText(
      'version: 1\nusers:\n  root: { roles: [admin] }\n  a: { password: { env: A_PW }, updatePassword: true, protect: true }\n  b: { password: { file: secrets/b } }\n',
      '/etc/rbac/policy.yaml',
    );
    expect(result.ok && result.desired.users).toEqual({
      a: { password: { env: 'A_PW' }, updatePassword: true, protect: true },
      b: { password: { file: '/etc/rbac/secrets/b' }, updatePassword: false, protect: false },
      root: { updatePassword: false, protect: true },
    });
  });

  it('never repeats a literal password in any message', () => {
    const secret = 'Sup3r-S3cret-Value';
    const result = loadPolicyText(`version: 1\nusers:\n  u:\n    password: ${secret}\n    roles: [nope]\n`, 'p.yaml');
    expect(result.ok).toBe(false);
    expect(JSON.stringify(result)).not.toContain(secret);
  });

  it('records protect flags of roles and privilege groups', () => {
    const desired = load('version: 1\nroles:\n  r: { protect: true }\n  s: {}\nprivilegeGroups:\n  g: { privileges: [Search], protect: true }\n');
    expect(desired.protectedRoles).toEqual(['r']);
    expect(desired.protectedPrivilegeGroups).toEqual(['g']);
  });
});

describe('versions and limits', () => {
  const groupPolicy = 'version: 1\nprivilegeGroups:\n  g: { privileges: [Search] }\n';

  it('checks features against the target version given by the caller, over the policy', () => {
    expect(loadPolicyText(groupPolicy, 'p.yaml').ok).toBe(true);
    const old = loadPolicyText(groupPolicy, 'p.yaml', { targetVersion: 'v2.4.15' });
    expect(old.diagnostics.map((d) => d.message)).toEqual([
      'a custom privilege group requires Milvus 2.4.18 or newer, but the target is 2.4.15 (the target server)',
    ]);
  });

  it('reports a server older than the policy declares', () => {
    const result = loadPolicyText('version: 1\ntarget: { minVersion: "2.5" }\n', 'p.yaml', { targetVersion: '2.4.0' });
    expect(result.diagnostics.map((d) => [d.line, d.column, d.code])).toEqual([[2, 23, 'target-too-old']]);
  });

  it('warns past the default limits, naming the server setting', () => {
    const roles = Array.from({ length: 9 }, (_, i) => `  r${i}: {}`).join('\n');
    const result = loadPolicyText(`version: 1\nroles:\n${roles}\n`, 'p.yaml');
    expect(result.ok).toBe(true);
    expect(warnings(result).map((d) => [d.line, d.column, d.message, d.hint])).toEqual([
      [
        2,
        1,
        "the policy defines 11 roles (counting admin and public), more than Milvus's default limit of 10",
        'raise proxy.maxRoleNum in the Milvus configuration and declare it as target.limits.maxRoles',
      ],
    ]);
    const users = Array.from({ length: 100 }, (_, i) => `  u${i}: {}`).join('\n');
    const many = loadPolicyText(`version: 1\nusers:\n${users}\n`, 'p.yaml');
    expect(warnings(many).map((d) => d.hint)).toEqual(['raise proxy.maxUserNum in the Milvus configuration and declare it as target.limits.maxUsers']);
    const declared = loadPolicyText(`version: 1\ntarget: { limits: { maxUsers: 200 } }\nusers:\n${users}\n`, 'p.yaml');
    expect(warnings(declared)).toEqual([]);
  });
});

describe('hash', () => {
  it('is the same for equal policies and differs when the state differs', () => {
    const a = loadPolicyText('version: 1\nroles:\n  r: { grants: [{ object: Global, privileges: [All] }] }\n', 'a.yaml');
    const b = loadPolicyText('version: 1\nroles:\n  r:\n    grants:\n      - { object: Global, objectName: "*", database: default, privilege: All }\n', 'b.yaml');
    const c = loadPolicyText('version: 1\nroles:\n  r: { grants: [{ object: Global, privileges: [ListDatabases] }] }\n', 'c.yaml');
    if (!a.ok || !b.ok || !c.ok) throw new Error('fixtures must load');
    expect(a.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(a.hash).toBe(b.hash);
    expect(a.hash).not.toBe(c.hash);
  });
});
