import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { registerCommands } from '../../src/cli/commands/index.js';

/**
 * The pipeline and cron examples are copied into other people's repositories: every `rbac`
 * command in them must name a real subcommand and real flags, and the YAML ones must parse.
 */
const dir = fileURLToPath(new URL('../../examples/ci/', import.meta.url));
const files = readdirSync(dir).sort();

const program = new Command();
registerCommands(program);

function rbacInvocations(text: string): string[][] {
  const found: string[][] = [];
  // `rbac` as a command: at the start of a line or after a space or bracket, not inside `milvus-rbac`.
  for (const match of text.matchAll(/(?:^|[\s({])rbac ([a-z-]+)([^\n>&|#"`,:;()]*)/gm)) {
    const words = `${match[1]}${match[2] ?? ''}`.trim().split(/\s+/);
    found.push(words);
  }
  return found;
}

describe('examples/ci', () => {
  it('has the cron, Kubernetes CronJob and GitHub Actions examples', () => {
    expect(files).toEqual(['crontab', 'github-actions.yaml', 'kubernetes-cronjob.yaml']);
  });

  it('github-actions.yaml runs rbac through the action of this repository, pinned to a tag', () => {
    expect(readFileSync(join(dir, 'github-actions.yaml'), 'utf8')).toMatch(/uses: [\w-]+\/milvus-rbac@v\d+\.\d+\.\d+\n\s+with:\n\s+command: plan/);
  });

  it.each([...files.filter((f) => f !== 'github-actions.yaml').map((f) => join(dir, f)), fileURLToPath(new URL('../../action.yml', import.meta.url))])('%s uses only real rbac subcommands and flags', (path) => {
    const text = readFileSync(path, 'utf8');
    if (/\.ya?ml$/.test(path)) expect(() => parse(text)).not.toThrow();
    const invocations = rbacInvocations(text);
    expect(invocations.length).toBeGreaterThan(0);
    for (const [sub, ...args] of invocations) {
      const command = program.commands.find((c) => c.name() === sub);
      expect(command, `rbac ${sub}`).toBeDefined();
      const flags = new Set(command?.options.flatMap((o) => [o.long, o.short].filter((f): f is string => f !== undefined)));
      for (const arg of args.filter((a) => a.startsWith('-'))) expect(flags, `rbac ${sub} ${arg}`).toContain(arg.split('=')[0]);
    }
  });
});
