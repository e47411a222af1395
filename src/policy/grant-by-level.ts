import { checkCollectionName } from '../model/names.js';
import type { Grant, PrivilegeLevel } from '../model/types.js';
import { checkPlatformPrivilege } from './check-platform.js';
import { requireFeature } from './context.js';
import type { CompileContext } from './context.js';
import { checkDatabase, databasesOf, field, LEVEL_RANK, privilegesOf, resolvePrivilege } from './grant-fields.js';
import type { Resolved } from './grant-fields.js';
import { objectTypeOfPrivilege } from './privileges.js';
import type { Path, SourceFile } from './source.js';
import type { LevelGrantSpec } from './spec.js';

/** Grants written by level (OperatePrivilegeV2). */

/**
 * The level of a grant without `level:`: the one level its privileges share. Privileges without a
 * level (`All`, a group defined elsewhere) let the keys decide: collections → collection,
 * databases → database, neither → cluster.
 */
function inferLevel(ctx: CompileContext, file: SourceFile, path: Path, resolved: readonly Resolved[], spec: LevelGrantSpec): PrivilegeLevel | undefined {
  const levels = new Map<PrivilegeLevel, string>();
  for (const r of resolved) if (r.level && !levels.has(r.level)) levels.set(r.level, r.name);
  if (levels.size === 1) return [...levels.keys()][0];
  if (levels.size === 0) {
    if (spec.collections !== undefined || spec.collection !== undefined) return 'collection';
    return spec.databases !== undefined || spec.database !== undefined ? 'database' : 'cluster';
  }
  const described = [...levels].map(([level, name]) => `${name} is ${level}-level`).join(', ');
  ctx.reporter.error(file, path, {
    code: 'mixed-levels',
    message: `the privileges of this grant have different levels (${described})`,
    hint: 'split it into one grant per level, or set level: to the widest one',
  });
  return undefined;
}

export function expandLevelGrant(ctx: CompileContext, file: SourceFile, path: Path, spec: LevelGrantSpec, inherited: readonly string[] | undefined, out: Grant[]): void {
  requireFeature(ctx, 'grantV2', 'a grant by level (OperatePrivilegeV2)', file, path);
  const resolved: Resolved[] = [];
  const items = privilegesOf(ctx, file, path, spec);
  for (const item of items) {
    const r = resolvePrivilege(ctx, file, item);
    if (r?.kind === 'serverPrivilege') {
      ctx.reporter.error(file, item.path, {
        code: 'server-privilege-by-level',
        message: `${r.name} is declared in target.serverPrivileges: this tool does not know its object type or level, so it is granted by object only`,
        hint: 'write this grant with object: (Global, Collection or User) as the server stores it',
      });
      continue;
    }
    if (r && checkPlatformPrivilege(ctx, file, item.path, r)) resolved.push(r);
  }
  // Without every privilege known the level cannot be told; the problem is already reported.
  if (items.length === 0 || resolved.length < items.length) return;
  const level = spec.level ?? inferLevel(ctx, file, path, resolved, spec);
  if (!level) return;
  const levelPath = spec.level ? [...path, 'level'] : path;
  const privileges: string[] = [];
  for (const r of resolved) {
    if (r.level && LEVEL_RANK[r.level] > LEVEL_RANK[level]) {
      ctx.reporter.error(file, levelPath, {
        code: 'privilege-level',
        message: `${r.name} is a ${r.level}-level privilege${r.kind === 'single' ? '' : ' group'}; it cannot be granted at level ${level}`,
        hint: `use level: ${r.level}${r.level === 'cluster' ? ' (without databases or collections)' : ''}`,
      });
      continue;
    }
    privileges.push(r.name);
  }
  const collections = field(ctx, file, path, spec as Readonly<Record<string, unknown>>, 'collections', 'collection');
  const ownDatabases = field(ctx, file, path, spec as Readonly<Record<string, unknown>>, 'databases', 'database');
  let pairs: { db: string; collection: string }[] = [];
  if (level === 'cluster') {
    const stray = [...(ownDatabases ?? []), ...(collections ?? [])].find((item) => item.value !== '*');
    if (stray) {
      ctx.reporter.error(file, stray.path, {
        code: 'cluster-scope',
        message: 'a cluster-level grant covers every database and collection; it cannot name one',
        hint: 'remove databases and collections, or use level: database / collection',
      });
      return;
    }
    pairs = [{ db: '*', collection: '*' }];
  } else {
    if (level === 'database') {
      const stray = (collections ?? []).find((item) => item.value !== '*');
      if (stray) {
        ctx.reporter.error(file, stray.path, {
          code: 'database-scope',
          message: 'a database-level grant covers every collection of the database; it cannot name a collection',
          hint: 'remove collections, or use level: collection',
        });
        return;
      }
    } else if (!collections) {
      ctx.reporter.error(file, path, {
        code: 'missing-collections',
        message: 'a collection-level grant needs "collections"',
        hint: 'list the collections, or write collections: "*" for every collection of the database',
      });
      return;
    }
    const databases = databasesOf(ctx, file, path, spec, inherited).filter((item) =>
      checkDatabase(ctx, file, item, true, ''),
    );
    const names = level === 'database' ? ['*'] : [];
    if (level === 'collection') {
      for (const item of collections ?? []) {
        const problem = checkCollectionName(item.value);
        if (problem) ctx.reporter.error(file, item.path, { code: 'invalid-name', message: problem });
        else names.push(item.value);
      }
    }
    for (const db of databases) {
      for (const collection of names) {
        if (db.value === '*' && collection !== '*') {
          ctx.reporter.error(file, db.path, {
            code: 'collection-needs-database',
            message: `collection "${collection}" needs a database name, not "*"`,
            hint: 'name the database the collection is in, or use collections: "*"',
          });
          continue;
        }
        pairs.push({ db: db.value, collection });
      }
    }
  }
  for (const { db, collection } of pairs)
    for (const privilege of privileges) out.push({ objectType: objectTypeOfPrivilege(privilege), objectName: collection, dbName: db, privilege });
}

