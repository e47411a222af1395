import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveMetrics, parseListen } from '../../src/drift/metrics-server.js';
import { DriftMetrics } from '../../src/drift/prometheus.js';
import { watchDrift } from '../../src/drift/watch.js';
import type { RunDriftResult } from '../../src/drift/run.js';
import { startEmulator } from '../../src/emulator/index.js';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { connectionOptionsFromEnv } from '../../src/milvus/connection-settings.js';
import { writePolicy } from '../apply/helpers.js';

/** `rbac drift --watch --metrics-listen`: the gauges on /metrics, from prom-client, updated by each check. */

let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await startEmulator({ port: 0 });
});
afterAll(async () => {
  await emulator.stop();
});

describe('/metrics', () => {
  it('serves the gauges of the last check, and 404 elsewhere', async () => {
    const metrics = new DriftMetrics();
    const server = await serveMetrics(metrics, '127.0.0.1:0');
    const stop = new AbortController();
    const results: RunDriftResult[] = [];
    const policy = writePolicy('version: 1\nroles:\n  reader:\n    grants:\n      - privileges: [Search]\n        collections: [books]\n');
    const options = { files: [policy], connection: connectionOptionsFromEnv({ address: emulator.address }, { MILVUS_TOKEN: 'root:Milvus' }), format: 'json' as const };
    const watching = watchDrift(options, 60_000, (r) => {
      results.push(r);
      stop.abort();
    }, stop.signal, metrics);
    await watching;
    try {
      expect(results.map((r) => r.exitCode)).toEqual([2]);
      const response = await fetch(`http://${server.address}/metrics`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('text/plain');
      const text = await response.text();
      expect(text).toContain(`milvus_rbac_drift_up{target="${emulator.address}"} 1`);
      expect(text).toContain(`milvus_rbac_drift_items{target="${emulator.address}",kind="role"} 1`);
      expect(text).toContain(`milvus_rbac_drift_steps{target="${emulator.address}"} 2`);
      expect(text).toMatch(/# TYPE milvus_rbac_drift_last_success_timestamp_seconds gauge/);
      expect((await fetch(`http://${server.address}/`)).status).toBe(404);
    } finally {
      await server.close();
    }
  });

  it('takes host:port and says how when it is not', () => {
    expect(parseListen('127.0.0.1:9464')).toEqual({ host: '127.0.0.1', port: 9464 });
    expect(parseListen('[::1]:9464')).toEqual({ host: '::1', port: 9464 });
    expect(() => parseListen('9464')).toThrow('--metrics-listen takes host:port, such as 127.0.0.1:9464');
  });
});
