import { describe, expect, it } from 'vitest';
import { executePlan } from '../../src/apply/executor.js';
import type { ExecutableStep } from '../../src/apply/executor.js';
import { progressReporter } from '../../src/apply/progress.js';
import { describeStateDifferences } from '../../src/model/state-differences.js';
import { stateAfterSteps } from '../../src/plan/simulate.js';
import type { RbacState } from '../../src/model/types.js';

const steps: ExecutableStep[] = [
  { id: 'createRole:a', phase: 3, operation: { kind: 'createRole', role: 'a' } },
  { id: 'createRole:b', phase: 3, operation: { kind: 'createRole', role: 'b' } },
  { id: 'bindRole:u:a', phase: 7, operation: { kind: 'bindRole', user: 'u', role: 'a' } },
];

describe('progress', () => {
  it('writes plain lines per phase, naming the kind of operation, with retries and failures', async () => {
    const lines: string[] = [];
    let calls = 0;
    await executePlan(
      steps,
      async (op) => {
        calls++;
        if (op.kind === 'bindRole' && calls === 3) throw Object.assign(new Error('unavailable'), { kind: 'transient' });
        if (op.kind === 'bindRole') throw new Error('no such user');
      },
      { parallelism: 1, retry: { attempts: 2, baseDelayMs: 5 }, sleep: async () => undefined, onEvent: progressReporter('plain', (t) => lines.push(t)) },
    );
    const text = lines.join('').replace(/\(\d+\.\d\d s\)/g, '(T)');
    expect(text).toBe(
      [
        '[1/2] createRole: 2 steps',
        '[1/2] createRole: 2/2 done (T)',
        '[2/2] bindRole: 1 step',
        'retry 1 of step bindRole:u:a (bind user u to role a) in 5 ms: unavailable',
        'failed: step bindRole:u:a: no such user',
        '[2/2] bindRole: 0/1 done, 1 failed (T)',
        '',
      ].join('\n'),
    );
  });

  it('redraws one line per phase on a terminal', async () => {
    const out: string[] = [];
    await executePlan(steps.slice(0, 2), async () => undefined, { parallelism: 1, retry: { attempts: 1, baseDelayMs: 0 }, onEvent: progressReporter('tty', (t) => out.push(t)) });
    const text = out.join('');
    expect(text.startsWith('\r\u001b[2K[1/1] createRole: 0/2 done')).toBe(true);
    const last = text.slice(text.lastIndexOf('\r'));
    expect(last.replace(/\d+\.\d\d s/, 'T')).toBe('\r\u001b[2K[1/1] createRole: 2/2 done (T)\n');
    expect(text.split('\n')).toHaveLength(2);
  });
});

describe('verification of a saved plan', () => {
  const live: RbacState = { users: [{ name: 'u', roles: [] }], roles: [], privilegeGroups: [] };
  const version = { major: 2, minor: 4, patch: 15 };

  it('expects the steps applied to the state the plan was made from', () => {
    const expected = stateAfterSteps(live, steps, version, 'root');
    expect(expected.roles.map((r) => r.name)).toEqual(['a', 'admin', 'b', 'public']);
    expect(expected.users.find((u) => u.name === 'u')?.roles).toEqual(['a']);
  });

  it('lists every difference in words', () => {
    const expected: RbacState = {
      users: [{ name: 'u', roles: ['a'] }],
      roles: [{ name: 'a', grants: [{ objectType: 'Collection', objectName: 'c', dbName: 'default', privilege: 'Search' }] }],
      privilegeGroups: [],
    };
    const actual: RbacState = {
      users: [{ name: 'u', roles: [] }, { name: 'v', roles: [] }],
      roles: [{ name: 'a', grants: [{ objectType: 'Collection', objectName: 'c', dbName: 'default', privilege: 'Query' }] }],
      privilegeGroups: [],
    };
    expect(describeStateDifferences(expected, actual)).toEqual([
      'users: unexpected v',
      'user "u": missing role a',
      'role "a": missing grant Search on Collection default.c',
      'role "a": unexpected grant Query on Collection default.c',
    ]);
    expect(describeStateDifferences(expected, expected)).toEqual([]);
  });
});

describe('retries after one dropped connection', () => {
  it('are one line and a count, naming each step once', async () => {
    const { MilvusCallError } = await import('../../src/milvus/errors.js');
    const many: ExecutableStep[] = Array.from({ length: 64 }, (_, i) => ({ id: `createRole:r${i}`, phase: 1, operation: { kind: 'createRole', role: `r${i}` } }));
    const lines: string[] = [];
    const tried = new Set<string>();
    await executePlan(
      many,
      async (op) => {
        const key = JSON.stringify(op);
        if (tried.has(key)) return;
        tried.add(key);
        throw new MilvusCallError('transient', 'UNAVAILABLE', 'Connection dropped', `create role ${(op as { role: string }).role}`);
      },
      { parallelism: 64, retry: { attempts: 2, baseDelayMs: 1 }, sleep: async () => undefined, onEvent: progressReporter('plain', (t) => lines.push(t)) },
    );
    const retries = lines.filter((l) => l.startsWith('retry') || l.includes('more step'));
    expect(retries).toEqual([
      'retry 1 of step createRole:r0 (create role r0) in 1 ms: Connection dropped (UNAVAILABLE)\n',
      '  … and 63 more steps retried after the same error\n',
    ]);
  });
});
