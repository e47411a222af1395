import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { register } from '../../src/cli/commands/apply.js';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { emulator, writePolicy } from './helpers.js';

const POLICY = `
version: 1
roles:
  reader:
    grants:
      - object: Collection
        objectName: books
        privileges: [Search]
users:
  app_one:
    roles: [reader]
    password: { env: CLI_APP_PW }
`;

let emu: RunningEmulator | undefined;
let written: string[] = [];
const saved = { ...process.env };

beforeEach(() => {
  written = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  process.exitCode = undefined;
});

afterEach(async () => {
  vi.restoreAllMocks();
  process.env = { ...saved };
  process.exitCode = undefined;
  await emu?.stop();
  emu = undefined;
});

async function rbac(...args: string[]): Promise<number | string | undefined> {
  const program = new Command();
  program.exitOverride();
  register(program);
  await program.parseAsync(['node', 'rbac', 'apply', ...args]);
  return process.exitCode;
}

describe('rbac apply (command)', () => {
  it('applies a policy with --auto-approve and --format json, then has nothing to do', async () => {
    emu = await emulator();
    process.env.MILVUS_ADDRESS = emu.address;
    process.env.MILVUS_TOKEN = 'root:Milvus';
    process.env.CLI_APP_PW = 'cli-app-Secret-7';
    const policy = writePolicy(POLICY);
    expect(await rbac('-f', policy, '--auto-approve', '--format', 'json', '--parallelism', '4', '--retries', '1')).toBe(0);
    const result = JSON.parse(written.join('')) as { status: string; steps: { done: number } };
    expect(result.status).toBe('applied');
    expect(result.steps.done).toBe(4);
    expect(written.join('')).not.toContain('cli-app-Secret-7');
    written = [];
    expect(await rbac('-f', policy, '--auto-approve')).toBe(0);
    expect(written.join('')).toContain('No changes');
  });

  it('needs a policy or a plan file, and a Milvus address', async () => {
    expect(await rbac()).toBe(1);
    expect(written.join('')).toContain('give a policy (-f policy.yaml), a saved plan file, or both');
    written = [];
    delete process.env.MILVUS_ADDRESS;
    expect(await rbac('-f', writePolicy(POLICY))).toBe(1);
    expect(written.join('')).toContain('no Milvus address');
  });

  it('refuses drops with --no-destroy', async () => {
    emu = await emulator({ seed: { state: { users: [{ name: 'gone', roles: [] }], roles: [], privilegeGroups: [] }, passwords: { root: 'Milvus' } } });
    process.env.MILVUS_ADDRESS = emu.address;
    process.env.MILVUS_TOKEN = 'root:Milvus';
    process.env.CLI_APP_PW = 'cli-app-Secret-7';
    expect(await rbac('-f', writePolicy(`${POLICY}scope:\n  users: all\n`), '--auto-approve', '--no-destroy')).toBe(5);
    expect(written.join('')).toContain('--no-destroy refuses step dropUser:gone: drop user gone');
    expect(emu.engine.hasUser('gone')).toBe(true);
  });
});

describe('rbac apply --help', () => {
  it('states the parallelism the executor really uses by default', async () => {
    const { DEFAULT_PARALLELISM } = await import('../../src/apply/run.js');
    const program = new Command();
    register(program);
    const apply = program.commands.find((c) => c.name() === 'apply');
    const option = apply?.options.find((o) => o.long === '--parallelism');
    expect(option?.description).toContain(`(default ${DEFAULT_PARALLELISM})`);
  });
});
