import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/policy/index.js';
import { buildPolicySchema, loadPolicyText } from '../../src/policy/index.js';

/** target.settings: server configuration the tool cannot read, declared in the policy. */

const ROLES = 'roles:\n  reader:\n    grants:\n      - object: Collection\n        privileges: [Search]\n';

function policy(target: string): string {
  return `version: 1\ntarget:\n${target}${ROLES}`;
}

function errors(text: string, targetVersion?: string): Diagnostic[] {
  const result = loadPolicyText(text, 'p.yaml', targetVersion ? { targetVersion } : {});
  if (result.ok) throw new Error('expected the policy to be invalid');
  return result.diagnostics.filter((d) => d.severity === 'error');
}

describe('target.settings', () => {
  it('compiles into DesiredState.serverSettings, super users sorted and without duplicates', () => {
    const text = policy('  minVersion: "2.5.4"\n  settings:\n    rootShouldBindRole: true\n    enablePublicPrivilege: false\n    superUsers: [ops, alice, ops]\n');
    const result = loadPolicyText(text, 'p.yaml');
    if (!result.ok) throw new Error(JSON.stringify(result.diagnostics));
    expect(result.desired.serverSettings).toEqual({ rootShouldBindRole: true, enablePublicPrivilege: false, superUsers: ['alice', 'ops'] });
    expect(result.diagnostics).toEqual([]);
  });

  it('leaves serverSettings out when nothing is declared, and `settings: {}` means the same (same hash)', () => {
    const none = loadPolicyText(policy('  minVersion: "2.5.4"\n'), 'p.yaml');
    const empty = loadPolicyText(policy('  minVersion: "2.5.4"\n  settings: {}\n'), 'p.yaml');
    const declared = loadPolicyText(policy('  minVersion: "2.5.4"\n  settings:\n    rootShouldBindRole: false\n'), 'p.yaml');
    if (!none.ok || !empty.ok || !declared.ok) throw new Error('expected valid policies');
    expect(none.desired).not.toHaveProperty('serverSettings');
    expect(empty.desired).not.toHaveProperty('serverSettings');
    expect(empty.hash).toBe(none.hash);
    // A declared setting is part of what the policy asks for: plans made from it record another hash.
    expect(declared.desired.serverSettings).toEqual({ rootShouldBindRole: false });
    expect(declared.hash).not.toBe(none.hash);
  });

  it('refuses rootShouldBindRole before 2.5.4, located at the key and naming the setting', () => {
    const found = errors(policy('  minVersion: "2.5.3"\n  settings:\n    rootShouldBindRole: true\n'));
    expect(found).toEqual([
      {
        severity: 'error',
        file: 'p.yaml',
        line: 5,
        column: 5,
        code: 'version-feature',
        message: 'target.settings.rootShouldBindRole (common.security.rootShouldBindRole) requires Milvus 2.5.4 or newer, but the target is 2.5.3 (target.minVersion)',
        hint: 'raise the target version to "2.5.4", or do without it',
      },
    ]);
  });

  it('accepts enablePublicPrivilege from 2.4.3 (the older key) and says which key applies when refusing it', () => {
    const ok = loadPolicyText(policy('  minVersion: "2.4.3"\n  settings:\n    enablePublicPrivilege: false\n'), 'p.yaml');
    expect(ok.ok).toBe(true);
    const [refused] = errors(policy('  minVersion: "2.4.2"\n  settings:\n    enablePublicPrivilege: false\n'));
    expect(refused?.message).toBe(
      'target.settings.enablePublicPrivilege (proxy.enablePublicPrivilege (2.4.3+), common.security.enablePublicPrivilege (2.5.4+)) requires Milvus 2.4.3 or newer, but the target is 2.4.2 (target.minVersion)',
    );
    expect([refused?.line, refused?.column]).toEqual([5, 5]);
  });

  it('checks against the server version when one is given (plan / apply), over minVersion', () => {
    const text = policy('  settings:\n    rootShouldBindRole: true\n');
    expect(loadPolicyText(text, 'p.yaml').ok).toBe(true);
    expect(errors(text, '2.4.15')[0]?.message).toContain('but the target is 2.4.15 (the target server)');
    expect(loadPolicyText(text, 'p.yaml', { targetVersion: '2.6.0' }).ok).toBe(true);
  });

  it('refuses a super user name Milvus could never have, at its list entry', () => {
    const found = errors(policy('  settings:\n    superUsers: [ops, 9lives]\n'));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ line: 4, column: 23, code: 'invalid-name' });
    expect(found[0]?.message).toBe('superUsers: "9lives": invalid user name 9lives, the first character must be a letter, but got 9');
  });

  it('refuses unknown setting keys and wrong types through the schema', () => {
    const typo = errors(policy('  settings:\n    rootShouldBindRoles: true\n'));
    expect(typo[0]?.message).toContain('rootShouldBindRoles');
    expect(typo[0]?.hint).toContain('rootShouldBindRole');
    expect(errors(policy('  settings:\n    enablePublicPrivilege: "no"\n'))[0]?.line).toBe(4);
  });

  it('is described in the published schema', () => {
    const target = (buildPolicySchema().properties as Record<string, { properties: Record<string, { properties: Record<string, unknown> }> }>).target;
    expect(Object.keys(target?.properties.settings?.properties ?? {})).toEqual(['rootShouldBindRole', 'enablePublicPrivilege', 'superUsers']);
  });
});
