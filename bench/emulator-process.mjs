// @ts-check
/**
 * Runs the emulator in its own process for the benchmarks, the way a Milvus server runs beside
 * the tool: the tool's CPU time is then its own, and the emulator's is measured separately.
 *
 * Parent → child messages (IPC): { type: 'start', options, seedFile?, count? }, { type: 'faults', latencyMs,
 * denyBackup }, { type: 'stats' }, { type: 'stop' }. Child → parent: { type: 'started', address, addresses } |
 * { type: 'stats', calls, cpuMs } | { type: 'ok' } | { type: 'error', message }.
 */
import { readFileSync } from 'node:fs';
import { configureFaults } from './faults.mjs';

const distRoot = process.env.BENCH_DIST ?? new URL('../dist/', import.meta.url).href;
const { startEmulator } = await import(new URL('emulator/index.js', distRoot).href);

/** Several servers (a fleet) share the process: `count` of them, each on its own port. @type {any[]} */
let running = [];

function send(message) {
  process.send?.(message);
}

process.on('message', async (/** @type {any} */ message) => {
  try {
    switch (message.type) {
      case 'start': {
        const seed = message.seedFile ? { state: JSON.parse(readFileSync(message.seedFile, 'utf8')) } : undefined;
        running = await Promise.all(Array.from({ length: message.count ?? 1 }, () => startEmulator({ ...message.options, ...(seed ? { seed } : {}) })));
        send({ type: 'started', address: running[0].address, addresses: running.map((r) => r.address) });
        return;
      }
      case 'faults':
        for (const r of running) configureFaults(r.faults, message);
        send({ type: 'ok' });
        return;
      case 'stats': {
        const cpu = process.cpuUsage();
        send({ type: 'stats', calls: running.reduce((n, r) => n + r.faults.callCount(), 0), cpuMs: (cpu.user + cpu.system) / 1000 });
        return;
      }
      case 'stop':
        await Promise.all(running.map((r) => r.stop()));
        send({ type: 'ok' });
        process.exit(0);
        return;
      default:
        send({ type: 'error', message: `unknown message ${JSON.stringify(message.type)}` });
    }
  } catch (error) {
    send({ type: 'error', message: error instanceof Error ? error.message : String(error) });
  }
});
send({ type: 'ready' });
