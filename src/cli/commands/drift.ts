import { Option } from 'commander';
import type { Command } from 'commander';
import type { DriftMetrics } from '../../drift/prometheus.js';
import { addConnectionOptions, addressWithTargets, addLimitOptions, addTargetOptions, collect, connectionOrExit, limitsFrom, missingPolicy, positiveInteger, printResult, runOnTargets, targetsOrExit } from '../options.js';
import type { ConnectionFlagValues, LimitFlagValues, TargetFlagValues } from '../options.js';

interface DriftFlags extends ConnectionFlagValues, LimitFlagValues, TargetFlagValues {
  readonly file?: string[];
  readonly format: 'text' | 'json' | 'markdown';
  readonly prometheusTextfile?: string;
  readonly watch?: number;
  readonly metricsListen?: string;
}

/** `rbac drift`: compare live Milvus with the policy, change nothing. Exit 0 in sync, 2 drift, else a failure's code (docs/exit-codes.md). */
export function register(program: Command): void {
  const command = program
    .command('drift')
    .description('Compare a live Milvus with the policy and report any difference; changes nothing. Exit 0 in sync, 2 drift; 1 invalid policy, 3 Milvus unreachable, 4 credentials.')
    .option('-f, --file <path>', 'policy file or directory of *.yaml files (repeat to merge several)', collect)
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json', 'markdown']).default('text'))
    .option('--prometheus-textfile <path>', 'also write gauges for the node-exporter textfile collector to this file (replaced atomically)')
    .option('--watch <seconds>', 'check again every this many seconds until stopped (SIGINT/SIGTERM); exit 0 when stopped', positiveInteger)
    .option('--metrics-listen <host:port>', 'with --watch: serve the drift gauges on http://HOST:PORT/metrics for Prometheus, e.g. 127.0.0.1:9464')
    .addHelpText('after', '\nExamples:\n  rbac drift -f policy/ --format json > drift.json\n  rbac drift -f policy/ --prometheus-textfile /var/lib/node_exporter/textfile/milvus_rbac.prom\n  rbac drift -f policy/ --watch 300 --metrics-listen 127.0.0.1:9464\n  rbac drift --all-targets --watch 300 --metrics-listen 127.0.0.1:9464\n');
  addTargetOptions(addConnectionOptions(addLimitOptions(command))).action(async (flags: DriftFlags) => {
    if (flags.metricsListen !== undefined && flags.watch === undefined) {
      process.stderr.write('Error: --metrics-listen needs --watch (a single check ends before anything could scrape it)\n');
      process.exitCode = 1;
      return;
    }
    const fleet = flags.allTargets === true || (flags.target ?? []).length > 0;
    if (fleet && flags.watch !== undefined) return watchTargets(flags, flags.watch);
    if (await runOnTargets('drift', flags)) return;
    if ((flags.file ?? []).length === 0) return missingPolicy();
    const connection = await connectionOrExit(flags);
    if (!connection) return;
    const { runDrift } = await import('../../drift/run.js');
    const { shouldUseColour } = await import('../../report/colour.js');
    const options = {
      files: (flags.file ?? []),
      connection,
      format: flags.format,
      limits: limitsFrom(flags),
      colour: flags.format === 'text' && shouldUseColour(process.stdout),
      ...(flags.prometheusTextfile !== undefined ? { prometheusTextfile: flags.prometheusTextfile } : {}),
    };
    if (flags.watch !== undefined) {
      const { watchDrift } = await import('../../drift/watch.js');
      const seconds = flags.watch;
      return untilStopped(flags.metricsListen, (signal, metrics) => watchDrift(options, seconds * 1000, printResult, signal, metrics));
    }
    printResult(await runDrift(options));
  });
}

/** `--watch` with targets: every target each round, the gauges labelled by target. */
async function watchTargets(flags: DriftFlags, seconds: number): Promise<void> {
  if (addressWithTargets(flags)) return;
  const targets = await targetsOrExit(flags);
  if (!targets) return;
  const { watchFleetDrift } = await import('../../fleet/watch.js');
  const options = {
    targets,
    format: flags.format,
    ...(flags.file ? { files: flags.file } : {}),
    ...(flags.debug ? { debug: true } : {}),
    ...(flags.prometheusTextfile !== undefined ? { prometheusTextfile: flags.prometheusTextfile } : {}),
  };
  return untilStopped(flags.metricsListen, (signal, metrics) => watchFleetDrift(options, seconds * 1000, printResult, signal, metrics));
}

/** Serves /metrics when asked, runs the watch until SIGINT / SIGTERM, then exits 0. */
async function untilStopped(metricsListen: string | undefined, watch: (signal: AbortSignal, metrics: DriftMetrics) => Promise<void>): Promise<void> {
  const { DriftMetrics } = await import('../../drift/prometheus.js');
  const { serveMetrics } = await import('../../drift/metrics-server.js');
  const metrics = new DriftMetrics();
  let server;
  try {
    server = metricsListen !== undefined ? await serveMetrics(metrics, metricsListen) : undefined;
  } catch (error) {
    process.stderr.write(`Error: cannot serve metrics on ${metricsListen}: ${(error as Error).message}\n`);
    process.exitCode = 1;
    return;
  }
  if (server) process.stderr.write(`Serving the drift gauges on http://${server.address}/metrics\n`);
  const stop = new AbortController();
  const abort = (): void => stop.abort();
  process.once('SIGINT', abort);
  process.once('SIGTERM', abort);
  await watch(stop.signal, metrics);
  process.off('SIGINT', abort);
  process.off('SIGTERM', abort);
  await server?.close();
  // Stopped on purpose: the last check's exit code says nothing about the process.
  process.exitCode = 0;
}
