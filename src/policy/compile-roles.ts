import { checkRoleName } from '../model/names.js';
import type { Grant, RoleState } from '../model/types.js';
import type { CompileContext } from './context.js';
import { at, reportName } from './definitions.js';
import { expandGrant } from './grants.js';
import type { GrantOrigins } from './locate.js';
import type { MergedPolicy } from './merge.js';
import { didYouMean } from './nearest.js';
import type { Path } from './source.js';
import { toList } from './spec.js';
import type { GrantSpec, RoleSpec } from './spec.js';

interface IncludeItem {
  readonly set: string;
  readonly databases: readonly string[] | undefined;
  readonly path: Path;
}

function includesOf(spec: RoleSpec, path: Path): IncludeItem[] {
  return (spec.include ?? []).map((entry, i) =>
    typeof entry === 'string'
      ? { set: entry, databases: undefined, path: [...path, 'include', i] }
      : { set: entry.grantSet, databases: toList(entry.databases ?? entry.database), path: [...path, 'include', i] },
  );
}

/** Expands every role's grants and included grant sets into the tuples Milvus stores. */
export function compileRoles(merged: MergedPolicy, ctx: CompileContext, origins?: GrantOrigins): RoleState[] {
  const roles: RoleState[] = [];
  const usedSets = new Set<string>();
  const setCache = new Map<string, Grant[]>();
  for (const def of merged.roles.values()) {
    reportName(ctx.reporter, def, checkRoleName(def.name));
    if (def.invalid) {
      roles.push({ name: def.name, grants: [] });
      continue;
    }
    const grants: Grant[] = [];
    const spec: RoleSpec = def.spec;
    if (!def.failed('grants')) {
      (spec.grants ?? []).forEach((grant, i) => {
        if (def.failed('grants', i)) return;
        const path = [...def.origin.path, 'grants', i];
        const from = grants.length;
        expandGrant(ctx, def.origin.file, path, grant, undefined, grants);
        origins?.record(def.name, grants.slice(from), { file: def.origin.file, path });
      });
    }
    for (const include of def.failed('include') ? [] : includesOf(spec, def.origin.path)) {
      if (def.failed(...include.path.slice(def.origin.path.length))) continue;
      const set = merged.grantSets.get(include.set);
      if (!set) {
        ctx.reporter.error(def.origin.file, include.path, {
          code: 'unknown-grant-set',
          message: `grant set "${include.set}" is not defined`,
          hint: didYouMean(include.set, merged.grantSets.keys(), 'define it under grantSets'),
        });
        continue;
      }
      usedSets.add(include.set);
      if (set.invalid) continue;
      const key = `${include.set}\u0000${include.databases?.join('\u0000') ?? ''}`;
      let expanded = setCache.get(key);
      if (!expanded) {
        expanded = [];
        const target = expanded;
        set.spec.forEach((grant: GrantSpec, i) => {
          if (!set.failed(i)) expandGrant(ctx, set.origin.file, [...set.origin.path, i], grant, include.databases, target);
        });
        setCache.set(key, expanded);
      }
      for (const g of expanded) grants.push(g);
      origins?.record(def.name, expanded, { file: def.origin.file, path: include.path });
    }
    roles.push({ name: def.name, grants });
  }
  for (const def of merged.grantSets.values()) {
    if (usedSets.has(def.name)) continue;
    ctx.reporter.warning(...at(def.origin), {
      code: 'unused-grant-set',
      message: `grant set "${def.name}" is not included by any role`,
      hint: 'include it in a role (include: [name]) or remove it',
      atKey: true,
    });
  }
  return roles;
}

