import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { buildPolicySchema } from '../../src/policy/index.js';
import { levenshtein, nearestName } from '../../src/policy/nearest.js';
import { policyExampleFiles } from './example-policies.js';
import { BUILTIN_GROUP_ALIASES, BUILTIN_GROUP_NAMES, SINGLE_PRIVILEGE_NAMES } from '../../src/policy/privileges.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const published = JSON.parse(readFileSync(join(root, 'schema/policy.schema.json'), 'utf8')) as Record<string, unknown>;


describe('schema/policy.schema.json', () => {
  it('is exactly the schema the loader validates with (regenerate: npx tsx src/policy/write-schema.ts)', () => {
    expect(published).toEqual(buildPolicySchema());
  });

  it('names every built-in privilege, group and alias, so editors can complete them', () => {
    const text = JSON.stringify(published);
    for (const name of [...SINGLE_PRIVILEGE_NAMES, ...BUILTIN_GROUP_NAMES, ...BUILTIN_GROUP_ALIASES]) expect(text).toContain(`"${name}"`);
    expect(BUILTIN_GROUP_ALIASES).toEqual(['COLL_RO', 'COLL_RW', 'COLL_ADMIN', 'DB_RO', 'DB_RW', 'DB_Admin', 'Cluster_RO', 'Cluster_RW', 'Cluster_Admin']);
  });

  const examples = policyExampleFiles();
  const validate = new Ajv({ strict: true, allowUnionTypes: true, allErrors: true }).compile(published);

  it.each(examples.map((path) => [path.slice(root.length), path]))('%s validates against the published schema', (_name, path) => {
    const text = readFileSync(path, 'utf8');
    expect(validate(parse(text))).toBe(true);
    // The editor comment must point at the schema file from where the example lives.
    const comment = /^# yaml-language-server: \$schema=(\S+)$/m.exec(text);
    expect(comment).not.toBeNull();
    expect(existsSync(resolve(dirname(path), comment?.[1] ?? ''))).toBe(true);
  });

  it('rejects what the schema forbids', () => {
    expect(validate({ version: 1, roles: { r: { grants: [{ privileges: ['Search'], colections: ['a'] }] } } })).toBe(false);
    expect(validate({ version: 1, users: { u: { password: 'literal' } } })).toBe(false);
  });
});

describe('nearest names for hints', () => {
  it('counts a swap of neighbouring letters as one edit', () => {
    expect(levenshtein('Qeury', 'Query')).toBe(1);
    expect(levenshtein('Serach', 'Search')).toBe(1);
    expect(levenshtein('kitten', 'sitting')).toBe(3);
  });

  it('suggests the closest name, ignoring case, and nothing when nothing is close', () => {
    expect(nearestName('Serach', SINGLE_PRIVILEGE_NAMES)).toBe('Search');
    expect(nearestName('search', SINGLE_PRIVILEGE_NAMES)).toBe('Search');
    expect(nearestName('CreateColection', SINGLE_PRIVILEGE_NAMES)).toBe('CreateCollection');
    expect(nearestName('coll_ro', BUILTIN_GROUP_ALIASES)).toBe('COLL_RO');
    expect(nearestName('Frobnicate', SINGLE_PRIVILEGE_NAMES)).toBeUndefined();
  });
});
