import type { DesiredState, ManagedScope, NameMatcher } from './desired.js';

function globToRegExp(glob: string): RegExp {
  const escaped = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`);
}

const compiled = new Map<string, RegExp>();

function patternMatches(pattern: string, name: string): boolean {
  let re = compiled.get(pattern);
  if (!re) {
    re = globToRegExp(pattern);
    compiled.set(pattern, re);
  }
  return re.test(name);
}

export function matchesName(matcher: NameMatcher, name: string): boolean {
  if (matcher.all) return true;
  if (matcher.names?.includes(name)) return true;
  if (matcher.prefixes?.some((p) => name.startsWith(p))) return true;
  return matcher.patterns?.some((p) => patternMatches(p, name)) ?? false;
}

/** Whether `scope.<kind>.protect` keeps this live object from being dropped. */
export function protectedByScope(desired: Pick<DesiredState, 'scopeProtect'>, kind: keyof ManagedScope, name: string): boolean {
  return desired.scopeProtect?.[kind]?.some((p) => patternMatches(p, name)) ?? false;
}
