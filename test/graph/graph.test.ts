import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { register as registerGraph } from '../../src/cli/commands/graph.js';
import { runCommand } from '../explain/run-command.js';

/** `rbac graph`: users → roles → grants → objects as Mermaid, DOT and SVG, whole or focused. */

const dir = mkdtempSync(join(tmpdir(), 'rbac-graph-'));
const policy = join(dir, 'policy.yaml');
writeFileSync(
  policy,
  'version: 1\ndatabases: [sales]\nroles:\n  reader:\n    grants:\n      - privileges: [Search, Query]\n        database: sales\n        collections: [orders]\n  writer:\n    grants:\n      - privileges: [Insert]\n        database: sales\n        collections: [orders, refunds]\nusers:\n  alice:\n    roles: [reader]\n  bob:\n    roles: [writer]\n',
);

const rbac = (args: string[]) => runCommand([registerGraph], args);

describe('rbac graph', () => {
  it('draws the whole policy as Mermaid: users to roles to grants to objects', async () => {
    const run = await rbac(['graph', '-f', policy]);
    expect(run.exitCode).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toBe('flowchart LR');
    const id = (label: string): string | undefined => lines.find((l) => l.includes(`"${label}"`))?.trim().match(/^(\w+)/)?.[1];
    const edge = (from: string, to: string): boolean => lines.includes(`  ${id(from)} --> ${id(to)}`);
    expect(edge('alice', 'reader')).toBe(true);
    expect(edge('reader', 'Query, Search')).toBe(true);
    expect(edge('Query, Search', 'collection sales.orders')).toBe(true);
    expect(edge('bob', 'writer')).toBe(true);
  });

  it('focuses on one user, one role or one collection', async () => {
    const alice = (await rbac(['graph', '-f', policy, '--focus-user', 'alice'])).stdout;
    expect(alice).toContain('"reader"');
    expect(alice).not.toContain('"writer"');
    const refunds = (await rbac(['graph', '-f', policy, '--focus-collection', 'sales.refunds'])).stdout;
    expect(refunds).toContain('"collection sales.refunds"');
    expect(refunds).not.toContain('"alice"');
    expect((await rbac(['graph', '-f', policy, '--focus-role', 'nobody'])).stderr).toContain('no role "nobody"');
  });

  it('writes DOT for Graphviz, and SVG drawn by Graphviz itself', async () => {
    const dot = (await rbac(['graph', '-f', policy, '--format', 'dot'])).stdout;
    expect(dot).toMatch(/^digraph access \{\n {2}rankdir=LR;/);
    expect(dot).toContain('label="bob", shape=ellipse');
    const out = join(dir, 'graph.svg');
    const run = await rbac(['graph', '-f', policy, '--format', 'svg', '-o', out]);
    expect(run.stderr).toMatch(/Wrote .*graph\.svg: \d+ nodes, \d+ edges/);
    const svg = readFileSync(out, 'utf8');
    expect(svg).toContain('<svg');
    expect(svg).toContain('collection sales.orders');
  });
});
