import { readFile } from 'node:fs/promises';
import { Ajv } from 'ajv';
import { LineCounter, parseDocument } from 'yaml';
import type { AccessIndex } from '../model/access.js';
import { objectTypeOf, PRIVILEGES } from '../model/catalogue.js';
import { ROOT_USER } from '../model/names.js';
import type { ObjectType } from '../model/types.js';
import { JSON_FORMAT_VERSION } from '../report/format-version.js';

/**
 * `rbac test`: assertions kept beside the policy ("alice can Search on sales.orders", "nobody
 * outside ops can DropCollection", "ingest_job cannot reach database hr"), checked against the
 * effective access of a policy or of the live instance, each failure at its line in the test file.
 */

interface Target {
  readonly database?: string;
  readonly collection?: string;
}

interface TestSpec {
  readonly name?: string;
  readonly user?: string;
  readonly nobody?: true;
  readonly except?: readonly string[];
  readonly can?: string | readonly string[];
  readonly cannot?: string | readonly string[];
  readonly on?: Target;
}

interface TestFile {
  readonly version: 1;
  readonly tests: readonly TestSpec[];
}

const privileges = { anyOf: [{ type: 'string', minLength: 1 }, { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } }] };
const SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['version', 'tests'],
  properties: {
    version: { const: 1 },
    tests: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        properties: {
          name: { type: 'string' },
          user: { type: 'string', minLength: 1 },
          nobody: { const: true },
          except: { type: 'array', items: { type: 'string', minLength: 1 } },
          can: privileges,
          cannot: privileges,
          on: { type: 'object', additionalProperties: false, properties: { database: { type: 'string', minLength: 1 }, collection: { type: 'string', minLength: 1 } } },
        },
        oneOf: [
          { required: ['user'], not: { anyOf: [{ required: ['nobody'] }, { required: ['except'] }] } },
          { required: ['nobody'], not: { required: ['user'] } },
        ],
      },
    },
  },
} as const;

const validate = new Ajv({ allErrors: true, allowUnionTypes: true }).compile<TestFile>(SCHEMA);

export interface TestOutcome {
  readonly name: string;
  readonly line: number;
  readonly column: number;
  readonly passed: boolean;
  /** Why it failed: each user and privilege that broke it. */
  readonly failures: readonly string[];
}

export class PolicyTestError extends Error {}

interface Loaded {
  readonly tests: readonly { readonly spec: TestSpec; readonly line: number; readonly column: number }[];
}

export async function loadTests(file: string): Promise<Loaded> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new PolicyTestError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false });
  if (doc.errors.length > 0) throw new PolicyTestError(`${file}: ${doc.errors[0]?.message ?? 'not YAML'}`);
  const data: unknown = doc.toJS();
  const at = (path: readonly (string | number)[]): { line: number; column: number } => {
    const node = doc.getIn(path, true) as { range?: [number, number, number] } | undefined;
    const pos = counter.linePos(node?.range?.[0] ?? 0);
    return { line: pos.line, column: pos.col };
  };
  if (!validate(data)) {
    const problems = (validate.errors ?? []).map((e) => {
      const path = e.instancePath.split('/').slice(1).map((p) => (/^\d+$/.test(p) ? Number(p) : p));
      const where = at(path);
      return `${file}:${where.line}:${where.column}: ${e.instancePath || 'the file'} ${e.message ?? 'is not valid'}`;
    });
    throw new PolicyTestError([...new Set(problems)].join('\n'));
  }
  return { tests: data.tests.map((spec, i) => ({ spec, ...at(['tests', i]) })) };
}

const list = (p: string | readonly string[] | undefined): string[] => (p === undefined ? [] : typeof p === 'string' ? [p] : [...p]);

/** `any` stands for every single privilege Milvus has. */
function privilegesOf(named: readonly string[]): string[] {
  return named.flatMap((p) => (p === 'any' ? PRIVILEGES.map((info) => info.name) : [p]));
}

/**
 * The objects a privilege is asked on: the one named, or for `cannot` / `nobody`, every object
 * where the state grants anything: the database named (or, with none named, every database the
 * state grants in, and `default`), and in it every collection some grant names.
 */
function targetsFor(index: AccessIndex, privilege: string, on: Target | undefined, wide: boolean): { objectType: ObjectType; objectName: string; dbName: string }[] {
  const objectType = objectTypeOf(privilege);
  const databases = on?.database ? [on.database] : wide ? ['default', ...index.databasesGranted().filter((d) => d !== 'default')] : ['default'];
  return databases.flatMap((dbName): { objectType: ObjectType; objectName: string; dbName: string }[] => {
    if (objectType !== 'Collection') return [{ objectType, objectName: '*', dbName }];
    if (on?.collection) return [{ objectType, objectName: on.collection, dbName }];
    const named = wide ? index.collectionsGrantedIn(dbName) : [];
    return [{ objectType, objectName: '*', dbName }, ...named.map((objectName) => ({ objectType, objectName, dbName }))];
  });
}

/** Names the assertion gets wrong: a privilege Milvus does not have, a user the state does not hold. */
function unknownNames(index: AccessIndex, spec: TestSpec, privileges: readonly string[]): string[] {
  const known = new Set(PRIVILEGES.map((p) => p.name));
  const out = privileges.filter((p) => !known.has(p)).map((p) => `no privilege ${p} in Milvus (a typo?)`);
  if (spec.user !== undefined && spec.user !== ROOT_USER && !index.userNames().includes(spec.user)) out.push(`no user ${spec.user} in this state`);
  return out;
}

function where(t: { objectType: ObjectType; objectName: string; dbName: string }): string {
  return t.objectType === 'Collection' ? `collection ${t.dbName}.${t.objectName}` : t.objectType === 'User' ? 'users' : `database ${t.dbName}`;
}

export function runTests(loaded: Loaded, index: AccessIndex): TestOutcome[] {
  return loaded.tests.map(({ spec, line, column }) => {
    const can = privilegesOf(list(spec.can));
    const cannot = privilegesOf(list(spec.cannot));
    const users = spec.user !== undefined ? [spec.user] : [ROOT_USER, ...index.userNames().filter((u) => u !== ROOT_USER)].filter((u) => !(spec.except ?? []).includes(u) && !index.rolesOf(u).some((r) => (spec.except ?? []).includes(r)));
    const failures: string[] = unknownNames(index, spec, [...can, ...cannot]);
    for (const user of failures.length > 0 ? [] : users) {
      for (const privilege of spec.nobody ? [] : can) {
        for (const t of targetsFor(index, privilege, spec.on, false)) {
          if (!index.decide(user, { privilege, ...t }).allowed) failures.push(`${user} cannot ${privilege} on ${where(t)}`);
        }
      }
      // `nobody: true` with `can` reads "nobody can": the same check as cannot.
      const denied = spec.nobody ? [...can, ...cannot] : cannot;
      for (const privilege of denied) {
        for (const t of targetsFor(index, privilege, spec.on, true)) {
          const d = index.decide(user, { privilege, ...t });
          if (d.allowed) failures.push(`${user} can ${privilege} on ${where(t)} (${d.because === 'grant' ? `role ${d.role}: ${d.grant.privilege} on ${d.grant.objectType} ${d.grant.dbName}.${d.grant.objectName}` : `as ${d.because}`})`);
        }
      }
    }
    const subject = spec.user ?? `nobody${spec.except?.length ? ` but ${spec.except.join(', ')}` : ''}`;
    const verb = spec.nobody ? 'can' : spec.can ? 'can' : 'cannot';
    const name = spec.name ?? `${subject} ${verb} ${[...list(spec.can), ...list(spec.cannot)].join(', ')}${spec.on ? ` on ${spec.on.collection ? `${spec.on.database ?? 'default'}.${spec.on.collection}` : `database ${spec.on.database ?? 'default'}`}` : ''}`;
    return { name, line, column, passed: failures.length === 0, failures };
  });
}

export function renderTestsText(file: string, outcomes: readonly TestOutcome[], origin: string): string {
  const out = outcomes.map((o) => (o.passed ? `ok    ${o.name}` : `FAIL  ${file}:${o.line}:${o.column}: ${o.name}\n${o.failures.slice(0, 10).map((f) => `        ${f}`).join('\n')}${o.failures.length > 10 ? `\n        and ${o.failures.length - 10} more` : ''}`));
  const failed = outcomes.filter((o) => !o.passed).length;
  return `${out.join('\n')}\n\n${outcomes.length - failed} passed, ${failed} failed (against ${origin})\n`;
}

export function testsJson(file: string, outcomes: readonly TestOutcome[], origin: string): string {
  return `${JSON.stringify({ formatVersion: JSON_FORMAT_VERSION, file, against: origin, passed: outcomes.filter((o) => o.passed).length, failed: outcomes.filter((o) => !o.passed).length, tests: outcomes }, null, 2)}\n`;
}
