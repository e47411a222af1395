import { canonicalState, grantKey } from './canonical.js';
import type { RbacState } from './types.js';

/** Every difference between two states, one line each, e.g. `role "a": missing grant Search on Collection default.c`. */

function setDifferences(label: string, expected: Iterable<string>, actual: Iterable<string>, out: string[]): void {
  const want = new Set(expected);
  const have = new Set(actual);
  for (const x of want) if (!have.has(x)) out.push(`${label}: missing ${x}`);
  for (const x of have) if (!want.has(x)) out.push(`${label}: unexpected ${x}`);
}

function grantText(key: string): string {
  const [db, type, object, privilege] = key.split('\u0000');
  return `${privilege} on ${type} ${db}.${object}`;
}

/** `where` prefixes every line (e.g. `managed`), for reports that compare several parts of a state. */
export function describeStateDifferences(expectedState: RbacState, actualState: RbacState, where = ''): string[] {
  const expected = canonicalState(expectedState);
  const actual = canonicalState(actualState);
  const prefix = where ? `${where} ` : '';
  const out: string[] = [];
  const users = (s: RbacState): Map<string, readonly string[]> => new Map(s.users.map((u) => [u.name, u.roles]));
  const roles = (s: RbacState): Map<string, string[]> => new Map(s.roles.map((r) => [r.name, r.grants.map(grantKey)]));
  const groups = (s: RbacState): Map<string, readonly string[]> => new Map(s.privilegeGroups.map((g) => [g.name, g.privileges]));
  for (const [label, want, have, item] of [
    ['user', users(expected), users(actual), (x: string) => `role ${x}`],
    ['role', roles(expected), roles(actual), (x: string) => `grant ${grantText(x)}`],
    ['privilege group', groups(expected), groups(actual), (x: string) => `privilege ${x}`],
  ] as const) {
    setDifferences(`${prefix}${label}s`, want.keys(), have.keys(), out);
    for (const [name, members] of want) {
      const got = have.get(name);
      if (got) setDifferences(`${prefix}${label} "${name}"`, members.map(item), got.map(item), out);
    }
  }
  return out;
}
