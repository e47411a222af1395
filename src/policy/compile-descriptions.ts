import type { ManagedDescriptions } from '../model/desired.js';
import { MAX_DESCRIPTION_BYTES } from '../model/names.js';
import { requireFeature } from './context.js';
import type { CompileContext } from './context.js';
import { at } from './definitions.js';
import type { Definition, MergedPolicy } from './merge.js';

/** The descriptions a policy sets on its roles and users, checked against the target and Milvus's limit. */

function collect<T extends { readonly description?: string }>(ctx: CompileContext, defs: Map<string, Definition<T>>, what: 'role' | 'user'): Record<string, string> {
  const out: Record<string, string> = {};
  for (const def of defs.values()) {
    const text = def.invalid || def.failed('description') ? undefined : def.spec.description;
    if (text === undefined) continue;
    const [file, path] = at(def.origin, 'description');
    if (!requireFeature(ctx, 'descriptions', `a ${what} description`, file, path, true)) continue;
    const bytes = Buffer.byteLength(text, 'utf8');
    if (bytes > MAX_DESCRIPTION_BYTES) {
      ctx.reporter.error(file, path, {
        code: 'description-too-long',
        message: `the description of ${what} "${def.name}" is ${bytes} bytes; Milvus keeps at most ${MAX_DESCRIPTION_BYTES}`,
        hint: 'shorten it',
      });
      continue;
    }
    out[def.name] = text;
  }
  return out;
}

export function compileDescriptions(merged: MergedPolicy, ctx: CompileContext): ManagedDescriptions | undefined {
  const roles = collect(ctx, merged.roles, 'role');
  const users = collect(ctx, merged.users, 'user');
  return Object.keys(roles).length + Object.keys(users).length > 0 ? { roles, users } : undefined;
}
