import { checkDatabaseName, DEFAULT_DATABASE } from '../model/names.js';
import type { PrivilegeLevel } from '../model/types.js';
import { requireVersion } from './context.js';
import type { CompileContext } from './context.js';
import { didYouMean } from './nearest.js';
import {
  BUILTIN_GROUP_ALIASES,
  BUILTIN_GROUP_NAMES,
  builtinGroup,
  isLegacyGroup,
  isSinglePrivilege,
  levelOfPrivilege,
  isMainBranchPrivilege,
  privilegeSince,
  SINGLE_PRIVILEGE_NAMES,
} from './privileges.js';
import type { Path, SourceFile } from './source.js';
import type { GrantSpec, OneOrMany } from './spec.js';

/** What both grant forms share: reading their fields, resolving privilege names, checking databases. */

export const LEVEL_RANK: Readonly<Record<PrivilegeLevel, number>> = { collection: 0, database: 1, cluster: 2 };

export type Resolved =
  | { readonly kind: 'single'; readonly name: string; readonly level: PrivilegeLevel | undefined }
  | { readonly kind: 'builtinGroup'; readonly name: string; readonly level: PrivilegeLevel }
  | { readonly kind: 'customGroup'; readonly name: string; readonly level: PrivilegeLevel | undefined }
  /** Declared in `target.serverPrivileges`: unknown to the catalogue, so its object type is whatever the grant says. */
  | { readonly kind: 'serverPrivilege'; readonly name: string; readonly level: undefined };

/** One value of a one-or-many field together with the path that points at it. */
export interface Item {
  readonly value: string;
  readonly path: Path;
}

/**
 * Reads a field that may be spelled singular or plural and hold one value or a list.
 * Both spellings at once is an error; the values come back with their own paths.
 */
export function field(
  ctx: CompileContext,
  file: SourceFile,
  path: Path,
  spec: Readonly<Record<string, unknown>>,
  plural: string,
  singular: string,
): Item[] | undefined {
  const hasPlural = spec[plural] !== undefined;
  const hasSingular = spec[singular] !== undefined;
  if (hasPlural && hasSingular) {
    ctx.reporter.error(file, [...path, singular], {
      code: 'conflicting-keys',
      message: `a grant may have "${plural}" or "${singular}", not both`,
      hint: `merge the values into "${plural}"`,
      atKey: true,
    });
  }
  if (!hasPlural && !hasSingular) return undefined;
  const key = hasPlural ? plural : singular;
  const value = spec[key] as OneOrMany<string>;
  if (Array.isArray(value)) return (value as string[]).map((v, i) => ({ value: v, path: [...path, key, i] }));
  return [{ value: value as string, path: [...path, key] }];
}

function privilegeCandidates(ctx: CompileContext): string[] {
  return [...SINGLE_PRIVILEGE_NAMES, ...BUILTIN_GROUP_NAMES, ...BUILTIN_GROUP_ALIASES, ...ctx.groups.keys()];
}

export function resolvePrivilege(ctx: CompileContext, file: SourceFile, item: Item): Resolved | undefined {
  const name = item.value;
  if (isSinglePrivilege(name)) {
    const since = privilegeSince(name);
    const label = isMainBranchPrivilege(name) ? `privilege ${name} (on Milvus's main branch, in no release yet)` : `privilege ${name}`;
    if (since) requireVersion(ctx, since, label, file, item.path);
    return { kind: 'single', name, level: levelOfPrivilege(name, ctx.target?.version) };
  }
  const group = builtinGroup(name);
  if (group) {
    requireVersion(ctx, group.since, `built-in privilege group ${group.name}`, file, item.path);
    return { kind: 'builtinGroup', name: group.name, level: group.level };
  }
  const custom = ctx.groups.get(name);
  if (custom) return { kind: 'customGroup', name, level: custom.level };
  if (ctx.serverPrivileges.has(name)) return { kind: 'serverPrivilege', name, level: undefined };
  if (isLegacyGroup(name)) {
    ctx.reporter.error(file, item.path, {
      code: 'legacy-group',
      message: `${name} is a legacy privilege group that Milvus refuses to grant`,
      hint: `grant the built-in group of the level you need instead (Collection${name}, Database${name} or Cluster${name} where it exists)`,
    });
    return undefined;
  }
  if (name === '*') {
    ctx.reporter.error(file, item.path, {
      code: 'unknown-privilege',
      message: 'privilege "*" is not supported in a policy',
      hint: 'grant "All", or a built-in group such as ClusterAdmin',
    });
    return undefined;
  }
  if (ctx.isExternalGroup(name)) {
    ctx.reporter.warning(file, item.path, {
      code: 'external-group',
      message: `privilege group "${name}" is not defined in this policy; it is outside scope.privilegeGroups, so it must already exist on the server`,
    });
    ctx.groups.set(name, { level: undefined, external: true });
    return { kind: 'customGroup', name, level: undefined };
  }
  ctx.reporter.error(file, item.path, {
    code: 'unknown-privilege',
    message: `"${name}" is neither a Milvus privilege nor a privilege group defined in this policy`,
    hint: didYouMean(name, privilegeCandidates(ctx), 'define it under privilegeGroups, or see docs/policy.md for the privilege names'),
  });
  return undefined;
}

export function checkDatabase(ctx: CompileContext, file: SourceFile, item: Item, allowWildcard: boolean, wildcardHint: string): boolean {
  const db = item.value;
  if (db === '*') {
    if (allowWildcard) return true;
    ctx.reporter.error(file, item.path, { code: 'invalid-wildcard', message: 'database "*" is not allowed here', hint: wildcardHint });
    return false;
  }
  const problem = checkDatabaseName(db);
  if (problem) {
    ctx.reporter.error(file, item.path, { code: 'invalid-name', message: problem });
    return false;
  }
  if (ctx.declaredDatabases && db !== DEFAULT_DATABASE && !ctx.declaredDatabases.has(db)) {
    ctx.reporter.error(file, item.path, {
      code: 'undeclared-database',
      message: `database "${db}" is not listed in databases`,
      hint: didYouMean(db, [DEFAULT_DATABASE, ...ctx.declaredDatabases], 'add it to the databases list'),
    });
    return false;
  }
  if (db !== DEFAULT_DATABASE) ctx.usedDatabases.add(db);
  return true;
}

export function databasesOf(ctx: CompileContext, file: SourceFile, path: Path, spec: GrantSpec, inherited: readonly string[] | undefined): Item[] {
  const own = field(ctx, file, path, spec as Readonly<Record<string, unknown>>, 'databases', 'database');
  if (own) return own;
  if (inherited) return inherited.map((value) => ({ value, path }));
  return [{ value: DEFAULT_DATABASE, path }];
}

export function privilegesOf(ctx: CompileContext, file: SourceFile, path: Path, spec: GrantSpec): Item[] {
  const items = field(ctx, file, path, spec as Readonly<Record<string, unknown>>, 'privileges', 'privilege');
  if (!items) {
    ctx.reporter.error(file, path, {
      code: 'missing-privileges',
      message: 'a grant needs "privileges"',
      hint: 'add privileges: [Search, Query] (or a built-in group such as COLL_RO)',
    });
    return [];
  }
  return items;
}

