import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { AJV_OPTIONS, schemaFingerprint } from '../../src/policy/schema-check.js';
import { buildPolicySchema } from '../../src/policy/schema.js';
import { rng } from '../../bench/gen.mjs';
import { policyExampleFiles } from './example-policies.js';

/**
 * `npm run build` writes the schema validator as standalone code (src/policy/write-validator.ts)
 * and the built loader uses it instead of compiling the schema at every start. `npm test` builds
 * first, so these tests check the build in dist/ against the sources.
 */

interface BuiltSchemaCheck {
  schemaValidatorSource(): 'precompiled' | 'compiled';
  loadPrecompiled(schema: object): ValidateFunction | undefined;
}

const built = (await import(new URL('../../dist/policy/schema-check.js', import.meta.url).href)) as BuiltSchemaCheck;
const schema = buildPolicySchema();
const compiledNow = new Ajv(AJV_OPTIONS).compile(schema);

function errorsOf(validate: ValidateFunction, data: unknown): ErrorObject[] {
  validate(data);
  return validate.errors ?? [];
}

/** Documents the schema must refuse, each in a different way. */
const INVALID: readonly unknown[] = [
  null,
  [],
  'version: 1',
  { version: 2 },
  { version: 1, unknown: true },
  { version: 1, roles: { reader: { grants: [{ object: 'Collection', objectName: 5, privileges: [7] }] } } },
  { version: 1, roles: { reader: { grants: [{ object: 'Table', objectName: 'books', privileges: ['Search'] }] } } },
  { version: 1, roles: { reader: { grants: 'all' } } },
  { version: 1, users: { app: { roles: 'reader', password: { env: 7 } } } },
  { version: 1, users: { app: { roles: ['reader'], password: { env: 'A', file: 'B' } } } },
  { version: 1, privilegeGroups: { g: { privileges: 'Search' } } },
  { version: 1, roles: { reader: { protect: 'yes', grants: [{ object: 'Global', objectName: '*', privileges: [] }] } } },
];

describe('the validator generated at build time', () => {
  it('was made from the schema in the sources, and the built loader uses it', () => {
    const source = readFileSync(new URL('../../dist/policy/schema-validator.generated.cjs', import.meta.url), 'utf8');
    expect(source).toContain(JSON.stringify(schemaFingerprint(schema)));
    expect(built.schemaValidatorSource()).toBe('precompiled');
  });

  it('is ignored when it was made from another schema', () => {
    expect(built.loadPrecompiled(schema)).toBeTypeOf('function');
    expect(built.loadPrecompiled({ ...schema, title: 'another schema' })).toBeUndefined();
  });

  it('accepts every example policy and refuses the invalid documents with the same errors as a validator compiled now', () => {
    const precompiled = built.loadPrecompiled(schema);
    if (!precompiled) throw new Error('no precompiled validator in dist/: run npm run build');
    for (const file of policyExampleFiles()) {
      expect(errorsOf(precompiled, parse(readFileSync(file, 'utf8'))), file).toEqual([]);
    }
    for (const document of INVALID) {
      const expected = errorsOf(compiledNow, document);
      expect(expected.length, JSON.stringify(document)).toBeGreaterThan(0);
      expect(errorsOf(precompiled, document), JSON.stringify(document)).toEqual(expected);
    }
  });

  it('gives the same errors on randomly damaged copies of the examples', () => {
    const precompiled = built.loadPrecompiled(schema);
    if (!precompiled) throw new Error('no precompiled validator in dist/: run npm run build');
    const random = rng(20261125);
    const junk: readonly unknown[] = [null, 0, 'x', true, [], {}, ['Search'], { env: 1 }];
    let refused = 0;
    for (const file of policyExampleFiles()) {
      for (let i = 0; i < 20; i++) {
        const document = parse(readFileSync(file, 'utf8')) as unknown;
        damage(document, random, junk);
        const expected = errorsOf(compiledNow, document);
        if (expected.length > 0) refused++;
        expect(errorsOf(precompiled, document)).toEqual(expected);
      }
    }
    // The damage must actually produce invalid documents, or the comparison proves little.
    expect(refused).toBeGreaterThan(20);
  });
});

/** Replaces one value somewhere in the document with junk. */
function damage(document: unknown, random: () => number, junk: readonly unknown[]): void {
  let node = document;
  for (let depth = 0; depth < 8; depth++) {
    if (typeof node !== 'object' || node === null) return;
    const container = node as Record<string, unknown>;
    const keys = Object.keys(container);
    if (keys.length === 0) return;
    const key = keys[Math.floor(random() * keys.length)] as string;
    const child = container[key];
    if (typeof child !== 'object' || child === null || random() < 0.3) {
      container[key] = junk[Math.floor(random() * junk.length)];
      return;
    }
    node = child;
  }
}
