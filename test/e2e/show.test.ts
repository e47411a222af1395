import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { register as registerPlan } from '../../src/cli/commands/plan.js';
import { register as registerShow } from '../../src/cli/commands/show.js';
import { startEmulator } from '../../src/emulator/index.js';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { runCommand } from '../explain/run-command.js';
import { tempPath, writePolicy } from '../apply/helpers.js';

/** `rbac show PLAN`: the reviewed file rendered as the plan command rendered it, without a server. */

const COMMANDS = [registerPlan, registerShow];
let emulator: RunningEmulator;
let planFile: string;
let planned: { text: string; markdown: string };

beforeAll(async () => {
  emulator = await startEmulator({ port: 0 });
  const policy = writePolicy('version: 1\nroles:\n  reader:\n    grants:\n      - privileges: [Search, Query]\n        collections: [c10, c2, c1]\n');
  planFile = tempPath('plan.json');
  process.env.SHOW_TEST_TOKEN = 'root:Milvus';
  const common = ['-f', policy, '--address', emulator.address, '--token-env', 'SHOW_TEST_TOKEN'];
  const text = await runCommand(COMMANDS, ['plan', ...common, '--out', planFile]);
  const markdown = await runCommand(COMMANDS, ['plan', ...common, '--format', 'markdown']);
  delete process.env.SHOW_TEST_TOKEN;
  planned = { text: text.stdout, markdown: markdown.stdout };
});

afterAll(async () => {
  await emulator.stop();
});

describe('rbac show', () => {
  it('renders the saved plan as plan did, in text and Markdown, with no server', async () => {
    const text = await runCommand(COMMANDS, ['show', planFile]);
    expect(text.exitCode).toBe(0);
    expect(planned.text.startsWith(text.stdout.trimEnd())).toBe(true);
    expect(text.stdout).toContain('+ grant Query, Search on 3 collections of database default: c1, c2, c10');
    const markdown = await runCommand(COMMANDS, ['show', planFile, '--format', 'markdown']);
    // The saved plan was made by a separate run: the same steps, hence the same digest and body.
    expect(markdown.stdout.replace(/digest `[0-9a-f]+`/, '')).toBe(planned.markdown.replace(/digest `[0-9a-f]+`/, ''));
    const json = await runCommand(COMMANDS, ['show', planFile, '--format', 'json']);
    expect((JSON.parse(json.stdout) as { summary: { steps: number } }).summary.steps).toBe(7);
  });

  it('refuses a plan edited after it was made, and a file that is not a plan', async () => {
    const edited = tempPath('edited.json');
    writeFileSync(edited, readFileSync(planFile, 'utf8').replace('"Search"', '"Delete"'));
    const run = await runCommand(COMMANDS, ['show', edited]);
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain('is not as it was made');
    expect(run.stdout).toBe('');
    const missing = await runCommand(COMMANDS, ['show', tempPath('none.json'), '--format', 'json']);
    expect(missing.exitCode).toBe(1);
    expect((JSON.parse(missing.stdout) as { error: { kind: string } }).error.kind).toBe('invalid-input');
  });
});
