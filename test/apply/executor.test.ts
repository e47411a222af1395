import { describe, expect, it } from 'vitest';
import { backoffDelay, executePlan, groupIntoPhases } from '../../src/apply/executor.js';
import type { ExecutableStep, RunStep } from '../../src/apply/executor.js';
import type { Operation } from '../../src/model/operations.js';

function step(id: string, phase: number): ExecutableStep {
  const operation: Operation = { kind: 'createRole', role: id };
  return { id, phase, operation };
}

class TransientError extends Error {
  readonly kind = 'transient';
}
class PermanentError extends Error {
  readonly kind = 'permanent';
}

const noSleep = async (): Promise<void> => undefined;
const roleOf = (op: Operation): string => (op.kind === 'createRole' ? op.role : '?');

describe('groupIntoPhases', () => {
  it('groups consecutive steps of the same phase and keeps the order', () => {
    const groups = groupIntoPhases([step('a', 1), step('b', 1), step('c', 3), step('d', 4), step('e', 4)]);
    expect(groups.map((g) => g.map((s) => s.id))).toEqual([['a', 'b'], ['c'], ['d', 'e']]);
  });
});

describe('backoffDelay', () => {
  it('doubles and is capped', () => {
    expect([1, 2, 3, 4].map((n) => backoffDelay({ attempts: 5, baseDelayMs: 100, maxDelayMs: 500 }, n))).toEqual([100, 200, 400, 500]);
  });
});

describe('executePlan', () => {
  it('runs every step once and reports them done', async () => {
    const steps = [step('a', 1), step('b', 1), step('c', 2)];
    const seen: string[] = [];
    const report = await executePlan(steps, async (op) => void seen.push(roleOf(op)), { parallelism: 2, retry: { attempts: 1, baseDelayMs: 0 } });
    expect(seen.sort()).toEqual(['a', 'b', 'c']);
    expect(report.done.map((s) => s.id).sort()).toEqual(['a', 'b', 'c']);
    expect(report.failed).toBeUndefined();
    expect(report.notAttempted).toEqual([]);
    expect(report.durations.phases.map((p) => p.steps)).toEqual([2, 1]);
  });

  it('never starts a phase before the previous one has finished', async () => {
    const steps = [step('a', 1), step('b', 1), step('c', 1), step('d', 2)];
    const finished = new Set<string>();
    const run: RunStep = async (op) => {
      const id = roleOf(op);
      if (id === 'd') expect([...finished].sort()).toEqual(['a', 'b', 'c']);
      await new Promise((r) => setImmediate(r));
      finished.add(id);
    };
    const report = await executePlan(steps, run, { parallelism: 3, retry: { attempts: 1, baseDelayMs: 0 } });
    expect(report.done.map((s) => s.id)).toContain('d');
  });

  it('keeps at most `parallelism` steps in flight', async () => {
    const steps = Array.from({ length: 20 }, (_, i) => step(`s${i}`, 1));
    let inFlight = 0;
    let peak = 0;
    const run: RunStep = async () => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setImmediate(r));
      inFlight--;
    };
    await executePlan(steps, run, { parallelism: 4, retry: { attempts: 1, baseDelayMs: 0 } });
    expect(peak).toBe(4);
  });

  it('stops at the first permanent failure: in-flight steps finish, later ones are not attempted', async () => {
    const steps = [step('a', 1), step('b', 1), step('c', 1), step('d', 1), step('e', 2)];
    const started: string[] = [];
    const run: RunStep = async (op) => {
      const id = roleOf(op);
      started.push(id);
      if (id === 'b') throw new PermanentError('no');
      // `a` is still in flight when `b` fails: it must be allowed to finish.
      await new Promise((r) => setImmediate(r));
    };
    const report = await executePlan(steps, run, { parallelism: 2, retry: { attempts: 3, baseDelayMs: 1 }, sleep: noSleep });
    expect(report.failed?.step.id).toBe('b');
    expect(report.failed?.attempts).toBe(1);
    expect(report.done.map((s) => s.id)).toEqual(['a']);
    expect(report.notAttempted.map((s) => s.id)).toEqual(['c', 'd', 'e']);
    expect(started).toEqual(['a', 'b']);
  });

  it('retries transient failures with back-off and tells the retry it follows a transient failure', async () => {
    const contexts: { attempt: number; afterTransientFailure: boolean }[] = [];
    const delays: number[] = [];
    const run: RunStep = async (_op, ctx) => {
      contexts.push(ctx);
      if (ctx.attempt < 3) throw new TransientError('unavailable');
    };
    const report = await executePlan([step('a', 1)], run, {
      parallelism: 1,
      retry: { attempts: 4, baseDelayMs: 10 },
      sleep: async (ms) => void delays.push(ms),
    });
    expect(report.done.map((s) => s.id)).toEqual(['a']);
    expect(report.retries).toBe(2);
    expect(delays).toEqual([10, 20]);
    expect(contexts).toEqual([
      { attempt: 1, afterTransientFailure: false },
      { attempt: 2, afterTransientFailure: true },
      { attempt: 3, afterTransientFailure: true },
    ]);
  });

  it('gives up after the allowed attempts of a transient failure', async () => {
    let calls = 0;
    const report = await executePlan(
      [step('a', 1), step('b', 2)],
      async (op) => {
        if (roleOf(op) === 'a') {
          calls++;
          throw new TransientError('down');
        }
      },
      { parallelism: 1, retry: { attempts: 3, baseDelayMs: 1 }, sleep: noSleep },
    );
    expect(calls).toBe(3);
    expect(report.failed?.attempts).toBe(3);
    expect(report.notAttempted.map((s) => s.id)).toEqual(['b']);
  });

  it('reports other in-flight failures separately', async () => {
    const steps = [step('a', 1), step('b', 1)];
    const report = await executePlan(
      steps,
      async (op) => {
        await new Promise((r) => setImmediate(r));
        throw new PermanentError(roleOf(op));
      },
      { parallelism: 2, retry: { attempts: 1, baseDelayMs: 0 } },
    );
    expect(report.failed?.step.id).toBe('a');
    expect(report.alsoFailed.map((f) => f.step.id)).toEqual(['b']);
    expect(report.done).toEqual([]);
  });

  it('emits phase and step events', async () => {
    const events: string[] = [];
    await executePlan([step('a', 1), step('b', 2)], async () => undefined, {
      parallelism: 1,
      retry: { attempts: 1, baseDelayMs: 0 },
      onEvent: (e) => events.push(e.type === 'step-done' ? `done:${e.step.id}` : e.type),
    });
    expect(events).toEqual(['phase-start', 'done:a', 'phase-end', 'phase-start', 'done:b', 'phase-end']);
  });
});
