import type { ManagedScope, NameMatcher } from '../model/desired.js';
import { isDefaultRole, ROOT_USER } from '../model/names.js';
import { matchesName } from '../model/scope.js';
import { at } from './definitions.js';
import type { MergedPolicy } from './merge.js';
import { builtinGroup, isLegacyGroup } from './privileges.js';
import type { Reporter } from './report.js';
import type { MatcherSpec } from './spec.js';

export type Kind = keyof ManagedScope;

export const KIND_LABEL: Readonly<Record<Kind, string>> = { users: 'user', roles: 'role', privilegeGroups: 'privilege group' };

function toMatcher(spec: MatcherSpec): NameMatcher {
  if (spec === 'all') return { all: true };
  return {
    ...(spec.all ? { all: true } : {}),
    ...(spec.names ? { names: [...new Set(spec.names)].sort() } : {}),
    ...(spec.prefixes ? { prefixes: [...new Set(spec.prefixes)].sort() } : {}),
    ...(spec.patterns ? { patterns: [...new Set(spec.patterns)].sort() } : {}),
  };
}

/** The matcher of one kind: as declared, or by default exactly the names the policy defines. */
export function scopeOf(merged: MergedPolicy, kind: Kind): NameMatcher {
  const declared = merged.scope[kind];
  if (declared) return toMatcher(declared.value);
  return { names: [...merged[kind].keys()].sort() };
}

const PROTECTED: Readonly<Record<Kind, (name: string) => boolean>> = {
  users: (name) => name === ROOT_USER,
  roles: isDefaultRole,
  privilegeGroups: (name) => builtinGroup(name) !== undefined || isLegacyGroup(name),
};

export function checkScope(merged: MergedPolicy, kind: Kind, matcher: NameMatcher, reporter: Reporter): void {
  const declared = merged.scope[kind];
  if (!declared) return;
  const label = KIND_LABEL[kind];
  const spec = declared.value;
  if (spec !== 'all') {
    (spec.names ?? []).forEach((name, i) => {
      if (!PROTECTED[kind](name) || merged[kind].has(name)) return;
      const fix = kind === 'privilegeGroups' ? 'remove it from the scope; built-in groups are not managed' : `define it under ${kind}, or remove it from the scope`;
      reporter.error(...at(declared.origin, 'names', i), {
        code: 'protected-object',
        message: `${label} "${name}" is built into Milvus and cannot be dropped, but the scope owns it and the policy does not define it`,
        hint: fix,
      });
    });
  }
  const keptByScope = spec === 'all' ? [] : spec.protect ?? [];
  for (const def of merged[kind].values()) {
    if (def.spec?.protect === true && !PROTECTED[kind](def.name) && !keptByScope.some((p) => matchesName({ patterns: [p] }, def.name))) {
      // The scope would drop this object once its entry is gone, and the flag goes with the entry.
      reporter.warning(...at(def.origin, 'protect'), {
        code: 'protect-leaves-with-entry',
        message: `protect: true keeps ${label} "${def.name}" only while this entry is in the policy (a defined ${label} is never dropped anyway); removing the entry would let scope.${kind} drop it`,
        hint: `list "${def.name}" under scope.${kind}.protect: that keeps it when the entry is removed`,
        atKey: true,
      });
    }
    if (matchesName(matcher, def.name)) continue;
    reporter.error(...at(def.origin), {
      code: 'outside-scope',
      message: `${label} "${def.name}" is defined but outside scope.${kind}, so the policy would not manage it`,
      hint: `add "${def.name}" to scope.${kind}.names, or remove the definition`,
      atKey: true,
    });
  }
}

