import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** Conventions of the tools people already use, through the built CLI (bin/rbac.js). */

const rbac = (args: string[]): string => execFileSync(process.execPath, ['bin/rbac.js', ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
const COMMANDS = ['validate', 'lint', 'plan', 'show', 'apply', 'drift', 'export', 'explain', 'who-can', 'emulator', 'completion'];

describe('help', () => {
  it.each(COMMANDS)('rbac %s --help shows no "(default: [])"', (command) => {
    expect(rbac([command, '--help'])).not.toContain('(default: [])');
  });

  it('names the Milvus version with one flag, --milvus-version, wherever a command takes one', () => {
    for (const command of [['validate'], ['lint'], ['explain', 'user'], ['emulator']]) {
      const help = rbac([...command, '--help']);
      expect(help, command.join(' ')).toContain('--milvus-version <version>');
      expect(help, command.join(' ')).not.toContain('--target-version');
    }
  });

  it('gives the emulator a default port that is not Milvus\'s 19530', () => {
    expect(rbac(['emulator', '--help'])).toMatch(/\(default: 19531\)/);
  });
});

describe('rbac completion', () => {
  it('bash completes commands, flags and flag values', () => {
    const script = rbac(['completion', 'bash']);
    const complete = (words: string[]): string =>
      execFileSync('bash', ['-c', `${script}\nCOMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _rbac; echo "\${COMPREPLY[@]}"`], { encoding: 'utf8', cwd: tmpdir() }).trim();
    expect(complete(['rbac', 'dri'])).toBe('drift');
    expect(complete(['rbac', 'plan', '--detailed'])).toBe('--detailed-exitcode');
    expect(complete(['rbac', 'plan', '--format', 'm'])).toBe('markdown');
  });

  it('zsh and fish scripts name every command', () => {
    const zsh = rbac(['completion', 'zsh']);
    const fish = rbac(['completion', 'fish']);
    for (const command of COMMANDS.filter((c) => c !== 'completion')) {
      expect(zsh).toContain(`'${command}:`);
      expect(fish).toContain(`__fish_seen_subcommand_from ${command}'`);
    }
  });
});

describe('-f DIR', () => {
  it('reads the policy files of sub-folders too, and skips hidden ones', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rbac-tree-'));
    mkdirSync(join(dir, 'teams/search'), { recursive: true });
    mkdirSync(join(dir, '.git'));
    writeFileSync(join(dir, '00-base.yaml'), 'version: 1\nroles:\n  base: {}\n');
    writeFileSync(join(dir, 'teams/search/reader.yaml'), 'version: 1\nroles:\n  search_reader: {}\n');
    writeFileSync(join(dir, '.git/config.yaml'), 'not: a policy\n');
    const body = JSON.parse(rbac(['validate', '-f', dir, '--format', 'json'])) as { files: string[]; summary: { roles: number } };
    expect(body.files.map((f) => f.slice(dir.length + 1))).toEqual(['00-base.yaml', 'teams/search/reader.yaml']);
    expect(body.summary.roles).toBe(2);
  });
});
