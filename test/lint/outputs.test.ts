import { describe, expect, it } from 'vitest';
import { runLint } from '../../src/lint/run.js';
import { writePolicy } from '../apply/helpers.js';

/** rbac lint for code-scanning tools: SARIF, GitHub annotations, --disable and inline acceptance. */

const policy = writePolicy(
  [
    'version: 1',
    'roles:',
    '  ops:',
    '    grants:',
    '      - privileges: [ClusterAdmin]',
    '  oncall:',
    '    grants:',
    '      # rbac-lint: accept broad-grant (the on-call role, reviewed)',
    '      - privileges: [ClusterAdmin]',
    '  spare:',
    'users:',
    '  alice: { roles: [ops, oncall], password: { env: A } }',
    '',
  ].join('\n'),
);

describe('rbac lint outputs', () => {
  it('leaves out a finding accepted inline, and counts it', async () => {
    const json = JSON.parse((await runLint({ files: [policy], format: 'json' })).output) as { findings: { code: string; subject: { name: string } }[]; accepted: number };
    expect(json.findings.map((f) => `${f.code}:${f.subject.name}`).sort()).toEqual(['broad-grant:ops', 'role-without-users:spare']);
    expect(json.accepted).toBe(1);
    const text = await runLint({ files: [policy] });
    expect(text.output).toMatch(/2 findings in .* \(1 accepted inline\)\n$/);
  });

  it('--disable leaves out a rule, and refuses a rule that does not exist', async () => {
    const json = JSON.parse((await runLint({ files: [policy], format: 'json', disable: ['role-without-users'] })).output) as { findings: { code: string }[]; disabled: number };
    expect(json.findings.map((f) => f.code)).toEqual(['broad-grant']);
    expect(json.disabled).toBe(1);
    const wrong = await runLint({ files: [policy], disable: ['broad-grants'] });
    expect(wrong.exitCode).toBe(1);
    expect(wrong.errors).toContain('unknown lint rule broad-grants (rules: broad-grant,');
  });

  it('writes SARIF 2.1.0 with rules and located results', async () => {
    const sarif = JSON.parse((await runLint({ files: [policy], format: 'sarif' })).output) as {
      version: string;
      runs: { tool: { driver: { name: string; rules: { id: string }[] } }; results: { ruleId: string; level: string; locations?: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[] }[] }[];
    };
    expect(sarif.version).toBe('2.1.0');
    const run = sarif.runs[0];
    expect(run?.tool.driver.name).toBe('milvus-rbac');
    expect(run?.tool.driver.rules.map((r) => r.id)).toContain('broad-grant');
    const broad = run?.results.find((r) => r.ruleId === 'broad-grant');
    expect(broad?.level).toBe('warning');
    expect(broad?.locations?.[0]?.physicalLocation).toEqual({ artifactLocation: { uri: policy }, region: { startLine: 5, startColumn: 9 } });
  });

  it('writes GitHub annotations, escaped', async () => {
    const out = (await runLint({ files: [policy], format: 'github', strict: true }));
    expect(out.exitCode).toBe(1);
    const lines = out.output.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(new RegExp(`^::warning file=${policy.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')},line=5,col=9,title=rbac lint%3A broad-grant::`));
    for (const line of lines) expect(line).not.toMatch(/\n/);
  });
});
