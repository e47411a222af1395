import { InvalidArgumentError, Option } from 'commander';
import { MILVUS, platformFromAddress } from '../model/platform.js';
import type { Platform, PlatformName } from '../model/platform.js';
import type { Command } from 'commander';
import type { Target } from '../config/targets.js';
import type { ConnectionFlags, ConnectionOptions } from '../milvus/connection-settings.js';

/** Option parsers and the option sets several commands share; flags only, no behaviour. */

/** A repeatable option's values; no default is given to commander, so help does not print `(default: [])`. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

export function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive whole number');
  return n;
}

export function wholeNumber(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number (0 or more)');
  return n;
}

/** The connection flags commander hands over (options.ts registers them). */
export type ConnectionFlagValues = Pick<ConnectionFlags, 'address' | 'tokenEnv' | 'tokenFile' | 'user' | 'passwordEnv' | 'passwordFile' | 'tls' | 'caFile' | 'certFile' | 'keyFile' | 'serverName' | 'timeoutMs' | 'debug'> & { readonly platform?: PlatformName };

/** Secrets are named by environment variable or file, never given on the command line. */
export function addConnectionOptions(command: Command): Command {
  return command
    .option('--address <host:port>', 'Milvus address (default $MILVUS_ADDRESS)')
    .option('--token-env <name>', 'env var holding the token (default $MILVUS_TOKEN)')
    .option('--token-file <path>', 'file holding the token')
    .option('--user <name>', 'user name for password login (default $MILVUS_USER)')
    .option('--password-env <name>', 'env var holding the password (default $MILVUS_PASSWORD)')
    .option('--password-file <path>', 'file holding the password')
    .option('--tls', 'use TLS (default $MILVUS_TLS; on by itself with any of the TLS files below or an https:// address)')
    .option('--ca-file <path>', "PEM CA certificate that signed the server's (default $MILVUS_TLS_CA)")
    .option('--cert-file <path>', 'two-way TLS: PEM client certificate (default $MILVUS_TLS_CERT)')
    .option('--key-file <path>', 'two-way TLS: PEM key of the client certificate (default $MILVUS_TLS_KEY)')
    .option('--server-name <name>', "name to check the server's certificate against instead of the address's host (default $MILVUS_TLS_SERVER_NAME)")
    .addOption(new Option('--platform <platform>', 'milvus or zilliz-cloud (default: zilliz-cloud for *.zillizcloud.com endpoints and servers that say so, else milvus); a policy\'s target.platform wins').choices(['milvus', 'zilliz-cloud']))
    .option('--timeout-ms <ms>', 'per-call deadline in milliseconds', positiveInteger)
    .option('-v, --debug', 'log each call to Milvus on stderr: method, what it is about, duration, outcome (never a secret)');
}

export function connectionFlags(flags: ConnectionFlagValues): ConnectionFlags {
  return {
    ...(flags.address !== undefined ? { address: flags.address } : {}),
    ...(flags.tokenEnv !== undefined ? { tokenEnv: flags.tokenEnv } : {}),
    ...(flags.tokenFile !== undefined ? { tokenFile: flags.tokenFile } : {}),
    ...(flags.user !== undefined ? { user: flags.user } : {}),
    ...(flags.passwordEnv !== undefined ? { passwordEnv: flags.passwordEnv } : {}),
    ...(flags.passwordFile !== undefined ? { passwordFile: flags.passwordFile } : {}),
    ...(flags.tls ? { tls: true } : {}),
    ...(flags.caFile !== undefined ? { caFile: flags.caFile } : {}),
    ...(flags.certFile !== undefined ? { certFile: flags.certFile } : {}),
    ...(flags.keyFile !== undefined ? { keyFile: flags.keyFile } : {}),
    ...(flags.serverName !== undefined ? { serverName: flags.serverName } : {}),
    ...(flags.timeoutMs !== undefined ? { timeoutMs: flags.timeoutMs } : {}),
    ...(flags.debug ? { debug: true } : {}),
    ...(flags.platform !== undefined ? { platform: declaredPlatform(flags.platform, flags.address ?? '') } : {}),
  };
}

/** `--platform`: Zilliz Cloud's tier still comes from the endpoint (a serverless host). */
function declaredPlatform(name: PlatformName, address: string): Platform {
  return name === 'zilliz-cloud' ? { name, tier: platformFromAddress(address)?.tier ?? 'dedicated' } : MILVUS;
}

export interface LimitFlagValues {
  readonly maxUsers?: number;
  readonly maxRoles?: number;
}

export function addLimitOptions(command: Command): Command {
  return command
    .option('--max-users <n>', "the server's proxy.maxUserNum when raised (default: the policy's target.limits.maxUsers, else 100)", positiveInteger)
    .option('--max-roles <n>', "the server's proxy.maxRoleNum when raised (default: the policy's target.limits.maxRoles, else 10)", positiveInteger);
}

export function limitsFrom(flags: LimitFlagValues): { maxUsers?: number; maxRoles?: number } {
  return {
    ...(flags.maxUsers !== undefined ? { maxUsers: flags.maxUsers } : {}),
    ...(flags.maxRoles !== undefined ? { maxRoles: flags.maxRoles } : {}),
  };
}

/**
 * Connection options from the flags and the environment. A bad flag or a missing secret is
 * reported on stderr with exit code 1, and undefined comes back: the command stops there.
 */
export async function connectionOrExit(flags: ConnectionFlagValues & TargetFlagValues): Promise<ConnectionOptions | undefined> {
  const { describeConnectionFailure } = await import('../milvus/connection.js');
  const { connectionOptionsFromEnv } = await import('../milvus/connection-settings.js');
  if (flags.allTargets || (flags.target ?? []).length > 0) return singleTargetOrExit(flags);
  try {
    return connectionOptionsFromEnv(connectionFlags(flags));
  } catch (error) {
    usageError(describeConnectionFailure(error, flags.address ?? ''));
    return undefined;
  }
}

/** --address given with targets: refused (one run talks to configured targets or to one address). */
export function addressWithTargets(flags: { readonly address?: string }): boolean {
  if (flags.address === undefined) return false;
  usageError('give either --target / --all-targets or --address, not both');
  return true;
}

/** A usage error: said on stderr, exit code 1; the command stops there. */
export function usageError(message: string): void {
  process.stderr.write(`Error: ${message}\n`);
  process.exitCode = 1;
}

/** Prints what a command function returned: errors and notes to stderr, the result to stdout. */
export function printResult(result: { readonly output: string; readonly errors: string; readonly exitCode: number }): void {
  if (result.errors) process.stderr.write(result.errors);
  if (result.output) process.stdout.write(result.output);
  process.exitCode = result.exitCode;
}

/** `--config`, `--target`, `--all-targets`: named targets (docs/targets.md). */
export interface TargetFlagValues {
  readonly config?: string;
  readonly target?: string[];
  readonly allTargets?: boolean;
}

export function addTargetOptions(command: Command): Command {
  return command
    .option('--config <file>', 'the targets config (default ./rbac.config.yaml)')
    .option('--target <name>', 'a target named in the config (repeatable): its address, credentials, limits and policies', collect)
    .option('--all-targets', 'every target in the config');
}

/** The targets the flags name, from the config; a config error is reported (exit 1) and undefined comes back. */
export async function targetsOrExit(flags: TargetFlagValues): Promise<Target[] | undefined> {
  const { loadTargets, selectTargets } = await import('../config/targets.js');
  try {
    return selectTargets(await loadTargets(flags.config ?? 'rbac.config.yaml'), flags.target ?? [], flags.allTargets === true);
  } catch (error) {
    usageError(error instanceof Error ? error.message : String(error));
    return undefined;
  }
}

/**
 * Runs `rbac plan` or `rbac drift` over the targets the flags name, or returns false when they
 * name none (the command then runs against --address / MILVUS_ADDRESS as usual).
 */
export async function runOnTargets(
  command: 'plan' | 'drift',
  flags: TargetFlagValues & { readonly file?: string[]; readonly address?: string; readonly out?: string; readonly format: 'text' | 'json' | 'markdown'; readonly debug?: boolean; readonly prometheusTextfile?: string },
): Promise<boolean> {
  if (!flags.allTargets && (flags.target ?? []).length === 0) return false;
  if (refusedSavedPlan(flags)) return true;
  if (addressWithTargets(flags)) return true;
  const targets = await targetsOrExit(flags);
  if (!targets) return true;
  const { runFleet } = await import('../fleet/run.js');
  printResult(
    await runFleet({
      command,
      targets,
      format: flags.format,
      ...(flags.file ? { files: flags.file } : {}),
      ...(flags.debug ? { debug: true } : {}),
      ...(flags.prometheusTextfile !== undefined ? { prometheusTextfile: flags.prometheusTextfile } : {}),
    }),
  );
  return true;
}

/** A command that talks to one server, pointed at a target of the config: exactly one, and no --address with it. */
async function singleTargetOrExit(flags: ConnectionFlagValues & TargetFlagValues): Promise<ConnectionOptions | undefined> {
  const refuse = (message: string): undefined => void usageError(message);
  if (flags.allTargets || (flags.target ?? []).length !== 1) return refuse('this command talks to one server: give exactly one --target (plan, drift and apply take several)');
  if (flags.address !== undefined) return refuse('give either --target or --address, not both');
  const targets = await targetsOrExit(flags);
  const target = targets?.[0];
  if (!target) return undefined;
  const { connectionOf } = await import('../fleet/run.js');
  const { describeConnectionFailure } = await import('../milvus/connection.js');
  try {
    return connectionOf(target, { ...(flags.debug ? { debug: true } : {}) });
  } catch (error) {
    return refuse(describeConnectionFailure(error, target.connection.address ?? ''));
  }
}

/** A saved plan belongs to one address; with targets, `rbac apply --target` plans and applies itself. */
function refusedSavedPlan(flags: { readonly out?: string }): boolean {
  if (flags.out === undefined) return false;
  usageError('--out cannot be given with --target / --all-targets: a saved plan belongs to one address (save it with --address, or apply targets with rbac apply --target)');
  return true;
}

/**
 * `rbac plan --target prod --compare-with staging`: one target's plan checked against another's
 * live state (fleet/promotion.ts). False when --compare-with is not given.
 */
export async function runPromotionCheck(
  flags: TargetFlagValues & { readonly compareWith?: string; readonly requirePromoted?: boolean; readonly file?: string[]; readonly address?: string; readonly out?: string; readonly format: 'text' | 'json' | 'markdown'; readonly detailedExitcode?: boolean; readonly debug?: boolean },
): Promise<boolean> {
  if (flags.compareWith === undefined) {
    if (!flags.requirePromoted) return false;
    usageError('--require-promoted needs --compare-with TARGET');
    return true;
  }
  if (refusedSavedPlan(flags)) return true;
  const named = flags.target ?? [];
  if (named.length !== 1 || flags.allTargets || flags.address !== undefined) {
    usageError('--compare-with checks the plan of one target: give exactly one --target (and no --all-targets or --address)');
    return true;
  }
  const both = await targetsOrExit({ ...flags, target: [...named, flags.compareWith], allTargets: false });
  if (!both) return true;
  const target = both.find((t) => t.name === named[0]);
  const source = both.find((t) => t.name === flags.compareWith);
  if (!target || !source || target === source) {
    usageError('--compare-with names the target the plan is compared with; it must differ from --target');
    return true;
  }
  const { runPromotion } = await import('../fleet/promotion.js');
  printResult(
    await runPromotion({
      target,
      source,
      format: flags.format,
      ...(flags.file ? { files: flags.file } : {}),
      detailedExitcode: flags.detailedExitcode === true,
      requirePromoted: flags.requirePromoted === true,
      ...(flags.debug ? { debug: true } : {}),
    }),
  );
  return true;
}

/** Without targets a command that reads a policy needs -f. */
export function missingPolicy(): void {
  usageError('give the policy with -f (a file or a folder), or name targets from the config with --target / --all-targets');
}
