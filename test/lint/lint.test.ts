import { describe, expect, it } from 'vitest';
import { formatFinding, lintLocator, lintPolicy } from '../../src/lint/index.js';
import type { LintFinding } from '../../src/lint/index.js';
import { canonicalState, grantKey } from '../../src/model/canonical.js';
import type { DesiredState } from '../../src/model/desired.js';
import type { Grant, RbacState } from '../../src/model/types.js';
import type { MilvusVersion } from '../../src/model/versions.js';
import { parseMilvusVersion } from '../../src/model/versions.js';
import { loadPolicyText } from '../../src/policy/index.js';
import { oracleGrantPaths, requestablePrivileges } from '../explain/oracle.js';
import { COLLECTIONS, DATABASES, USERS, randomState } from '../explain/random-state.js';

const V25 = parseMilvusVersion('v2.5.4') as MilvusVersion;
const V23 = parseMilvusVersion('v2.3.5') as MilvusVersion;

function desiredOf(state: RbacState): DesiredState {
  return {
    state: canonicalState(state),
    users: {},
    protectedRoles: [],
    protectedPrivilegeGroups: [],
    scope: { users: { all: true }, roles: { all: true }, privilegeGroups: { all: true } },
    databases: [],
  };
}

const g = (privilege: string, objectType: Grant['objectType'] = 'Collection', objectName = 'c1', dbName = 'default'): Grant => ({
  privilege,
  objectType,
  objectName,
  dbName,
});

const codes = (findings: LintFinding[]): string[] => findings.map((f) => f.code);

describe('lint rules', () => {
  it('flags All, *, ClusterAdmin, legacy Admin and custom groups holding them', () => {
    const findings = lintPolicy(
      desiredOf({
        users: [{ name: 'u', roles: ['r'] }],
        roles: [
          {
            name: 'r',
            grants: [g('All', 'Global', '*'), g('*', 'Global', '*'), g('ClusterAdmin', 'Global', '*', '*'), g('wide', 'Global', '*'), g('Search')],
          },
        ],
        privilegeGroups: [{ name: 'wide', privileges: ['All', 'Query'] }],
      }),
      { version: V25 },
    ).filter((f) => f.code === 'broad-grant');
    expect(findings.map((f) => f.subject.grant?.privilege).sort()).toEqual(['*', 'All', 'ClusterAdmin', 'wide']);
    expect(findings.find((f) => f.subject.grant?.privilege === 'wide')?.message).toMatch(/custom group wide contains All/);
  });

  it('flags roles nobody holds and users holding no role, but not admin, public or root', () => {
    const findings = lintPolicy(
      desiredOf({
        users: [{ name: 'lonely', roles: [] }, { name: 'root', roles: [] }, { name: 'u', roles: ['used'] }],
        roles: [
          { name: 'used', grants: [g('Search')] },
          { name: 'unused', grants: [g('Query')] },
          { name: 'public', grants: [] },
          { name: 'admin', grants: [] },
        ],
        privilegeGroups: [],
      }),
    );
    expect(findings.filter((f) => f.code === 'role-without-users').map((f) => f.subject.name)).toEqual(['unused']);
    expect(findings.filter((f) => f.code === 'user-without-roles').map((f) => f.subject.name)).toEqual(['lonely']);
  });

  it('flags a grant a group on the same or a wider object already gives, and keeps one of two equal grants', () => {
    const findings = lintPolicy(
      desiredOf({
        users: [{ name: 'u', roles: ['r'] }],
        roles: [
          {
            name: 'r',
            grants: [
              g('CollectionReadOnly', 'Global', '*', 'db1'),
              g('Search', 'Collection', 'c1', 'db1'),
              g('Insert', 'Collection', 'c1', 'db1'),
              g('same', 'Global', '*', 'db1'),
            ],
          },
        ],
        privilegeGroups: [{ name: 'same', privileges: ['Search'] }],
      }),
      { version: V25 },
    ).filter((f) => f.code === 'redundant-grant');
    // Search is inside CollectionReadOnly on every collection of db1; `same` (Search everywhere in
    // db1) is too. Insert is not.
    expect(findings.map((f) => f.subject.grant?.privilege).sort()).toEqual(['Search', 'same']);
  });

  it('flags grants with no effect: All in db *, a privilege on the wrong object type, nested groups, empty groups', () => {
    const findings = lintPolicy(
      desiredOf({
        users: [{ name: 'u', roles: ['r'] }],
        roles: [
          {
            name: 'r',
            grants: [g('All', 'Global', '*', '*'), g('nested', 'Global', '*'), g('empty', 'Global', '*'), g('*', 'Collection', 'c1')],
          },
        ],
        privilegeGroups: [
          { name: 'nested', privileges: ['ClusterReadOnly', 'Query'] },
          { name: 'empty', privileges: [] },
        ],
      }),
      { version: V25 },
    ).filter((f) => f.code === 'no-effect');
    const byPrivilege = new Map(findings.map((f) => [f.subject.grant?.privilege, f.message]));
    expect(byPrivilege.get('All')).toMatch(/db `\*` matches no request/);
    expect(byPrivilege.get('nested')).toMatch(/ClusterReadOnly \(inside nested\)/);
    expect(byPrivilege.get('empty')).toMatch(/empty privilege group/);
    expect(byPrivilege.get('*')).toMatch(/covers no Collection privilege/);
    // A Collection privilege granted on a Global object matches nothing on servers that keep the type.
    const old = lintPolicy(desiredOf({ users: [{ name: 'u', roles: ['r'] }], roles: [{ name: 'r', grants: [g('Search', 'Global', '*')] }], privilegeGroups: [] }), {
      version: V23,
    });
    expect(codes(old)).toEqual(['no-effect']);
  });

  it('flags Global members of a group granted on one collection: they apply to the whole database', () => {
    const findings = lintPolicy(
      desiredOf({
        users: [{ name: 'u', roles: ['r'] }],
        roles: [{ name: 'r', grants: [g('reader', 'Global', 'c1', 'db1')] }],
        privilegeGroups: [{ name: 'reader', privileges: ['DescribeCollection', 'Search'] }],
      }),
      { version: V25 },
    );
    expect(codes(findings)).toEqual(['wider-than-written']);
    expect(findings[0]?.message).toMatch(/DescribeCollection is a Global privilege and applies to every object in db db1, not only c1/);
  });

  it('finds nothing in a tidy policy loaded through the policy loader', () => {
    const loaded = loadPolicyText(
      [
        'version: 1',
        'roles:',
        '  reader:',
        '    grants:',
        '      - object: Collection',
        '        objectName: books',
        '        privileges: [Search, Query]',
        'users:',
        '  app:',
        '    roles: [reader]',
        '    password: { env: APP_PASSWORD }',
      ].join('\n'),
      'tidy.yaml',
    );
    if (!loaded.ok) throw new Error(loaded.diagnostics.map((d) => d.message).join('; '));
    expect(lintPolicy(loaded.desired)).toEqual([]);
  });
});

describe('lint output', () => {
  it('prefixes a finding with its position when a locator knows it', () => {
    const [finding] = lintPolicy(desiredOf({ users: [{ name: 'lonely', roles: [] }], roles: [], privilegeGroups: [] }));
    if (!finding) throw new Error('expected a finding');
    expect(formatFinding(finding)).toBe('warning [user-without-roles] user lonely has no roles: it can do only what public allows');
    const at = formatFinding(finding, (s) => (s.kind === 'user' && s.name === 'lonely' ? { file: 'p.yaml', line: 7, column: 3 } : undefined));
    expect(at).toBe('p.yaml:7:3: warning [user-without-roles] user lonely has no roles: it can do only what public allows');
  });
});

describe('lint positions from the policy loader', () => {
  const POLICY = [
    'version: 1', //                                   1
    'grantSets:', //                                   2
    '  readAll:', //                                   3
    '    - object: Collection', //                     4
    '      privileges: [Query]', //                    5
    'roles:', //                                       6
    '  reader:', //                                    7
    '    grants:', //                                  8
    '      - level: collection', //                    9
    '        collections: [c1]', //                    10
    '        privileges: [Search]', //                 11
    '      - level: collection', //                    12
    '        collections: [c1]', //                    13
    '        privileges: [CollectionReadOnly]', //     14
    '  idle:', //                                      15
    '    include: [readAll]', //                       16
    'users:', //                                       17
    '  alice:', //                                     18
    '    roles: [reader]', //                          19
    '    password: { env: ALICE_PW }', //              20
    '  bob:', //                                       21
    '    password: { env: BOB_PW }', //                22
    '',
  ].join('\n');

  it('points each finding at the grant entry, include, role or user that causes it', () => {
    const loaded = loadPolicyText(POLICY, 'p.yaml', { targetVersion: '2.5.4' });
    if (!loaded.ok) throw new Error(loaded.diagnostics.map((d) => `${d.line}: ${d.message}`).join('; '));
    const locate = lintLocator(loaded.locator);
    const lines = lintPolicy(loaded.desired, { version: V25 }).map((f) => formatFinding(f, locate).replace(/: warning \[([a-z-]+)\].*/, ' $1'));
    expect(lines).toEqual([
      'p.yaml:9:9 redundant-grant', // Search on c1 is inside CollectionReadOnly on c1 (line 12)
      'p.yaml:15:3 role-without-users',
      'p.yaml:21:3 user-without-roles',
      'p.yaml:12:9 wider-than-written', // CollectionReadOnly holds Global privileges: they reach the whole database
    ]);
    // A grant that comes from a grant set is located at the role's include.
    const idle = loaded.desired.state.roles.find((r) => r.name === 'idle')?.grants[0];
    if (!idle) throw new Error('idle has no grant');
    expect(loaded.locator.grant('idle', idle)).toEqual({ file: 'p.yaml', line: 16, column: 15 });
  });
});

describe('lint claims checked against the brute-force oracle', () => {
  function answers(state: RbacState, version: MilvusVersion, role: string): string {
    const probe = canonicalState({ ...state, users: [...state.users, { name: 'probe', roles: [role] }] });
    const out: string[] = [];
    for (const { privilege, objectType } of requestablePrivileges()) {
      for (const dbName of DATABASES) {
        for (const objectName of objectType === 'User' ? [...USERS, '*'] : [...COLLECTIONS, '*']) {
          const q = { privilege, objectType, objectName, dbName };
          const own = [...oracleGrantPaths(probe, version, 'probe', q)].some((k) => k.startsWith(`${role}|`));
          if (own) out.push(`${privilege}/${objectType}/${dbName}/${objectName}`);
        }
      }
    }
    return out.join(',');
  }

  it('removing a grant called redundant or without effect, or all of them at once, changes no answer of its role (2.5 rules, 15 states)', () => {
    let checked = 0;
    for (let seed = 1; seed <= 15; seed++) {
      const state = randomState(seed * 32452843);
      const findings = lintPolicy(desiredOf(state), { version: V25 });
      for (const f of findings) {
        const grant = f.subject.grant;
        if (!grant) continue;
        const role = state.roles.find((r) => r.name === f.subject.name)!;
        const partial = f.code === 'no-effect' && /inside|covers no/.test(f.message);
        if (f.code !== 'redundant-grant' && (f.code !== 'no-effect' || partial)) continue;
        const without = { ...state, roles: state.roles.map((r) => (r === role ? { ...r, grants: r.grants.filter((x) => grantKey(x) !== grantKey(grant)) } : r)) };
        expect(answers(without, V25, role.name), `seed ${seed * 32452843}: ${f.message}`).toBe(answers(state, V25, role.name));
        checked++;
      }
      // All redundant and wholly ineffective grants together can go too.
      const removable = new Set(
        findings
          .filter((f) => f.subject.grant && (f.code === 'redundant-grant' || (f.code === 'no-effect' && !/inside|covers no/.test(f.message))))
          .map((f) => `${f.subject.name}|${grantKey(f.subject.grant!)}`),
      );
      const pruned = { ...state, roles: state.roles.map((r) => ({ ...r, grants: r.grants.filter((x) => !removable.has(`${r.name}|${grantKey(x)}`)) })) };
      for (const role of state.roles) expect(answers(pruned, V25, role.name)).toBe(answers(state, V25, role.name));
    }
    expect(checked).toBeGreaterThan(5);
  });
});
