import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { connect } from '../../src/milvus/connection.js';
import { connectionOptionsFromEnv } from '../../src/milvus/connection-settings.js';
import { executeOperation } from '../../src/milvus/execute.js';
import type { VersionProfile } from '../../src/model/versions.js';
import { ROOT_TOKEN, startPlanFixture } from './plan-helpers.js';
import type { PlanFixture } from './plan-helpers.js';

/**
 * Every shipped example, planned against an empty emulator of the version it targets, applied
 * through the real client layer, and planned again: the second plan must be empty. This is the
 * false-diff check on policies people will copy.
 */

const EXAMPLES: readonly { files: string[]; profile: VersionProfile }[] = [
  { files: ['examples/small-team.yaml'], profile: '2.4' },
  { files: ['examples/presets.yaml'], profile: '2.3' },
  { files: ['examples/multi-tenant.yaml'], profile: '2.5' },
  { files: ['examples/privilege-groups.yaml'], profile: '2.5' },
  { files: ['examples/production-locked-down.yaml'], profile: '2.5' },
  { files: ['examples/split'], profile: '2.6' },
  { files: ['examples/milvus-3.0.yaml'], profile: '3.0' },
];

/** Any password source resolves to one valid password: the example's secrets do not exist here. */
const EXAMPLE_PASSWORD = 'example-password-1';
const anyPassword = { resolvePassword: (): string => EXAMPLE_PASSWORD };
/** The same for plan's login check: every variable the examples name holds that password. */
const anyPasswordEnv: NodeJS.ProcessEnv = new Proxy({}, { get: () => EXAMPLE_PASSWORD });

let f: PlanFixture | undefined;
afterEach(async () => {
  await f?.close();
  f = undefined;
});

describe('shipped examples converge', () => {
  it('lists every example', async () => {
    // zilliz-cloud.yaml converges against the emulator's Zilliz profile in zilliz-cloud.test.ts.
    const shipped = (await readdir('examples')).filter((n) => (n.endsWith('.yaml') && n !== 'zilliz-cloud.yaml') || n === 'split').sort();
    expect(EXAMPLES.map((e) => e.files[0]?.replace('examples/', '')).sort()).toEqual(shipped);
  });

  it.each(EXAMPLES)('$files on Milvus $profile: plan, apply, then no changes', async ({ files, profile }) => {
    // Servers with raised limits, as multi-tenant.yaml declares in target.limits.
    const limits = { maxUsers: 1000, maxRoles: 1000 };
    f = await startPlanFixture(profile, undefined, limits);
    const paths = files.map((p) => join(process.cwd(), p));
    const first = await f.plan(paths, { limits });
    expect(first.errors.replace(/^.*warning.*$\n?/gim, '')).toBe('');
    if (!first.plan) throw new Error(first.errors);
    expect(first.plan.steps.length).toBeGreaterThan(0);
    const conn = await connect(connectionOptionsFromEnv({ address: f.emulator.address }, { MILVUS_TOKEN: ROOT_TOKEN }));
    try {
      for (const step of first.plan.steps) await executeOperation(conn, step.operation, anyPassword);
    } finally {
      await conn.close();
    }
    // As written: users with updatePassword: true are checked by logging in, and their password is the policy's.
    const second = await f.plan(paths, { limits, detailedExitcode: true, env: anyPasswordEnv });
    expect(second.plan?.steps.map((s) => s.id)).toEqual([]);
    expect(second.exitCode).toBe(0);
  });
});
