import { Option } from 'commander';
import type { Command } from 'commander';
import { addConnectionOptions, addTargetOptions, collect, connectionOrExit, printResult } from '../options.js';
import type { ConnectionFlagValues, TargetFlagValues } from '../options.js';
import type { UsageOptions } from '../../usage/run.js';

interface UsageFlags extends ConnectionFlagValues, TargetFlagValues {
  readonly file?: string[];
  readonly live?: boolean;
  readonly milvusVersion?: string;
  readonly logFormat?: string;
  readonly milvusYaml?: string;
  readonly format: 'text' | 'json' | 'markdown';
  readonly out?: string;
  readonly rolePrefix?: string;
  readonly includeDenied?: boolean;
  readonly since?: string;
  readonly until?: string;
}

function addLogOptions(command: Command): Command {
  return addTargetOptions(addConnectionOptions(command))
    .option('-f, --file <path>', 'compare with this policy (file or folder; repeatable)', collect)
    .option('--live', 'compare with the live instance instead (--address or --target)')
    .option('--milvus-version <version>', "whose rules map calls to privileges (default: the live server's; with -f, the newest known): give the version that wrote the log")
    .option('--log-format <format>', 'the proxy.accessLog format string the log was written with (default: every format Milvus ships)')
    .option('--milvus-yaml <file>', "read the log's formats from this milvus.yaml (proxy.accessLog.formatters)")
    .option('--since <time>', 'only calls from this time on: an ISO time, or an age such as 30d, 12h, 90m')
    .option('--until <time>', 'only calls before this time (same forms)');
}

/** The comparison source and the log options, as the usage functions take them; undefined after an error. */
async function usageOptions(logs: string[], flags: UsageFlags): Promise<UsageOptions | undefined> {
  if (flags.live && (flags.file ?? []).length > 0) {
    process.stderr.write('Error: compare with either a policy (-f) or the live instance (--live), not both\n');
    process.exitCode = 1;
    return undefined;
  }
  const connection = flags.live ? await connectionOrExit(flags) : undefined;
  if (flags.live && !connection) return undefined;
  const { progressPrinter } = await import('../../usage/progress.js');
  const { parseWhen } = await import('../../usage/run.js');
  let window: { since?: number; until?: number };
  try {
    window = { ...(flags.since !== undefined ? { since: parseWhen(flags.since) } : {}), ...(flags.until !== undefined ? { until: parseWhen(flags.until) } : {}) };
  } catch (error) {
    process.stderr.write(`Error: ${(error as Error).message}\n`);
    process.exitCode = 1;
    return undefined;
  }
  return {
    ...window,
    logs,
    ...(flags.file ? { files: flags.file } : {}),
    ...(connection ? { connection } : {}),
    ...(flags.milvusVersion !== undefined ? { milvusVersion: flags.milvusVersion } : {}),
    ...(flags.logFormat !== undefined ? { formatString: flags.logFormat } : {}),
    ...(flags.milvusYaml !== undefined ? { milvusYaml: flags.milvusYaml } : {}),
    format: flags.format,
    ...(process.stderr.isTTY ? { onProgress: progressPrinter(process.stderr) } : {}),
  };
}

export function register(program: Command): void {
  const usage = program
    .command('usage')
    .argument('<log...>', "access-log files or folders (rotated and .gz files too), or - for standard input")
    .description("Read Milvus's proxy access log and report, per user and role, the grants used, the grants never used and the calls denied.")
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json', 'markdown']).default('text'))
    .addHelpText('after', '\nExamples:\n  rbac usage /var/log/milvus/access.log* -f policy/ --milvus-version 2.5.4\n  zcat access-*.log.gz | rbac usage - --live --target prod --format markdown\n');
  addLogOptions(usage).action(async (logs: string[], flags: UsageFlags) => {
    const options = await usageOptions(logs, flags);
    if (!options) return;
    const { runUsage } = await import('../../usage/run.js');
    printResult(await runUsage(options));
  });

  const suggest = program
    .command('suggest')
    .argument('<log...>', 'access-log files or folders, or - for standard input')
    .description('Write a least-privilege policy from the access log: per user, one role with the grants that cover what it did, and nothing else.')
    .option('-o, --out <file>', 'write the policy here (default: standard output)')
    .option('--role-prefix <prefix>', 'name of each suggested role: prefix + user', 'least_')
    .option('--include-denied', 'also grant what the log shows was denied')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json', 'markdown']).default('text').hideHelp())
    .addHelpText('after', '\nExamples:\n  rbac suggest access.log -f policy/ --milvus-version 2.3.5 -o least.yaml && rbac plan -f least.yaml\n');
  addLogOptions(suggest).action(async (logs: string[], flags: UsageFlags) => {
    const options = await usageOptions(logs, flags);
    if (!options) return;
    const { runSuggest } = await import('../../usage/run-suggest.js');
    printResult(await runSuggest({ ...options, ...(flags.out !== undefined ? { out: flags.out } : {}), rolePrefix: flags.rolePrefix ?? 'least_', includeDenied: flags.includeDenied === true }));
  });
}
