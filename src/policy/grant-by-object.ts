import { checkCollectionName, checkUserName } from '../model/names.js';
import type { Grant, ObjectType } from '../model/types.js';
import { checkPlatformObjectGrant } from './check-platform.js';
import type { CompileContext } from './context.js';
import { checkDatabase, databasesOf, field, privilegesOf, resolvePrivilege } from './grant-fields.js';
import { isValidForObjectType, objectTypeOfPrivilege } from './privileges.js';
import type { Path, SourceFile } from './source.js';
import type { ObjectGrantSpec } from './spec.js';

/** Expands a grant written with `object:` (OperatePrivilege, every Milvus version). */
export function expandObjectGrant(ctx: CompileContext, file: SourceFile, path: Path, spec: ObjectGrantSpec, inherited: readonly string[] | undefined, out: Grant[]): void {
  if (!checkPlatformObjectGrant(ctx, file, [...path, 'object'])) return;
  const objectType: ObjectType = spec.object;
  const names = field(ctx, file, path, spec as unknown as Readonly<Record<string, unknown>>, 'objectNames', 'objectName') ?? [{ value: '*', path }];
  const objectNames: string[] = [];
  for (const item of names) {
    if (item.value === '*') objectNames.push('*');
    else if (objectType === 'Global') {
      ctx.reporter.error(file, item.path, {
        code: 'global-object-name',
        message: `a Global grant applies to the whole instance, so its object name must be "*", not "${item.value}"`,
        hint: 'remove objectName (it defaults to "*")',
      });
    } else {
      const problem = objectType === 'User' ? checkUserName(item.value) : checkCollectionName(item.value);
      if (problem) ctx.reporter.error(file, item.path, { code: 'invalid-name', message: problem });
      else objectNames.push(item.value);
    }
  }
  // Database "*" exists in grants by object too: Milvus 2.3 itself stores public's default grants
  // that way. As for grants by level, it only goes with object name "*".
  const databases = databasesOf(ctx, file, path, spec, inherited).filter((item) => {
    if (!checkDatabase(ctx, file, item, true, '')) return false;
    const named = objectNames.find((n) => n !== '*');
    if (item.value !== '*' || named === undefined) return true;
    ctx.reporter.error(file, item.path, {
      code: 'object-needs-database',
      message: `object "${named}" needs a database name, not "*"`,
      hint: 'name the database the object is in, or use objectName "*"',
    });
    return false;
  });
  const privileges: string[] = [];
  for (const item of privilegesOf(ctx, file, path, spec)) {
    const resolved = resolvePrivilege(ctx, file, item);
    if (!resolved) continue;
    if (resolved.kind === 'customGroup') {
      ctx.reporter.error(file, item.path, {
        code: 'v1-custom-group',
        message: `custom privilege group "${resolved.name}" cannot be granted with object: (Milvus refuses custom groups in OperatePrivilege)`,
        hint: 'write this grant by level instead: remove "object" and give level, databases and collections',
      });
      continue;
    }
    if (resolved.kind !== 'serverPrivilege' && !isValidForObjectType(resolved.name, objectType)) {
      if (resolved.kind === 'builtinGroup') {
        ctx.reporter.error(file, item.path, {
          code: 'privilege-object-type',
          message: `${resolved.name} is a built-in privilege group; with object: it can only be granted on object Global`,
          hint: `write the grant by level instead (level: ${resolved.level}), or use object: Global`,
        });
        continue;
      }
      const actual = objectTypeOfPrivilege(resolved.name);
      ctx.reporter.error(file, item.path, {
        code: 'privilege-object-type',
        message: `${resolved.name} is a ${actual} privilege; it cannot be granted on object ${objectType}`,
        hint: `use object: ${actual}, or write the grant by level`,
      });
      continue;
    }
    // Milvus also stores GetLoadState & co. beside Load here; the canonical state leaves those
    // implied grants out on every side (src/model/implied.ts), so they are not added.
    privileges.push(resolved.name);
  }
  for (const db of databases)
    for (const objectName of objectNames)
      for (const privilege of privileges) out.push({ objectType, objectName, dbName: db.value, privilege });
}

