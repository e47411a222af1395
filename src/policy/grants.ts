import type { Grant } from '../model/types.js';
import type { CompileContext } from './context.js';
import { expandLevelGrant } from './grant-by-level.js';
import { expandObjectGrant } from './grant-by-object.js';
import type { Path, SourceFile } from './source.js';
import type { GrantSpec } from './spec.js';

/**
 * Expands one grant entry into the tuples Milvus stores, reporting every problem in it.
 * `inherited` databases come from an `include` that names databases for a grant set.
 */
export function expandGrant(ctx: CompileContext, file: SourceFile, path: Path, spec: GrantSpec, inherited: readonly string[] | undefined, out: Grant[]): void {
  if (spec.object !== undefined) expandObjectGrant(ctx, file, path, spec, inherited, out);
  else expandLevelGrant(ctx, file, path, spec, inherited, out);
}


