import { readFileSync, readdirSync } from 'node:fs';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { formatDiagnostic, loadPolicy } from '../../src/policy/index.js';

/**
 * The corpus of bad policies: every file (or directory, for several files) under corpus/ is a
 * policy with known mistakes, and corpus-expected.json holds the exact located errors the loader
 * must report for it, in order. Paths in messages are relative to the corpus directory.
 */
const corpusDir = fileURLToPath(new URL('./corpus/', import.meta.url));
const expected = JSON.parse(readFileSync(new URL('./corpus-expected.json', import.meta.url), 'utf8')) as Record<string, string[]>;

// Any TCP connection attempt (the Milvus SDK, gRPC) would go through here.
const connect = vi.spyOn(net.Socket.prototype, 'connect');

describe('bad policy corpus', () => {
  it('has at least 100 cases, each with an expectation', () => {
    const cases = readdirSync(corpusDir).sort();
    expect(cases.length).toBeGreaterThanOrEqual(100);
    expect(Object.keys(expected).sort()).toEqual(cases);
  });

  it.each(Object.entries(expected))('%s', async (name, errors) => {
    const result = await loadPolicy([`${corpusDir}${name}`]);
    expect(result.ok).toBe(false);
    const reported = result.diagnostics
      .filter((d) => d.severity === 'error')
      .map((d) => formatDiagnostic(d).split(corpusDir).join(''));
    expect(reported).toEqual(errors);
    for (const d of result.diagnostics) {
      expect(d.line).toBeGreaterThanOrEqual(1);
      expect(d.column).toBeGreaterThanOrEqual(1);
    }
  });

  afterAll(() => {
    expect(connect).not.toHaveBeenCalled();
  });
});

describe('the loader stays offline', () => {
  it('imports nothing that talks to the network', () => {
    const dir = fileURLToPath(new URL('../../src/policy/', import.meta.url));
    const forbidden = /from '(@zilliz\/[^']*|@grpc\/[^']*|node:net|node:http2?|node:https|node:dgram)'/;
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
      expect(readFileSync(`${dir}${file}`, 'utf8'), file).not.toMatch(forbidden);
    }
  });
});
