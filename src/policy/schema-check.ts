import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { Ajv } from 'ajv';
import type { ErrorObject, Options, ValidateFunction } from 'ajv';
import { didYouMean } from './nearest.js';
import { builtinGroup, isLegacyGroup } from './privileges.js';
import type { Reporter } from './report.js';
import { buildPolicySchema } from './schema.js';
import type { Path, SourceFile } from './source.js';

export const AJV_OPTIONS: Options = { allErrors: true, verbose: true, strict: true, allowUnionTypes: true };

/** The validator as standalone code, written next to the built module by `npm run build` (write-validator.ts). */
export const PRECOMPILED_VALIDATOR = './schema-validator.generated.cjs';

export function schemaFingerprint(schema: object): string {
  return createHash('sha256').update(JSON.stringify(schema)).digest('hex');
}

interface PrecompiledModule extends ValidateFunction {
  readonly schemaFingerprint?: string;
}

export function loadPrecompiled(schema: object): ValidateFunction | undefined {
  let loaded: PrecompiledModule;
  try {
    loaded = createRequire(import.meta.url)(PRECOMPILED_VALIDATOR) as PrecompiledModule;
  } catch (error) {
    // Running from the sources (tests, tsx) there is no generated file: compile instead.
    if ((error as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND') return undefined;
    throw error;
  }
  return loaded.schemaFingerprint === schemaFingerprint(schema) ? loaded : undefined;
}

interface ValidatorInUse {
  readonly validate: ValidateFunction;
  readonly source: 'precompiled' | 'compiled';
}

let inUse: ValidatorInUse | undefined;

/** The standalone validator when the build made one for this very schema, else compiled now (and kept). */
function validatorInUse(): ValidatorInUse {
  if (!inUse) {
    const schema = buildPolicySchema();
    const precompiled = loadPrecompiled(schema);
    inUse = precompiled ? { validate: precompiled, source: 'precompiled' } : { validate: new Ajv(AJV_OPTIONS).compile(schema), source: 'compiled' };
  }
  return inUse;
}

/** Which validator this process uses (for the tests). */
export function schemaValidatorSource(): ValidatorInUse['source'] {
  return validatorInUse().source;
}

function parsePointer(pointer: string): Path {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((raw) => {
      const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
      return /^\d+$/.test(segment) ? Number(segment) : segment;
    });
}

/** `roles.reader.grants[0].privileges` — how a place in the policy is named in messages. */
export function describePath(path: Path): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? segment : `.${segment}`;
  }
  return out === '' ? 'the policy' : out;
}

function propertiesOf(schema: unknown): string[] {
  const props = (schema as { properties?: Record<string, unknown> } | undefined)?.properties;
  return props ? Object.keys(props) : [];
}

function typeName(data: unknown): string {
  if (data === null) return 'empty';
  if (typeof data === 'number' || typeof data === 'boolean') return String(data);
  if (Array.isArray(data)) return 'a list';
  if (typeof data === 'object') return 'a mapping';
  return `a ${typeof data}`;
}

const EXPECTED: Readonly<Record<string, string>> = {
  object: 'a mapping',
  array: 'a list',
  string: 'a string',
  boolean: 'true or false',
  integer: 'a whole number',
  number: 'a number',
  null: 'empty',
};

function expectedTypes(type: unknown): string {
  const list = Array.isArray(type) ? type : [type];
  return list.map((t) => EXPECTED[String(t)] ?? String(t)).join(' or ');
}

interface Translated {
  readonly path: Path;
  readonly atKey: boolean;
  readonly code: string;
  readonly message: string;
  readonly hint?: string | undefined;
}

function translate(error: ErrorObject): Translated {
  const path = parsePointer(error.instancePath);
  const where = describePath(path);
  const last = path[path.length - 1];
  switch (error.keyword) {
    case 'additionalProperties': {
      const extra = String((error.params as { additionalProperty: string }).additionalProperty);
      const allowed = propertiesOf(error.parentSchema);
      const hint = didYouMean(extra, allowed, allowed.length ? `allowed here: ${allowed.join(', ')}` : undefined);
      return {
        path: [...path, extra],
        atKey: true,
        code: 'unknown-property',
        message: `unknown property "${extra}" in ${where}`,
        hint,
      };
    }
    case 'required': {
      const missing = String((error.params as { missingProperty: string }).missingProperty);
      return { path, atKey: false, code: 'missing-property', message: `${where} needs "${missing}"` };
    }
    case 'type': {
      if ((last === 'password' || last === 'oldPassword') && (typeof error.data === 'string' || typeof error.data === 'number')) {
        return {
          path,
          atKey: false,
          code: 'literal-password',
          message: `${where}: a literal password is not allowed in a policy`,
          hint: 'read it from the environment or a file: password: { env: MY_USER_PASSWORD } or password: { file: ./secrets/my_user }',
        };
      }
      if (path.length === 0 && (error.data === null || error.data === undefined)) {
        return { path, atKey: false, code: 'empty-policy', message: 'the policy is empty', hint: 'start the file with "version: 1"' };
      }
      // The else-branch of a "one string or a list" field: say both forms are fine.
      const expected = error.schemaPath.endsWith('/else/type') && error.params.type === 'array' ? 'a string or a list' : expectedTypes(error.params.type);
      return { path, atKey: false, code: 'wrong-type', message: `${where} must be ${expected}, not ${typeName(error.data)}` };
    }
    case 'enum': {
      const rawAllowed = (error.params as { allowedValues: unknown[] }).allowedValues ?? [];
      const allowed = rawAllowed.map(String);
      const value = error.data;
      const shown = typeof value === 'string' || typeof value === 'number' ? `"${value}"` : typeName(value);
      const hint =
        typeof value === 'string' ? didYouMean(value, allowed, allowed.length <= 12 ? `expected one of: ${allowed.join(', ')}` : undefined) : undefined;
      const code = typeof last === 'number' && path[path.length - 2] === 'privileges' ? 'unknown-privilege' : 'invalid-value';
      if (typeof value === 'string' && rawAllowed.some((a) => typeof a === 'number' && String(a) === value)) {
        return { path, atKey: false, code, message: `${where} must be the number ${value}, not the string "${value}"`, hint: 'write it without quotes' };
      }
      if (path[0] === 'privilegeGroups' && typeof value === 'string' && !builtinGroup(value) && !isLegacyGroup(value)) {
        return {
          path,
          atKey: false,
          code: 'unknown-privilege',
          message: `"${value}" is not a Milvus privilege`,
          hint: didYouMean(value, allowed, 'a custom privilege group holds single built-in privileges only (see docs/policy.md)'),
        };
      }
      if (path[0] === 'privilegeGroups' && typeof value === 'string') {
        return {
          path,
          atKey: false,
          code: 'group-in-group',
          message: `${value} is a privilege group; a custom group holds single privileges only`,
          hint: `list its privileges instead, or grant ${builtinGroup(value)?.name ?? value} directly next to this group`,
        };
      }
      return { path, atKey: false, code, message: `${shown} is not a valid value for ${where}`, hint: hint ?? `expected one of: ${allowed.slice(0, 12).join(', ')}${allowed.length > 12 ? ', …' : ''}` };
    }
    case 'anyOf':
      return { path, atKey: false, code: 'wrong-type', message: `${where} must be a privilege name (a string), not ${typeName(error.data)}` };
    case 'minItems':
      return { path, atKey: false, code: 'empty-list', message: `${where} must not be an empty list`, hint: 'list at least one entry, or remove the key' };
    case 'minLength':
      return { path, atKey: false, code: 'empty-name', message: `${where} must not be empty` };
    case 'minProperties':
    case 'maxProperties':
      return {
        path,
        atKey: false,
        code: 'password-source',
        message: `${where} needs exactly one of "env" or "file"`,
        hint: 'password: { env: MY_USER_PASSWORD } or password: { file: ./secrets/my_user }',
      };
    case 'pattern':
      if (last === 'env') {
        return {
          path,
          atKey: false,
          code: 'invalid-env-name',
          message: `${where} is not a valid environment variable name`,
          hint: 'use letters, digits and underscores, not starting with a digit',
        };
      }
      if (last === 'minVersion') {
        return { path, atKey: false, code: 'invalid-version', message: `${where} is not a Milvus version`, hint: 'write it as "2.5" or "2.5.4"' };
      }
      return { path, atKey: false, code: 'invalid-value', message: `${where} ${error.message ?? 'is invalid'}` };
    case 'minimum':
      return { path, atKey: false, code: 'invalid-value', message: `${where} must be at least ${String((error.params as { limit: number }).limit)}` };
    default:
      return { path, atKey: false, code: 'schema', message: `${where} ${error.message ?? 'is invalid'}` };
  }
}

/** Errors raised inside an anyOf branch or by if/then/else are restatements of a more precise error. */
function declaredServerPrivileges(data: unknown): ReadonlySet<string> {
  const target = typeof data === 'object' && data !== null ? (data as { target?: unknown }).target : undefined;
  const list = typeof target === 'object' && target !== null ? (target as { serverPrivileges?: unknown }).serverPrivileges : undefined;
  return new Set(Array.isArray(list) ? list.filter((x): x is string => typeof x === 'string') : []);
}

function isNoise(error: ErrorObject): boolean {
  return error.keyword === 'if' || error.schemaPath.includes('/anyOf/');
}

/**
 * Validates one file's data against the schema and reports every error located in the file.
 * Returns the failed parts (see {@link failureKey}).
 */
export function checkSchema(file: SourceFile, reporter: Reporter): Set<string> {
  const validate = validatorInUse().validate;
  const failed = new Set<string>();
  if (validate(file.data)) return failed;
  const seen = new Set<string>();
  const declared = declaredServerPrivileges(file.data);
  for (const error of validate.errors ?? []) {
    if (isNoise(error)) continue;
    // A group member the file declares under target.serverPrivileges is the server's to know.
    if (error.keyword === 'enum' && typeof error.data === 'string' && declared.has(error.data) && error.instancePath.startsWith('/privilegeGroups/')) continue;
    const t = translate(error);
    const key = `${t.path.join('/')}\u0000${t.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    reporter.error(file, t.path, { code: t.code, message: t.message, hint: t.hint, atKey: t.atKey });
    failed.add(failureKey(t.path));
  }
  return failed;
}

/** How deep a schema failure reaches: one grant, one field of a definition, or a whole section. */
function failureDepth(path: Path): number {
  switch (path[0]) {
    case 'roles':
      return path[2] === 'grants' || path[2] === 'include' ? 4 : 3;
    case 'users':
    case 'privilegeGroups':
    case 'grantSets':
      return 3;
    default:
      return 1;
  }
}

/**
 * The part of the policy a schema error makes unusable, as a `/`-joined path: the semantic checks
 * skip exactly that part (one grant, a user's password, …) and still check everything else.
 */
export function failureKey(path: Path): string {
  return path.slice(0, failureDepth(path)).map(String).join('/');
}

/** Whether `path` lies inside a part that failed the schema. */
export function isFailed(failed: ReadonlySet<string>, path: Path): boolean {
  if (failed.has('')) return true;
  let key = '';
  for (const segment of path) {
    key = key === '' ? String(segment) : `${key}/${String(segment)}`;
    if (failed.has(key)) return true;
  }
  return false;
}
