import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { matchesName } from '../../src/model/scope.js';
import { featuresOf, parseMilvusVersion, profileOf, PROFILE_VERSION_STRING, VERSION_PROFILES } from '../../src/model/versions.js';
import { TOOL_VERSION } from '../../src/version.js';

describe('parseMilvusVersion', () => {
  it.each([
    ['v2.5.4', { major: 2, minor: 5, patch: 4 }],
    ['2.4.0-rc1', { major: 2, minor: 4, patch: 0 }],
    ['v2.3.9-lite', { major: 2, minor: 3, patch: 9 }],
    [' v2.6 ', { major: 2, minor: 6, patch: 0 }],
  ])('parses %j', (text, expected) => {
    expect(parseMilvusVersion(text)).toEqual(expected);
  });
  it('rejects what is not a version', () => {
    expect(parseMilvusVersion('unknown')).toBeNull();
  });
});

describe('featuresOf', () => {
  it('gives privilege groups and v2 grants from 2.4.18 on, BackupRBAC from 2.4.9 on', () => {
    const v23 = featuresOf(parseMilvusVersion('v2.3.5-lite')!);
    const v24 = featuresOf(parseMilvusVersion('v2.4.15')!);
    const v25 = featuresOf(parseMilvusVersion('v2.5.0')!);
    expect([v23.privilegeGroups, v23.grantV2, v23.backupRbac, v23.relatedPrivileges]).toEqual([false, false, false, false]);
    expect([v24.privilegeGroups, v24.grantV2, v24.backupRbac, v24.relatedPrivileges]).toEqual([false, false, true, true]);
    expect([v25.privilegeGroups, v25.grantV2, v25.backupRbac]).toEqual([true, true, true]);
  });
  it('maps every profile version string back to its profile', () => {
    for (const profile of VERSION_PROFILES) {
      expect(profileOf(parseMilvusVersion(PROFILE_VERSION_STRING[profile])!)).toBe(profile);
    }
  });
});

describe('matchesName', () => {
  it('matches by all, name, prefix and glob', () => {
    expect(matchesName({ all: true }, 'x')).toBe(true);
    expect(matchesName({ names: ['a'] }, 'a')).toBe(true);
    expect(matchesName({ names: ['a'] }, 'ab')).toBe(false);
    expect(matchesName({ prefixes: ['team_'] }, 'team_1')).toBe(true);
    expect(matchesName({ patterns: ['svc_*_ro'] }, 'svc_books_ro')).toBe(true);
    expect(matchesName({ patterns: ['svc_*_ro'] }, 'svc_books_rw')).toBe(false);
    expect(matchesName({ patterns: ['a.b'] }, 'axb')).toBe(false);
    expect(matchesName({}, 'anything')).toBe(false);
  });
});

describe('tool version', () => {
  it('matches package.json', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(TOOL_VERSION).toBe(pkg.version);
  });
});
