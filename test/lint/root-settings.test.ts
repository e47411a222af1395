import { describe, expect, it } from 'vitest';
import { lintPolicy } from '../../src/lint/index.js';
import { loadPolicyText } from '../../src/policy/index.js';

/** `user-without-roles` and root: root needs a role only when the server makes it bind one. */

function lintCodes(settings: string): string[] {
  const text = `version: 1\ntarget:\n  minVersion: "2.5.4"\n${settings}users:\n  root:\n    roles: []\n`;
  const loaded = loadPolicyText(text, 'p.yaml');
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.diagnostics));
  return lintPolicy(loaded.desired).map((f) => `${f.code} ${f.message}`);
}

describe('lint and target.settings.rootShouldBindRole', () => {
  it('says nothing about a root without roles by default: root bypasses the checks', () => {
    expect(lintCodes('')).toEqual([]);
    expect(lintCodes('  settings:\n    rootShouldBindRole: false\n')).toEqual([]);
  });

  it('flags a root without roles when root must bind a role', () => {
    expect(lintCodes('  settings:\n    rootShouldBindRole: true\n')).toEqual([
      'user-without-roles user root has no roles: it can do only what public allows (target.settings.rootShouldBindRole is true, so root no longer bypasses the checks)',
    ]);
  });
});
