import { grantKey } from '../model/canonical.js';
import type { Grant } from '../model/types.js';
import type { MergedPolicy } from './merge.js';
import type { Origin } from './report.js';
import { positionOf } from './source.js';

/** Where something is written in a policy's files; 1-based. */
export interface PolicyPosition {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/**
 * Answers "where is this written?" for a loaded policy, so findings made after loading (lints,
 * explain) can point at a line like the loader's own diagnostics do.
 */
export interface PolicyLocator {
  definition(kind: 'user' | 'role' | 'privilegeGroup', name: string): PolicyPosition | undefined;
  /** The grant entry (or include) that produced this stored grant of `role`. */
  grant(role: string, grant: Grant): PolicyPosition | undefined;
}

/** Collects, while roles compile, which entry each stored grant came from (first one wins). */
export class GrantOrigins {
  private readonly origins = new Map<string, Origin>();

  record(role: string, grants: readonly Grant[], origin: Origin): void {
    for (const grant of grants) {
      const key = `${role}\u0000${grantKey(grant)}`;
      if (!this.origins.has(key)) this.origins.set(key, origin);
    }
  }

  get(role: string, grant: Grant): Origin | undefined {
    return this.origins.get(`${role}\u0000${grantKey(grant)}`);
  }
}

function positionFrom(origin: Origin | undefined, key: boolean): PolicyPosition | undefined {
  if (!origin) return undefined;
  const at = positionOf(origin.file, origin.path, { key });
  return { file: origin.file.name, line: at.line, column: at.column };
}

export function policyLocator(merged: MergedPolicy, grants: GrantOrigins): PolicyLocator {
  const definitions = { user: merged.users, role: merged.roles, privilegeGroup: merged.privilegeGroups } as const;
  return {
    definition: (kind, name) => positionFrom(definitions[kind].get(name)?.origin, true),
    grant: (role, grant) => positionFrom(grants.get(role, grant), false),
  };
}
