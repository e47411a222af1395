// @ts-check
/**
 * `rbac usage` throughput: a generated access log of the size asked (1 GiB by default) in the
 * 2.5 default formats, read in a fresh process against a policy; wall time, MB/s and the
 * process's peak resident memory (it must stay flat: the log is streamed, calls are counted).
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';

const USERS = 40;
const COLLECTIONS = 25;

/** One line in the shape Milvus 2.5.14+ writes (configs/milvus.yaml): query/search formats carry the collection. */
function line(i) {
  const user = `app_${i % USERS}`;
  const coll = `c${(i * 7) % COLLECTIONS}`;
  const minute = String(Math.floor(i / 100000) % 60).padStart(2, '0');
  const second = String(Math.floor(i / 2000) % 60).padStart(2, '0');
  const head = (method, status, msg) =>
    `[2026/12/01 10:${minute}:${second}.${String(i % 1000).padStart(3, '0')} +00:00] [ACCESS] <${user}: tcp-10.0.0.${i % 250}:${40000 + (i % 20000)}> ${method} [status: ${status}] [code: ${status === 'Successful' ? 0 : 65535}] [sdk: Python-2.5.4] [msg: ${msg}] [traceID: ${(i * 2654435761 >>> 0).toString(16).padStart(32, '0')}] [timeCost: ${(i % 900) + 100}.5µs]`;
  const d = `[database: default] [collection: ${coll}] [partitions: []]`;
  switch (i % 10) {
    case 0:
    case 1:
    case 2:
    case 3:
      return `${head('Search', 'Successful', '')} ${d} [expr: ] [nq: 1] [params: [{key:topk value:10}]]`;
    case 4:
    case 5:
      return `${head('Query', 'Successful', '')} ${d} [expr: id > ${i}] [params: []]`;
    case 6:
    case 7:
      return head('Insert', 'Successful', '');
    case 8:
      return head('DescribeCollection', 'Successful', '');
    default:
      return head('Delete', 'GrpcPermissionDenied', `rpc error: code = PermissionDenied desc = PrivilegeDelete: permission deny to ${user} in the \`default\` database`);
  }
}

async function generate(file, bytes) {
  const out = createWriteStream(file);
  let written = 0;
  let i = 0;
  while (written < bytes) {
    let chunk = '';
    for (let k = 0; k < 2000; k++) chunk += `${line(i++)}\n`;
    written += Buffer.byteLength(chunk);
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return i;
}

/**
 * @param {{ root: URL, work: string, megabytes: number }} input
 */
export async function measureUsage({ root, work, megabytes }) {
  const log = join(work, 'access.log');
  const policy = join(work, 'usage-policy.yaml');
  const users = Array.from({ length: USERS }, (_, u) => `  app_${u}:\n    roles: [${u % 2 === 0 ? 'reader' : 'writer'}]`).join('\n');
  const collections = Array.from({ length: COLLECTIONS }, (_, c) => `c${c}`).join(', ');
  writeFileSync(policy, `version: 1\nroles:\n  reader:\n    grants:\n      - privileges: [Search, Query]\n        collections: [${collections}]\n  writer:\n    grants:\n      - privileges: [Insert, Search, Query, Flush]\n        collections: [${collections}]\nusers:\n${users}\n`);
  const t0 = process.hrtime.bigint();
  const lines = await generate(log, megabytes * 1024 * 1024);
  const generateMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const size = statSync(log).size;
  const child = new URL('./usage-child.mjs', import.meta.url).pathname;
  const run = spawnSync(process.execPath, [child, JSON.stringify({ log, policy })], { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (run.status !== 0) throw new Error(`usage child exited ${run.status}: ${run.stderr.slice(0, 500)}`);
  const result = JSON.parse(run.stdout.trim().split('\n').pop() ?? '{}');
  if (result.error) throw new Error(result.error);
  if (result.accessLines !== lines) throw new Error(`read ${result.accessLines} access lines of ${lines}`);
  return { bytes: size, lines, generateMs, ms: result.ms, megabytesPerSecond: size / 1048576 / (result.ms / 1000), peakRssMB: result.peakRssMB, users: result.users };
}
