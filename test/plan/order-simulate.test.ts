import { describe, expect, it } from 'vitest';
import { PHASE_ORDER } from '../../src/model/operations.js';
import type { Operation } from '../../src/model/operations.js';
import { InternalPlanError } from '../../src/plan/errors.js';
import { makePlan } from '../../src/plan/make.js';
import { orderSteps, SESSION_END_PHASE } from '../../src/plan/order.js';
import { simulatePlan } from '../../src/plan/simulate.js';
import type { MilvusVersion } from '../../src/model/versions.js';
import { coll, desired, fresh, versionOf } from './helpers.js';

const live = fresh({ users: { ops: ['team_admin', 'reader'], app: ['reader'] }, roles: { team_admin: [coll('books', 'Search')], reader: [coll('books', 'Query')] } });

describe('orderSteps', () => {
  it('puts steps in PHASE_ORDER, dependencies first and additive before subtractive', () => {
    const ops: Operation[] = [
      { kind: 'dropUser', user: 'app' },
      { kind: 'revoke', role: 'reader', grant: coll('books', 'Query'), form: 'v1' },
      { kind: 'bindRole', user: 'app', role: 'writer' },
      { kind: 'createRole', role: 'writer' },
      { kind: 'grant', role: 'writer', grant: coll('books', 'Insert'), form: 'v1' },
    ];
    const steps = orderSteps({ operations: ops.map((operation) => ({ operation })), live });
    expect(steps.map((s) => s.operation.kind)).toEqual(['createRole', 'grant', 'bindRole', 'revoke', 'dropUser']);
    expect(steps.map((s) => s.phase)).toEqual(steps.map((s) => PHASE_ORDER.indexOf(s.operation.kind) + 1));
    expect(steps.every((s) => s.affectsOperator === undefined)).toBe(true);
  });

  it('moves steps taking access from the operator last, flagged, keeping their own order; its own password very last', () => {
    const ops: Operation[] = [
      { kind: 'updatePassword', user: 'ops', password: { env: 'OPS_PW' } },
      { kind: 'unbindRole', user: 'ops', role: 'team_admin' },
      { kind: 'revoke', role: 'team_admin', grant: coll('books', 'Search'), form: 'v1' },
      { kind: 'dropRole', role: 'team_admin' },
      { kind: 'unbindRole', user: 'app', role: 'reader' },
      { kind: 'createRole', role: 'x' },
    ];
    const steps = orderSteps({ operations: ops.map((operation) => ({ operation })), live, operator: 'ops' });
    expect(steps.map((s) => [s.id, s.affectsOperator ?? false])).toEqual([
      ['createRole:x', false],
      ['unbindRole:app:reader', false],
      ['unbindRole:ops:team_admin', true],
      ['revoke:team_admin:default:Collection:books:Search', true],
      ['dropRole:team_admin', true],
      ['updatePassword:ops', true],
    ]);
    expect(steps.at(-1)?.phase).toBe(SESSION_END_PHASE);
    const phases = steps.map((s) => s.phase);
    expect(phases).toEqual([...phases].sort((a, b) => a - b));
  });

  it('flags nothing for root except its own password, since root passes every check', () => {
    const steps = orderSteps({ operations: [{ operation: { kind: 'revoke', role: 'public', grant: coll('*', 'IndexDetail', '*'), form: 'v1' } }], live, operator: 'root' });
    expect(steps[0]?.affectsOperator).toBeUndefined();
  });
});

describe('simulatePlan', () => {
  const version = versionOf('2.5');
  const limits = { maxUsers: 100, maxRoles: 10 };

  it('reports a plan that would not reach the desired state as an internal error, naming the difference', () => {
    const want = desired({ roles: { reader: [coll('books', 'Search')] } });
    const steps = orderSteps({ operations: [{ operation: { kind: 'createRole', role: 'reader' } }], live: fresh() });
    expect(() => simulatePlan({ live: fresh(), desired: want, steps, version, limits, droppedRoles: [] })).toThrow(InternalPlanError);
    expect(() => simulatePlan({ live: fresh(), desired: want, steps, version, limits, droppedRoles: [] })).toThrow(/managed role "reader": missing grant Search on Collection default.books/);
  });

  it('reports a step Milvus would refuse (here: dropping a role that still holds grants)', () => {
    const start = fresh({ roles: { old: [coll('books', 'Search')] } });
    const want = desired({ scope: { roles: { names: ['old'] } } });
    const steps = orderSteps({ operations: [{ operation: { kind: 'dropRole', role: 'old' } }], live: start });
    expect(() => simulatePlan({ live: start, desired: want, steps, version, limits, droppedRoles: ['old'] })).toThrow(/Milvus would refuse step dropRole:old/);
  });

  it('reports a change to an object outside the scope', () => {
    const start = fresh({ roles: { other: [coll('books', 'Search')] } });
    const steps = orderSteps({ operations: [{ operation: { kind: 'revoke', role: 'other', grant: coll('books', 'Search'), form: 'v1' } }], live: start });
    expect(() => simulatePlan({ live: start, desired: desired({}), steps, version, limits, droppedRoles: [] })).toThrow(/unmanaged role "other": missing grant Search/);
  });
});

describe('makePlan', () => {
  it('fills in the saved-plan header and keeps a stable fingerprint of the live state', () => {
    const now = new Date('2026-01-02T03:04:05Z');
    const input = { desired: desired({ roles: { reader: [] } }), live: { state: live, version: versionOf('2.4'), versionString: 'v2.4.15', address: 'milvus:19530' }, policyHash: 'abc', now };
    const plan = makePlan(input);
    expect(plan).toMatchObject({ formatVersion: 1, createdAt: '2026-01-02T03:04:05.000Z', target: { address: 'milvus:19530', milvusVersion: 'v2.4.15' }, policyHash: 'abc' });
    expect(plan.liveFingerprint).toMatch(/^sha256:[0-9a-f]{64}$/);
    const reordered = { ...live, users: [...live.users].reverse(), roles: [...live.roles].reverse() };
    expect(makePlan({ ...input, live: { ...input.live, state: reordered } }).liveFingerprint).toBe(plan.liveFingerprint);
    const changed = fresh({ users: { ops: ['team_admin'], app: ['reader'] }, roles: { team_admin: [coll('books', 'Search')], reader: [coll('books', 'Query')] } });
    expect(makePlan({ ...input, live: { ...input.live, state: changed } }).liveFingerprint).not.toBe(plan.liveFingerprint);
  });
});

describe('a live grant of a privilege the catalogue does not know', () => {
  const future = coll('books', 'SomeFuturePrivilege');
  const start = fresh({ roles: { reader: [coll('books', 'Query'), future] } });
  const plan = (version: MilvusVersion, versionString: string) =>
    makePlan({ desired: desired({ roles: { reader: [coll('books', 'Query')] } }), live: { state: start, version, versionString, address: 'milvus:19530' }, policyHash: 'abc' });

  it('is revoked by name (through v2 where the server has it), not reported as a planner bug', () => {
    const steps = plan(versionOf('3.0'), 'v3.0.0').steps;
    expect(steps.map((s) => s.operation)).toEqual([{ kind: 'revoke', role: 'reader', grant: future, form: 'v2' }]);
  });

  it('goes through v1 on a server without v2 grants', () => {
    expect(plan(versionOf('2.4'), 'v2.4.15').steps.map((s) => s.operation)).toEqual([{ kind: 'revoke', role: 'reader', grant: future, form: 'v1' }]);
  });
});
