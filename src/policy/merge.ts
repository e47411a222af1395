import type { Origin, Reporter } from './report.js';
import { positionOf } from './source.js';
import type { Path, SourceFile } from './source.js';
import { isFailed } from './schema-check.js';
import type { GrantSpec, MatcherSpec, PolicySpec, PrivilegeGroupSpec, RoleSpec, TargetSpec, UserSpec } from './spec.js';

/** One named definition and where it was written. */
export interface Definition<T> {
  readonly name: string;
  readonly spec: T;
  readonly origin: Origin;
  /** The schema rejected all of it: it still exists for references, but is not checked further. */
  readonly invalid: boolean;
  /** Whether the schema rejected the part at this path below the definition (`['grants', 2]`). */
  readonly failed: (...sub: Path) => boolean;
}

export interface Located<T> {
  readonly value: T;
  readonly origin: Origin;
}

/** Every file of a policy folded into one, each piece remembering its file and path. */
export interface MergedPolicy {
  readonly files: readonly SourceFile[];
  target?: Located<TargetSpec>;
  readonly scope: { users?: Located<MatcherSpec>; roles?: Located<MatcherSpec>; privilegeGroups?: Located<MatcherSpec> };
  readonly databases: Located<string>[];
  readonly privilegeGroups: Map<string, Definition<PrivilegeGroupSpec>>;
  readonly grantSets: Map<string, Definition<readonly GrantSpec[]>>;
  readonly roles: Map<string, Definition<RoleSpec>>;
  readonly users: Map<string, Definition<UserSpec>>;
  /** Where each section key first appears, for messages about a section as a whole. */
  readonly sections: Map<string, Origin>;
}

export interface ParsedFile {
  readonly file: SourceFile;
  readonly spec: PolicySpec;
  /** Definition keys (`roles/x`, `scope`, …) the schema rejected. */
  readonly failed: ReadonlySet<string>;
}

const KIND_LABEL = { privilegeGroups: 'privilege group', grantSets: 'grant set', roles: 'role', users: 'user' } as const;

function where(origin: Origin): string {
  const at = positionOf(origin.file, origin.path, { key: true });
  return `${origin.file.name}:${at.line}:${at.column}`;
}

export function emptyMerged(files: readonly SourceFile[]): MergedPolicy {
  return {
    files,
    scope: {},
    databases: [],
    privilegeGroups: new Map(),
    grantSets: new Map(),
    roles: new Map(),
    users: new Map(),
    sections: new Map(),
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Folds the files in order. A name defined twice (in one file through a merge key, or in two
 * files) is reported at the second definition with the place of the first.
 */
export function mergeFiles(parsed: readonly ParsedFile[], reporter: Reporter): MergedPolicy {
  const merged = emptyMerged(parsed.map((p) => p.file));
  for (const { file, spec, failed } of parsed) {
    if (!isRecord(spec) || failed.has('')) continue;
    for (const section of Object.keys(spec)) {
      if (!merged.sections.has(section)) merged.sections.set(section, { file, path: [section] });
    }
    if (spec.target !== undefined && spec.target !== null && !failed.has('target')) {
      const origin: Origin = { file, path: ['target'] };
      if (merged.target) {
        reporter.error(file, ['target'], {
          code: 'duplicate-definition',
          message: `target is already declared at ${where(merged.target.origin)}`,
          hint: 'declare target in one file only',
          atKey: true,
        });
      } else merged.target = { value: spec.target, origin };
    }
    if (isRecord(spec.scope) && !failed.has('scope')) {
      for (const kind of ['users', 'roles', 'privilegeGroups'] as const) {
        const value = spec.scope[kind];
        if (value === undefined || value === null) continue;
        const origin: Origin = { file, path: ['scope', kind] };
        const seen = merged.scope[kind];
        if (seen) {
          reporter.error(file, origin.path, {
            code: 'duplicate-definition',
            message: `scope.${kind} is already declared at ${where(seen.origin)}`,
            hint: `declare scope.${kind} in one file only`,
            atKey: true,
          });
        } else merged.scope[kind] = { value, origin };
      }
    }
    if (Array.isArray(spec.databases) && !failed.has('databases')) {
      spec.databases.forEach((db, i) => merged.databases.push({ value: db, origin: { file, path: ['databases', i] } }));
    }
    for (const section of ['privilegeGroups', 'grantSets', 'roles', 'users'] as const) {
      const entries = spec[section];
      if (!isRecord(entries) || failed.has(section)) continue;
      const target = merged[section] as Map<string, Definition<unknown>>;
      for (const [name, value] of Object.entries(entries)) {
        const origin: Origin = { file, path: [section, name] };
        const seen = target.get(name);
        if (seen) {
          reporter.error(file, origin.path, {
            code: 'duplicate-definition',
            message: `${KIND_LABEL[section]} "${name}" is already defined at ${where(seen.origin)}`,
            hint: `define each ${KIND_LABEL[section]} once; merge the two definitions`,
            atKey: true,
          });
          continue;
        }
        // An empty entry (`reader:`) declares the object with nothing in it.
        const normalised = value === null ? (section === 'grantSets' ? [] : {}) : value;
        target.set(name, {
          name,
          spec: normalised,
          origin,
          invalid: isFailed(failed, origin.path),
          failed: (...sub: Path) => isFailed(failed, [...origin.path, ...sub]),
        });
      }
    }
  }
  return merged;
}
