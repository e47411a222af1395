import { canonicalState, grantKey } from '../model/canonical.js';
import { RbacEngine } from '../model/engine.js';
import type { RbacState } from '../model/types.js';
import type { MilvusVersion } from '../model/versions.js';
import type { ExecutableStep } from './executor.js';

/**
 * The state a saved plan should produce: its steps applied, with Milvus's rules, to the live state
 * it was computed from. After the apply the re-read live state must equal it.
 */
export function expectedAfter(live: RbacState, steps: readonly ExecutableStep[], version: MilvusVersion, operator: string): RbacState {
  const engine = new RbacEngine({ version, limits: { maxUsers: Number.MAX_SAFE_INTEGER, maxRoles: Number.MAX_SAFE_INTEGER } }, live);
  for (const step of steps) {
    try {
      engine.apply(step.operation, { caller: operator || 'root' });
    } catch {
      // A step Milvus would refuse leaves the state as it was; the apply reports it when it runs.
    }
  }
  return engine.snapshot();
}

function setDiff(label: string, expected: Iterable<string>, actual: Iterable<string>): string[] {
  const want = new Set(expected);
  const have = new Set(actual);
  const out: string[] = [];
  for (const x of want) if (!have.has(x)) out.push(`${label}: missing ${x}`);
  for (const x of have) if (!want.has(x)) out.push(`${label}: unexpected ${x}`);
  return out;
}

function grantText(key: string): string {
  const [db, type, object, privilege] = key.split('\u0000');
  return `${privilege} on ${type} ${db}.${object}`;
}

/** Every difference between two states, one line each, for the verification report. */
export function describeDifferences(expectedState: RbacState, actualState: RbacState): string[] {
  const expected = canonicalState(expectedState);
  const actual = canonicalState(actualState);
  const out: string[] = [];
  out.push(...setDiff('user', expected.users.map((u) => u.name), actual.users.map((u) => u.name)));
  out.push(...setDiff('role', expected.roles.map((r) => r.name), actual.roles.map((r) => r.name)));
  out.push(...setDiff('privilege group', expected.privilegeGroups.map((g) => g.name), actual.privilegeGroups.map((g) => g.name)));
  for (const user of expected.users) {
    const other = actual.users.find((u) => u.name === user.name);
    if (other) out.push(...setDiff(`user ${user.name} role binding`, user.roles, other.roles));
  }
  for (const role of expected.roles) {
    const other = actual.roles.find((r) => r.name === role.name);
    if (other) {
      out.push(...setDiff(`role ${role.name} grant`, role.grants.map(grantKey), other.grants.map(grantKey)).map((line) => line.replace(/(missing|unexpected) (.*)$/, (_m, word: string, key: string) => `${word} ${grantText(key)}`)));
    }
  }
  for (const group of expected.privilegeGroups) {
    const other = actual.privilegeGroups.find((g) => g.name === group.name);
    if (other) out.push(...setDiff(`privilege group ${group.name} member`, group.privileges, other.privileges));
  }
  return out;
}
