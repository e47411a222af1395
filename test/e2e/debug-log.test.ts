import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { register as registerApply } from '../../src/cli/commands/apply.js';
import { register as registerPlan } from '../../src/cli/commands/plan.js';
import { startEmulator } from '../../src/emulator/index.js';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { runCommand } from '../explain/run-command.js';
import { writePolicy } from '../apply/helpers.js';

/** `-v` / `--debug`: each call to Milvus on stderr, with what it is about, and never a secret. */

const ROOT_PASSWORD = 'Sup3r-Secret-root';
const APP_PASSWORD = 'App-Secret-pw-9';
let emulator: RunningEmulator;

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, rootPassword: ROOT_PASSWORD });
});
afterAll(async () => {
  await emulator.stop();
});

describe('--debug', () => {
  it('logs method, target, outcome and duration of every call of plan and apply, and no secret', async () => {
    const policy = writePolicy('version: 1\nroles:\n  reader:\n    grants:\n      - privileges: [Search]\n        collections: [books]\nusers:\n  app:\n    roles: [reader]\n    password: { env: DEBUG_APP_PW }\n    updatePassword: true\n');
    process.env.DEBUG_TOKEN = `root:${ROOT_PASSWORD}`;
    process.env.DEBUG_APP_PW = APP_PASSWORD;
    try {
      const common = ['-f', policy, '--address', emulator.address, '--token-env', 'DEBUG_TOKEN'];
      const plan = await runCommand([registerPlan], ['plan', ...common, '-v']);
      expect(plan.exitCode).toBe(0);
      expect(plan.stderr).toMatch(/^debug: getVersion → ok in \d+\.\d ms$/m);
      expect(plan.stderr).toMatch(/^debug: describeUser user=root → ok in \d+\.\d ms$/m);
      expect(plan.stderr).toMatch(/^debug: listUsers → ok in /m);
      const apply = await runCommand([registerPlan, registerApply], ['apply', ...common, '--auto-approve', '--debug']);
      expect(apply.exitCode).toBe(0);
      expect(apply.stderr).toMatch(/^debug: OperatePrivilege role=reader object=books db=default privilege=Search → ok in /m);
      expect(apply.stderr).toMatch(/^debug: createUser user=rbac_lock_[0-9a-z]+_[0-9a-f]{6} → ok in /m);
      expect(apply.stderr).toMatch(/^debug: createUser user=app → ok in /m);
      expect(apply.stderr).toMatch(/^debug: OperateUserRole user=app role=reader → ok in /m);
      const again = await runCommand([registerPlan], ['plan', ...common, '-v']);
      expect(again.stderr).toMatch(/^debug: SelectUser \(login check\) user=app → ok in /m);
      for (const output of [plan.stderr, apply.stderr, again.stderr, apply.stdout]) {
        for (const secret of [ROOT_PASSWORD, APP_PASSWORD, Buffer.from(`root:${ROOT_PASSWORD}`).toString('base64'), Buffer.from(APP_PASSWORD).toString('base64')]) {
          expect(output).not.toContain(secret);
        }
      }
      const quiet = await runCommand([registerPlan], ['plan', ...common]);
      expect(quiet.stderr).not.toContain('debug:');
    } finally {
      delete process.env.DEBUG_TOKEN;
      delete process.env.DEBUG_APP_PW;
    }
  });
});
