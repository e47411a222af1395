import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DriftMetrics } from './prometheus.js';

/**
 * `rbac drift --watch --metrics-listen HOST:PORT`: the drift gauges on /metrics for Prometheus
 * to scrape, instead of (or besides) a textfile for node-exporter. Anything else is 404.
 */

export interface MetricsServer {
  /** `host:port` it listens on. */
  readonly address: string;
  close(): Promise<void>;
}

export function parseListen(value: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(value.trim());
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65_535) throw new Error(`--metrics-listen takes host:port, such as 127.0.0.1:9464 (not "${value}")`);
  return { host: (m[1] ?? m[2]) as string, port };
}

export async function serveMetrics(metrics: DriftMetrics, listen: string): Promise<MetricsServer> {
  const { host, port } = parseListen(listen);
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' || path !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: the drift gauges are on /metrics\n');
      return;
    }
    metrics.exposition().then(
      (text) => res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text),
      (error: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`${String(error)}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = server.address() as AddressInfo;
  const shown = bound.family === 'IPv6' ? `[${bound.address}]` : bound.address;
  return { address: `${shown}:${bound.port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
