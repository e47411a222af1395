import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { register } from '../../src/cli/commands/validate.js';
import { runCommand } from '../explain/run-command.js';

const examples = fileURLToPath(new URL('../../examples/', import.meta.url));

async function run(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const result = await runCommand([register], ['validate', ...args]);
  return { code: result.exitCode, stdout: result.stdout, stderr: result.stderr };
}

describe('rbac validate', () => {
  it('exits 0 and summarises a valid policy', async () => {
    const result = await run('-f', `${examples}small-team.yaml`);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^policy is valid: 4 users, 4 roles, 0 privilege groups, 58 grants \(1 file, sha256 [0-9a-f]{12}\)\n$/);
    expect(result.stderr).toBe('');
  });

  it('shows lint findings as located warnings, in text and JSON, and still exits 0; --no-lint hides them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rbac-validate-'));
    const file = join(dir, 'lint.yaml');
    writeFileSync(file, 'version: 1\nroles:\n  reader:\n    grants:\n      - object: Collection\n        privileges: [Query]\nusers: {}\n');
    const text = await run('-f', file);
    expect(text.code).toBe(0);
    expect(text.stderr).toBe(`${file}:3:3: warning [role-without-users] role reader has no users in this policy: its grants reach nobody\n`);
    expect(text.stdout).toMatch(/; 1 lint warning \(rbac lint lists them; --no-lint hides them\)\n$/);
    const json = JSON.parse((await run('-f', file, '--format', 'json')).stdout) as { lint: { code: string; position: { line: number } }[] };
    expect(json.lint.map((f) => [f.code, f.position.line])).toEqual([['role-without-users', 3]]);
    const quiet = await run('-f', file, '--no-lint');
    expect(quiet.stderr).toBe('');
    expect(quiet.stdout).not.toContain('lint');
  });

  it('merges several -f files and directories', async () => {
    const result = await run('-f', `${examples}split`, '--format', 'json');
    expect(result.code).toBe(0);
    const body = JSON.parse(result.stdout) as { valid: boolean; files: string[]; summary: { roles: number } };
    expect(body.valid).toBe(true);
    expect(body.files).toHaveLength(3);
    expect(body.summary.roles).toBe(2);
  });

  it('exits 1 and prints every located error with its hint', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rbac-validate-'));
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'version: 1\nroles:\n  r:\n    grants:\n      - privileges: [Serach]\n        collections: [c]\nusers:\n  u: { password: hunter2hunter2 }\n');
    const result = await run('-f', file);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      [
        `${file}:5:22: error: "Serach" is neither a Milvus privilege nor a privilege group defined in this policy`,
        '  hint: did you mean "Search"?',
        `${file}:8:18: error: users.u.password: a literal password is not allowed in a policy`,
        '  hint: read it from the environment or a file: password: { env: MY_USER_PASSWORD } or password: { file: ./secrets/my_user }',
        'policy is invalid: 2 errors',
        '',
      ].join('\n'),
    );
    expect(result.stderr).not.toContain('hunter2hunter2');
  });

  it('reports errors as JSON with --format json', async () => {
    const result = await run('-f', '/nonexistent.yaml', '--format', 'json');
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toEqual({
      formatVersion: 1,
      valid: false,
      diagnostics: [{ severity: 'error', file: '/nonexistent.yaml', line: 1, column: 1, message: 'no such file or directory', code: 'io' }],
    });
  });

  it('checks against --milvus-version (the name every command uses; --target-version still works)', async () => {
    const old = await run('-f', `${examples}privilege-groups.yaml`, '--target-version', '2.4.15', '--format', 'json');
    const result = await run('-f', `${examples}privilege-groups.yaml`, '--milvus-version', '2.4.15', '--format', 'json');
    expect(old).toEqual(result);
    expect(result.code).toBe(1);
    const body = JSON.parse(result.stdout) as { diagnostics: { code: string }[] };
    expect(new Set(body.diagnostics.map((d) => d.code))).toEqual(new Set(['version-feature', 'target-too-old']));
  });
});
