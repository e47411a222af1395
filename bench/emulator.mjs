// @ts-check
/**
 * One interface over the two ways the benchmarks run the emulator: in a child process (the bench:
 * the tool and the server do not share a process, and the server's CPU time is measured apart) or
 * in the test's own process (the smoke test: fast, no build needed).
 *
 * @typedef {{ address: string, addresses: string[], setFaults(faults: import('./faults.mjs').BenchFaults): Promise<void>, stats(): Promise<{ calls: number, cpuMs: number }>, stop(): Promise<void> }} BenchEmulator
 */
import { configureFaults } from './faults.mjs';
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Starts the emulator in a child process, seeded with `state` (an RbacState) when given; `count`
 * servers (default 1), each on its own port, for a fleet.
 * @param {{ options: object, state?: object, count?: number }} input
 * @returns {Promise<BenchEmulator>}
 */
export async function startEmulatorProcess({ options, state, count }) {
  const dir = mkdtempSync(join(tmpdir(), 'rbac-bench-'));
  const seedFile = state ? join(dir, 'seed.json') : undefined;
  if (seedFile) writeFileSync(seedFile, JSON.stringify(state));
  const child = fork(new URL('./emulator-process.mjs', import.meta.url), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  /** @type {((message: any) => void)[]} */
  const waiting = [];
  child.on('message', (message) => waiting.shift()?.(message));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const next = () =>
    new Promise((resolve, reject) => {
      const onExit = () => reject(new Error('the emulator process exited'));
      child.once('exit', onExit);
      waiting.push((message) => {
        child.off('exit', onExit);
        if (message.type === 'error') reject(new Error(`emulator process: ${message.message}`));
        else resolve(message);
      });
    });
  const request = (message) => {
    const reply = next();
    child.send(message);
    return reply;
  };
  try {
    await next(); // ready
    const started = await request({ type: 'start', options, ...(seedFile ? { seedFile } : {}), ...(count ? { count } : {}) });
    return {
      address: started.address,
      addresses: started.addresses,
      setFaults: async (faults) => void (await request({ type: 'faults', ...faults })),
      stats: async () => {
        const s = await request({ type: 'stats' });
        return { calls: s.calls, cpuMs: s.cpuMs };
      },
      stop: async () => {
        if (child.exitCode === null) {
          child.send({ type: 'stop' });
          await exited;
        }
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    child.kill();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

/**
 * Starts the emulator in this process (the smoke test). Its CPU time cannot be told apart from the
 * tool's here, so `cpuMs` is NaN.
 * @param {(options: object) => Promise<any>} startEmulator the emulator module's startEmulator
 * @param {{ options: object, state?: object }} input
 * @returns {Promise<BenchEmulator>}
 */
export async function startEmulatorInProcess(startEmulator, { options, state }) {
  const running = await startEmulator({ ...options, ...(state ? { seed: { state } } : {}) });
  return {
    address: running.address,
    addresses: [running.address],
    setFaults: async (faults) => configureFaults(running.faults, faults),
    stats: async () => ({ calls: running.faults.callCount(), cpuMs: Number.NaN }),
    stop: () => running.stop(),
  };
}
