import { readFileSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { connectionOptionsFromEnv } from '../../src/milvus/connection-settings.js';
import { runPlan } from '../../src/pipeline/run-plan.js';
import { shortDigest } from '../../src/plan/digest.js';
import { apply, emulator, tempPath, writePolicy } from './helpers.js';

/**
 * The reviewed plan is the applied plan: a saved plan edited after review is refused whatever the
 * edit (an added step, a changed privilege, a zeroed policy hash), --expect-digest holds the
 * apply to the digest a reviewer saw, and a plan given with its policy must be what the policy
 * gives now. Through the real SDK against the emulator; nothing is changed when refused.
 */

const POLICY = 'version: 1\nroles:\n  reader:\n    grants:\n      - object: Collection\n        objectName: books\n        privileges: [Query]\n';

let emu: RunningEmulator | undefined;
afterEach(async () => {
  await emu?.stop();
  emu = undefined;
});

async function saved(): Promise<{ planFile: string; digest: string; policy: string }> {
  emu = await emulator({ milvusVersion: '2.5' });
  const policy = writePolicy(POLICY);
  const planFile = tempPath('plan.json');
  const planned = await runPlan({ files: [policy], connection: connectionOptionsFromEnv({ address: emu.address }, { MILVUS_TOKEN: 'root:Milvus' }), out: planFile });
  expect(planned.output).toContain(`Plan digest: ${shortDigest(planned.plan?.digest ?? '')}`);
  return { planFile, digest: planned.plan?.digest ?? '', policy };
}

type Edit = (plan: { policyHash: string; steps: { id: string; phase: number; operation: Record<string, unknown> }[] }) => void;

const EDITS: [string, Edit][] = [
  ['a step granting ClusterAdmin added', (p) => p.steps.push({ id: 'grant:reader:*:Global:*:ClusterAdmin', phase: 5, operation: { kind: 'grant', role: 'reader', form: 'v2', grant: { objectType: 'Global', objectName: '*', dbName: '*', privilege: 'ClusterAdmin' } } })],
  ['Query changed into Delete', (p) => {
    const grant = p.steps.find((s) => s.operation.kind === 'grant')?.operation.grant as { privilege: string } | undefined;
    if (grant) grant.privilege = 'Delete';
  }],
  ['the policy hash zeroed', (p) => { p.policyHash = '0'.repeat(64); }],
];

describe('a saved plan edited after review', () => {
  it.each(EDITS)('is refused: %s', async (_label, edit) => {
    const { planFile } = await saved();
    const plan = JSON.parse(readFileSync(planFile, 'utf8')) as Parameters<Edit>[0];
    edit(plan);
    writeFileSync(planFile, JSON.stringify(plan));
    const before = emu?.engine.snapshot();
    const result = await apply(emu as RunningEmulator, { source: { planFile } });
    expect(result.result.status).toBe('refused');
    expect(result.result.refusals.map((r) => r.guard)).toContain('plan-integrity');
    expect(emu?.engine.snapshot()).toEqual(before);
  });

  it('is refused when a step id no longer matches its operation, even with a recomputed digest', async () => {
    const { planFile } = await saved();
    const plan = JSON.parse(readFileSync(planFile, 'utf8')) as Parameters<Edit>[0];
    const grant = plan.steps.find((s) => s.operation.kind === 'grant');
    if (grant) (grant.operation.grant as { privilege: string }).privilege = 'Delete';
    writeFileSync(planFile, JSON.stringify(plan));
    const result = await apply(emu as RunningEmulator, { source: { planFile } });
    expect(result.result.refusals.map((r) => r.message).join('\n')).toMatch(/does not match its operation \(which is grant:reader:default:Collection:books:Delete\)/);
  });
});

describe('--expect-digest', () => {
  it('applies the reviewed plan and refuses any other', async () => {
    const { planFile, digest } = await saved();
    const wrong = await apply(emu as RunningEmulator, { source: { planFile }, expectDigest: 'ffffffffffffffff' });
    expect(wrong.result.status).toBe('refused');
    expect(wrong.result.refusals.map((r) => r.guard)).toEqual(['not-reviewed']);
    const right = await apply(emu as RunningEmulator, { source: { planFile }, expectDigest: shortDigest(digest) });
    expect(right.result.status).toBe('applied');
  });

  it('holds an apply from the policy to the reviewed plan too: applied when nothing changed since, refused otherwise', async () => {
    const { policy, digest } = await saved();
    emu?.engine.createRole('intruder_role');
    // The instance changed since the review (its fingerprint is part of the digest).
    const refused = await apply(emu as RunningEmulator, { source: { policyFiles: [policy] }, expectDigest: shortDigest(digest) });
    expect(refused.result.refusals.map((r) => r.guard)).toEqual(['not-reviewed']);
    expect(emu?.engine.hasRole('reader')).toBe(false);
    emu?.engine.dropRole('intruder_role', false);
    const applied = await apply(emu as RunningEmulator, { source: { policyFiles: [policy] }, expectDigest: shortDigest(digest) });
    expect(applied.result.status).toBe('applied');
  });
});

describe('a saved plan given with its policy', () => {
  it('is applied when the policy still gives it, and refused when it was made from another policy', async () => {
    const { planFile, policy } = await saved();
    const other = writePolicy(POLICY.replace('Query', 'Search'));
    const refused = await apply(emu as RunningEmulator, { source: { planFile, policyFiles: [other] } });
    expect(refused.result.refusals.map((r) => r.guard)).toEqual(['not-reviewed']);
    const applied = await apply(emu as RunningEmulator, { source: { planFile, policyFiles: [policy] } });
    expect(applied.result.status).toBe('applied');
  });
});
