import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPolicy, loadPolicyText } from '../../src/policy/index.js';
import { overwritesInput } from '../../src/pipeline/output-guard.js';
import { connectionOptionsFromEnv } from '../../src/milvus/connection-settings.js';
import { resolvePassword } from '../../src/milvus/secrets.js';

/** Input that must not hurt: oversized files, YAML tags, huge lists, outputs over inputs, secrets in flags. */

function dir(): string {
  return mkdtempSync(join(tmpdir(), 'rbac-input-'));
}

describe('policy input limits', () => {
  it('refuses a policy file over the limit, located, without reading it all (and /dev/zero)', async () => {
    const file = join(dir(), 'big.yaml');
    writeFileSync(file, `version: 1\n# ${'x'.repeat(2048)}\n`);
    process.env.RBAC_MAX_POLICY_BYTES = '1024';
    try {
      const big = await loadPolicy([file]);
      expect(big.ok).toBe(false);
      expect(big.diagnostics.map((d) => [d.file, d.line, d.code, d.message])).toEqual([[file, 1, 'io', 'the file is larger than the limit of 1024 bytes']]);
      const zero = await loadPolicy(['/dev/zero']);
      expect(zero.diagnostics.map((d) => d.message)).toEqual(['the file is larger than the limit of 1024 bytes']);
    } finally {
      delete process.env.RBAC_MAX_POLICY_BYTES;
    }
    expect((await loadPolicy([file])).ok).toBe(true);
  });

  it('gives one located error for a YAML tag other than the plain ones', () => {
    const result = loadPolicyText('version: 1\nroles: !!binary aGVsbG8=\n', 'p.yaml');
    expect(result.ok).toBe(false);
    expect(result.diagnostics.filter((d) => d.severity === 'error').map((d) => [d.line, d.column, d.code, d.message])).toEqual([[2, 8, 'yaml-tag', 'YAML tag !!binary is not allowed in a policy']]);
    expect(loadPolicyText('version: !!int 1\nroles: !!map {}\n', 'p.yaml').ok).toBe(true);
  });

  it('reads a list of 150,000 items without overflowing the stack', () => {
    const names = Array.from({ length: 150_000 }, (_, i) => `c${i}`).join(', ');
    const result = loadPolicyText(`version: 1\nroles:\n  r:\n    grants:\n      - object: Collection\n        objectNames: [${names}]\n        privileges: [Search]\n`, 'p.yaml');
    expect(result.ok).toBe(true);
  });
});

describe('outputs never replace inputs', () => {
  it('refuses an output path that is a policy file or a policy file inside a -f directory', () => {
    const d = dir();
    const policy = join(d, 'p.yaml');
    writeFileSync(policy, 'version: 1\n');
    expect(overwritesInput(policy, [policy], '--out')).toBe(`--out ${policy} is the policy file ${policy}: refusing to write over an input; choose another path`);
    expect(overwritesInput(join(d, 'other.yaml'), [d], '--out')).toContain('is a policy file in');
    expect(overwritesInput(join(d, 'plan.json'), [d], '--out')).toBeNull();
    expect(overwritesInput(join(d, 'plan.json'), [policy], '--out')).toBeNull();
  });
});

describe('secrets given in the wrong flag are never echoed', () => {
  it.each([
    [{ tokenEnv: 'root:Sup3r-secret' }, '--token-env'],
    [{ passwordEnv: 'p@ss word!', user: 'ops' }, '--password-env'],
    [{ tokenFile: 'root:Sup3r-secret' }, '--token-file'],
  ])('%o', (flags, flag) => {
    let message = '';
    try {
      connectionOptionsFromEnv({ address: '127.0.0.1:1', ...flags }, {});
    } catch (error) {
      message = error instanceof Error ? error.message : String(error);
    }
    expect(message).toContain(flag);
    expect(message).not.toContain('Sup3r-secret');
    expect(message).not.toContain('p@ss word!');
  });
});

describe('one newline rule for secrets', () => {
  it('drops a single trailing newline from a password in a file and in a variable alike', () => {
    const file = join(dir(), 'pw');
    writeFileSync(file, 'from-a-file-1\n');
    expect(resolvePassword({ file })).toBe('from-a-file-1');
    expect(resolvePassword({ env: 'PW' }, { PW: 'from-a-secret-1\n' })).toBe('from-a-secret-1');
    expect(resolvePassword({ env: 'PW' }, { PW: 'two-newlines\n\n' })).toBe('two-newlines\n');
    const options = connectionOptionsFromEnv({ address: '127.0.0.1:1' }, { MILVUS_TOKEN: 'root:Milvus\n' });
    expect(options.credentials.kind === 'token' && options.credentials.token()).toBe('root:Milvus');
  });
});

describe('plan and drift refuse to write over their policy', () => {
  it('leaves the policy as it was and connects to nothing', async () => {
    const { readFileSync } = await import('node:fs');
    const { runPlan } = await import('../../src/pipeline/run-plan.js');
    const { runDrift } = await import('../../src/drift/run.js');
    const policy = join(dir(), 'p.yaml');
    writeFileSync(policy, 'version: 1\n');
    // A closed loopback port: were anything to connect, it would fail differently.
    const connection = connectionOptionsFromEnv({ address: '127.0.0.1:1' }, { MILVUS_TOKEN: 'root:Milvus' });
    const plan = await runPlan({ files: [policy], connection, out: policy });
    expect(plan.exitCode).toBe(1);
    expect(plan.errors).toContain('refusing to write over an input');
    const drift = await runDrift({ files: [policy], connection, prometheusTextfile: policy });
    expect(drift.exitCode).toBe(1);
    expect(drift.errors).toContain('refusing to write over an input');
    expect(readFileSync(policy, 'utf8')).toBe('version: 1\n');
  });
});

describe('control characters in messages', () => {
  it('are escaped where a diagnostic quotes the policy', async () => {
    const { formatDiagnostic } = await import('../../src/policy/index.js');
    const result = loadPolicyText('version: 1\nroles:\n  "bad\\u0000name\\u001b[31m":\n', 'p.yaml');
    expect(result.ok).toBe(false);
    const text = result.diagnostics.map(formatDiagnostic).join('\n');
    expect(text).toContain('found \\u0000 at 3');
    // eslint-disable-next-line no-control-regex -- asserting that none is left
    expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f]/);
  });
});
