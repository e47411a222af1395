#!/usr/bin/env node
// The README's first command ends here: a full GitOps round trip against the built-in emulator
// (a test double of Milvus's RBAC API, started in this process on a free loopback port).
// validate → plan → apply → plan again (no changes) → a change made by hand → drift.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { startEmulator } = await import(join(root, 'dist/emulator/index.js'));

const work = mkdtempSync(join(tmpdir(), 'rbac-demo-'));
// The example as written, updatePassword included: plan checks such a password by logging in.
writeFileSync(join(work, 'policy.yaml'), readFileSync(join(root, 'examples/small-team.yaml'), 'utf8'));
mkdirSync(join(work, 'secrets'));
const secret = () => randomBytes(12).toString('base64url');
writeFileSync(join(work, 'secrets/dashboard.txt'), `${secret()}\n`, { mode: 0o600 });

const emulator = await startEmulator({ milvusVersion: '2.5' });
const env = {
  ...process.env,
  MILVUS_ADDRESS: emulator.address,
  MILVUS_TOKEN: 'root:Milvus',
  SEARCH_API_PASSWORD: secret(),
  INGEST_JOB_PASSWORD: secret(),
  ALICE_PASSWORD: secret(),
};

// The emulator lives in this process, so the CLI must run asynchronously to leave it able to answer.
async function rbac(title, args, expected) {
  process.stdout.write(`\n$ rbac ${args.join(' ')}    # ${title}\n`);
  const child = spawn(process.execPath, [join(root, 'bin/rbac.js'), ...args], { cwd: work, env, stdio: ['ignore', 'inherit', 'inherit'] });
  const status = await new Promise((resolve) => child.on('close', resolve));
  process.stdout.write(`(exit ${status})\n`);
  if (status !== expected) throw new Error(`rbac ${args[0]} exited ${status}, expected ${expected}`);
}

let failed = false;
try {
  process.stdout.write(`milvus-rbac demo against the built-in emulator at ${emulator.address} (a test double, not Milvus)\n`);
  await rbac('check the policy offline', ['validate', '-f', 'policy.yaml'], 0);
  await rbac('what would change, saved for review', ['plan', '-f', 'policy.yaml', '--out', 'plan.json', '--detailed-exitcode'], 2);
  await rbac('apply exactly the reviewed plan', ['apply', 'plan.json'], 0);
  await rbac('the instance now matches the policy', ['plan', '-f', 'policy.yaml', '--detailed-exitcode'], 0);

  process.stdout.write('\n# someone grants DropCollection to product_reader by hand, outside git\n');
  emulator.engine.grantV1(
    { role: 'product_reader', objectType: 'Global', objectName: '*', dbName: 'default', privilege: 'DropCollection' },
    'root',
  );
  await rbac('the nightly drift check notices (exit 2), and writes gauges for Prometheus', ['drift', '-f', 'policy.yaml', '--prometheus-textfile', 'drift.prom'], 2);
  process.stdout.write(`\n$ cat drift.prom\n${readFileSync(join(work, 'drift.prom'), 'utf8')}`);
} catch (error) {
  failed = true;
  process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
} finally {
  await emulator.stop();
  rmSync(work, { recursive: true, force: true });
}
process.exitCode = failed ? 1 : 0;
