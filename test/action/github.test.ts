import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMENT_MARKER } from '../../src/action/comment.js';
import { findReviewedPlan, upsertPlanComment } from '../../src/action/main.js';

/**
 * The action's GitHub calls against a loopback stand-in for GitHub's REST API: one comment per
 * pull request, edited in place on every push, and the merge job finding the reviewed plan.
 */

interface Comment {
  id: number;
  body: string;
  user: { login: string; type: string };
}

const comments = new Map<number, Comment[]>();
let nextId = 1000;
const requests: string[] = [];

const server = createServer((req, res) => {
  let raw = '';
  req.on('data', (c: Buffer) => (raw += c.toString()));
  req.on('end', () => {
    requests.push(`${req.method} ${req.url}`);
    const url = new URL(req.url ?? '/', 'http://x');
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.headers.authorization !== 'Bearer test-token') return send(401, { message: 'Bad credentials' });
    let m = /^\/repos\/o\/r\/issues\/(\d+)\/comments$/.exec(url.pathname);
    if (m && req.method === 'GET') {
      const all = comments.get(Number(m[1])) ?? [];
      const page = Number(url.searchParams.get('page') ?? '1');
      const per = Number(url.searchParams.get('per_page') ?? '30');
      return send(200, all.slice((page - 1) * per, page * per));
    }
    if (m && req.method === 'POST') {
      const comment = { id: nextId++, body: (JSON.parse(raw) as { body: string }).body, user: { login: 'github-actions[bot]', type: 'Bot' } };
      comments.set(Number(m[1]), [...(comments.get(Number(m[1])) ?? []), comment]);
      return send(201, comment);
    }
    m = /^\/repos\/o\/r\/issues\/comments\/(\d+)$/.exec(url.pathname);
    if (m && req.method === 'PATCH') {
      for (const list of comments.values()) {
        const found = list.find((c) => c.id === Number(m?.[1]));
        if (found) {
          found.body = (JSON.parse(raw) as { body: string }).body;
          return send(200, found);
        }
      }
      return send(404, {});
    }
    m = /^\/repos\/o\/r\/commits\/([0-9a-f]+)\/pulls$/.exec(url.pathname);
    if (m) return send(200, m[1] === 'abc123' ? [{ number: 7, merged_at: '2026-12-01T00:00:00Z', state: 'closed' }] : []);
    return send(404, { message: 'Not Found' });
  });
});

let env: NodeJS.ProcessEnv;
const dir = mkdtempSync(join(tmpdir(), 'rbac-action-'));
const planMd = join(dir, 'plan.md');
const planJson = join(dir, 'plan.json');
const failure = join(dir, 'errors.txt');
const DIGEST = 'cd'.repeat(32);

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  env = {
    GITHUB_API_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_TOKEN: 'test-token',
    GITHUB_REPOSITORY: 'o/r',
    GITHUB_RUN_ID: '42',
  };
  writeFileSync(planMd, '### rbac plan: Plan: 1 to add, 0 to change, 0 to destroy.\n');
  // As rbac plan --out writes it.
  writeFileSync(planJson, JSON.stringify({ digest: `sha256:${DIGEST}` }));
  writeFileSync(failure, '');
  // A long thread: the plan comment is on the second page.
  comments.set(7, Array.from({ length: 120 }, (_, i) => ({ id: i + 1, body: `comment ${i}`, user: { login: 'dev', type: 'User' } })));
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('the action against GitHub', () => {
  it('creates one comment, then edits it in place on the next push', async () => {
    const first = await upsertPlanComment(['--pr', '7', '--exit-code', '2', '--plan-markdown', planMd, '--plan-file', planJson, '--artifact', 'milvus-rbac-plan', '--failure', failure], env);
    expect(first).toMatch(/^created comment \d+ on #7$/);
    writeFileSync(planMd, '### rbac plan: No changes. Milvus matches the policy.\n');
    const second = await upsertPlanComment(['--pr', '7', '--exit-code', '0', '--plan-markdown', planMd, '--plan-file', planJson, '--artifact', 'milvus-rbac-plan', '--failure', failure], env, );
    expect(second).toMatch(/^updated comment \d+ on #7$/);
    const ours = (comments.get(7) ?? []).filter((c) => c.body.startsWith(COMMENT_MARKER));
    expect(ours).toHaveLength(1);
    expect(ours[0]?.body).toContain('No changes. Milvus matches the policy.');
    expect(requests.filter((r) => r.startsWith('GET /repos/o/r/issues/7/comments')).length).toBeGreaterThanOrEqual(4);
  });

  it('turns a failed plan into the comment, which the merge then refuses to use', async () => {
    writeFileSync(failure, 'Error: cannot reach Milvus at 127.0.0.1:19530: nothing accepts connections there (connection refused)\n');
    await upsertPlanComment(['--pr', '7', '--exit-code', '3', '--plan-markdown', planMd, '--failure', failure], env);
    const ours = (comments.get(7) ?? []).find((c) => c.body.startsWith(COMMENT_MARKER));
    expect(ours?.body).toContain('### rbac plan failed (exit 3)');
    await expect(findReviewedPlan(['--sha', 'abc123'], env)).rejects.toThrow('pull request #7 has no successful plan comment');
  });

  it('gives the merge job the run, artifact and digest of the reviewed plan', async () => {
    await upsertPlanComment(['--pr', '7', '--exit-code', '2', '--plan-markdown', planMd, '--plan-file', planJson, '--artifact', 'milvus-rbac-plan', '--failure', failure], env);
    const output = join(dir, 'github-output');
    writeFileSync(output, '');
    await findReviewedPlan(['--sha', 'abc123'], { ...env, GITHUB_OUTPUT: output });
    expect(readFileSync(output, 'utf8')).toBe(`run-id=42\nartifact=milvus-rbac-plan\ndigest=${DIGEST}\npr=7\n`);
    await expect(findReviewedPlan(['--sha', 'fff000'], env)).rejects.toThrow('belongs to no merged pull request');
  });

  it('takes a missing exit code (the plan step never finished) for a failure', async () => {
    await upsertPlanComment(['--pr', '7', '--exit-code', '', '--plan-markdown', planMd, '--plan-file', planJson, '--artifact', 'milvus-rbac-plan', '--failure', failure], env);
    const ours = (comments.get(7) ?? []).find((c) => c.body.startsWith(COMMENT_MARKER));
    expect(ours?.body).toContain('### rbac plan failed (exit 1)');
  });

  it('says what is missing when GitHub refuses the token', async () => {
    await expect(upsertPlanComment(['--pr', '7', '--exit-code', '0', '--failure', failure], { ...env, GITHUB_TOKEN: 'wrong' })).rejects.toThrow('GitHub answered 401');
  });
});
