import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { register } from '../../src/cli/commands/plan.js';
import { startPlanFixture } from './plan-helpers.js';
import type { PlanFixture } from './plan-helpers.js';

/** The `rbac plan` command itself: flags and environment in, exit code and streams out. */

const POLICY = `version: 1
roles:
  reader:
    grants:
      - object: Collection
        objectName: books
        privileges: [Search]
users:
  app:
    roles: [reader]
    password: { env: APP_PW }
`;

let f: PlanFixture;
let stdout: string;
let stderr: string;
beforeEach(async () => {
  f = await startPlanFixture('2.5');
  stdout = '';
  stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  vi.stubEnv('MILVUS_TOKEN', 'root:Milvus');
  vi.stubEnv('APP_PW', 'app-Secret-2024');
  vi.stubEnv('NO_COLOR', '1');
});
afterEach(async () => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  process.exitCode = undefined;
  await f.close();
});

async function rbac(...args: string[]): Promise<number> {
  const program = new Command().exitOverride();
  register(program);
  process.exitCode = undefined;
  await program.parseAsync(['node', 'rbac', ...args]);
  return Number(process.exitCode ?? 0);
}

describe('rbac plan (command)', () => {
  it('exits 2 with --detailed-exitcode when there are changes, 0 without it, and never prints the password', async () => {
    const policy = await f.policy(POLICY);
    expect(await rbac('plan', '-f', policy, '--address', f.emulator.address, '--detailed-exitcode')).toBe(2);
    expect(stdout).toContain('Plan: 2 to add, 0 to change, 0 to destroy.');
    expect(await rbac('plan', '-f', policy, '--address', f.emulator.address)).toBe(0);
    expect(stdout + stderr).not.toContain('app-Secret-2024');
    expect(stdout).not.toContain('\u001b[');
  });

  it('exits 1 and says why when no address is given', async () => {
    vi.stubEnv('MILVUS_ADDRESS', '');
    const policy = await f.policy(POLICY);
    expect(await rbac('plan', '-f', policy)).toBe(1);
    expect(stderr).toMatch(/no Milvus address: pass --address or set MILVUS_ADDRESS/);
  });

  it('prints markdown when asked', async () => {
    const policy = await f.policy(POLICY);
    expect(await rbac('plan', '-f', policy, '--address', f.emulator.address, '--format', 'markdown')).toBe(0);
    expect(stdout).toMatch(/^### rbac plan: Plan: 2 to add/);
  });
});
