import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makePlan } from '../../src/plan/make.js';
import { parsePlan, PlanFileError, readPlanFile, serialisePlan, writePlanFile } from '../../src/plan/plan-file.js';
import type { Plan } from '../../src/plan/types.js';
import { renderPlanJson } from '../../src/report/index.js';
import { coll, desired, fresh, glob, versionOf } from './helpers.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'plan-file-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function samplePlan(): Plan {
  return makePlan({
    desired: desired({ users: { alice: ['reader'] }, roles: { reader: [coll('books', 'Search'), glob('ClusterReadOnly', '*')] }, groups: { g: ['Query'] } }),
    live: { state: fresh({ users: { old: [] } }), version: versionOf('2.5'), versionString: 'v2.5.4', address: 'localhost:19530' },
    policyHash: 'f'.repeat(64),
    now: new Date('2026-01-01T00:00:00Z'),
  });
}

describe('plan files', () => {
  it('round-trips through a file, and the --format json output reads back as the same plan', async () => {
    const plan = samplePlan();
    const file = join(dir, 'plan.json');
    await writePlanFile(file, plan);
    expect(await readPlanFile(file)).toEqual(plan);
    expect(parsePlan(renderPlanJson(plan))).toEqual(plan);
    expect(await readFile(file, 'utf8')).toBe(serialisePlan(plan));
  });

  it.each([
    ['not JSON', '{', /not JSON/],
    ['no format version', '{"steps": []}', /no formatVersion/],
    ['a newer format', '{"formatVersion": 2}', /format version 2 is not supported: this rbac reads version 1/],
    ['an unknown operation', null, /steps\[0\]\.operation\.kind: unknown operation "frobnicate"/],
    ['a password value', null, /steps\[\d+\]\.operation\.password: expected \{ env: NAME \} or \{ file: PATH \}/],
    ['steps out of order', null, /not in phase order/],
  ])('refuses a file with %s, saying what is wrong', (_what, text, message) => {
    const plan = JSON.parse(serialisePlan(samplePlan())) as { steps: { phase: number; operation: Record<string, unknown> }[] };
    let body = text;
    if (body === null) {
      if (message.source.includes('frobnicate')) (plan.steps[0] as { operation: Record<string, unknown> }).operation = { kind: 'frobnicate' };
      else if (message.source.includes('password')) {
        const create = plan.steps.find((s) => s.operation.kind === 'createUser');
        if (!create) throw new Error('sample plan has no createUser');
        create.operation.password = { value: 'hunter22' };
      } else plan.steps.reverse();
      body = JSON.stringify(plan);
    }
    expect(() => parsePlan(body, 'plan.json')).toThrow(PlanFileError);
    expect(() => parsePlan(body, 'plan.json')).toThrow(message);
    expect(() => parsePlan(body, 'plan.json')).toThrow(/^plan\.json is not a valid plan file/);
  });

  it('says clearly when the file does not exist', async () => {
    await expect(readPlanFile(join(dir, 'missing.json'))).rejects.toThrow(/cannot read plan file .*missing\.json: no such file/);
  });

  it('never writes anything but where a password comes from', async () => {
    const file = join(dir, 'secret.json');
    await writePlanFile(file, samplePlan());
    const saved = JSON.parse(await readFile(file, 'utf8')) as { steps: { operation: { kind: string; password?: unknown } }[] };
    const sources = saved.steps.flatMap((s) => (s.operation.password === undefined ? [] : [s.operation.password]));
    expect(sources).toEqual([{ env: 'PW_ALICE' }]);
  });

  it('is refused when written with a bad file name, leaving nothing behind', async () => {
    await writeFile(join(dir, 'dir-as-file'), 'x');
    await expect(writePlanFile(join(dir, 'dir-as-file', 'plan.json'), samplePlan())).rejects.toThrow(/cannot write plan file .*dir-as-file\/plan\.json: ENOTDIR/);
    await expect(writePlanFile(join(dir, 'no-such-dir', 'plan.json'), samplePlan())).rejects.toThrow(/cannot write plan file .*: no such directory/);
    expect((await readdir(dir)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });
});
