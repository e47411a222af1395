import type { DesiredState, NameMatcher } from '../model/desired.js';
import { isDefaultRole, ROOT_USER } from '../model/names.js';
import { matchesName, protectedByScope } from '../model/scope.js';

/**
 * Which live objects the policy owns. An object is managed when the policy defines it, or when the
 * scope matches it and it is not built into Milvus (root, admin, public are owned only when the
 * policy defines them). Exact names go through a Set: scopes that list thousands of names are
 * common (the default scope is every defined name), and a list lookup per object would be quadratic.
 */

export interface ManagedIndex {
  user(name: string): boolean;
  role(name: string): boolean;
  privilegeGroup(name: string): boolean;
}

function compile(matcher: NameMatcher, defined: Iterable<string>, builtin: (name: string) => boolean): (name: string) => boolean {
  const declared = new Set(defined);
  const names = new Set(matcher.names ?? []);
  const rest: NameMatcher = {
    ...(matcher.all ? { all: true } : {}),
    ...(matcher.prefixes ? { prefixes: matcher.prefixes } : {}),
    ...(matcher.patterns ? { patterns: matcher.patterns } : {}),
  };
  return (name) => declared.has(name) || (!builtin(name) && (names.has(name) || matchesName(rest, name)));
}

/**
 * An object `scope.<kind>.protect` names and the policy does not define is left alone as if it
 * were outside the scope: never dropped, its grants and bindings untouched.
 */
export function managedIndexOf(desired: DesiredState): ManagedIndex {
  const { state, scope } = desired;
  return {
    user: compile(scope.users, state.users.map((u) => u.name), (n) => n === ROOT_USER || protectedByScope(desired, 'users', n)),
    role: compile(scope.roles, state.roles.map((r) => r.name), (n) => isDefaultRole(n) || protectedByScope(desired, 'roles', n)),
    // Built-in groups are catalogue data and never appear in a state's privilegeGroups.
    privilegeGroup: compile(scope.privilegeGroups, state.privilegeGroups.map((g) => g.name), (n) => protectedByScope(desired, 'privilegeGroups', n)),
  };
}

/** Built-in objects are never listed as unmanaged: they are always there and never the policy's to drop. */
export function isBuiltinUser(name: string): boolean {
  return name === ROOT_USER;
}
export { isDefaultRole as isBuiltinRole };
