// @ts-check
/**
 * A fleet run against running the tool once per target: `rbac plan --all-targets` over N servers
 * from one config, against N `rbac plan --address …` runs one after another, each a fresh process
 * as a shell loop or a CI matrix would start them. Both plan the same policy against the same
 * empty servers, with latency on every call.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startEmulatorProcess } from './emulator.mjs';
import { BENCH_PASSWORD, now, since, summarise } from './measure.mjs';

const TOKEN_ENV = 'BENCH_FLEET_TOKEN';

/**
 * @param {{ root: URL, work: string, policyFile: string, passwordEnv: string, count: number, latencyMs: number, reps: number }} input
 */
export async function measureFleet({ root, work, policyFile, passwordEnv, count, latencyMs, reps }) {
  const servers = await startEmulatorProcess({ options: { milvusVersion: '2.5' }, count });
  try {
    await servers.setFaults({ latencyMs });
    const config = join(work, 'fleet.config.yaml');
    writeFileSync(
      config,
      ['version: 1', `policies: [${JSON.stringify(policyFile)}]`, 'targets:', ...servers.addresses.flatMap((address, i) => [`  t${i}:`, `    address: ${address}`, `    token: { env: ${TOKEN_ENV} }`]), ''].join('\n'),
    );
    const bin = new URL('bin/rbac.js', root).pathname;
    const env = { ...process.env, NO_COLOR: '1', [TOKEN_ENV]: 'root:Milvus', [passwordEnv]: BENCH_PASSWORD };
    /** @param {string[]} args */
    const rbac = (args) => {
      const result = spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8', env });
      // Exit 2 is "changes": every server here starts empty.
      if (result.status !== 0 && result.status !== 2) throw new Error(`rbac ${args[0]} exited ${result.status}: ${result.stderr.slice(0, 500)}`);
      return result.stdout;
    };
    const fleet = [];
    const oneByOne = [];
    let steps = 0;
    for (let rep = 0; rep < reps; rep++) {
      let start = now();
      const out = rbac(['plan', '--config', config, '--all-targets']);
      fleet.push(since(start));
      if ((out.match(/^t\d+ .* changes \(/gm) ?? []).length !== count) throw new Error(`the fleet plan did not plan all ${count} targets:\n${out.slice(-2000)}`);
      start = now();
      for (const address of servers.addresses) {
        const plan = rbac(['plan', '-f', policyFile, '--address', address, '--token-env', TOKEN_ENV, '--format', 'json']);
        steps = JSON.parse(plan).steps.length;
      }
      oneByOne.push(since(start));
    }
    const f = summarise(fleet);
    const o = summarise(oneByOne);
    return { targets: count, latencyMs, stepsPerTarget: steps, fleetMs: f, oneByOneMs: o, ratio: o.median / f.median };
  } finally {
    await servers.stop();
  }
}
