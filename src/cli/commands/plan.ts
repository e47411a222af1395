import { InvalidArgumentError, Option } from 'commander';
import type { Command } from 'commander';
import type { ConnectionFlags } from '../../milvus/connection.js';

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive whole number');
  return n;
}

interface PlanFlags {
  readonly file: string[];
  readonly out?: string;
  readonly format: 'text' | 'json' | 'markdown';
  readonly detailedExitcode?: boolean;
  readonly maxUsers?: number;
  readonly maxRoles?: number;
  readonly address?: string;
  readonly tokenEnv?: string;
  readonly tokenFile?: string;
  readonly user?: string;
  readonly passwordEnv?: string;
  readonly passwordFile?: string;
  readonly tls?: boolean;
  readonly caFile?: string;
  readonly timeoutMs?: number;
}

function connectionFlags(flags: PlanFlags): ConnectionFlags {
  return {
    ...(flags.address !== undefined ? { address: flags.address } : {}),
    ...(flags.tokenEnv !== undefined ? { tokenEnv: flags.tokenEnv } : {}),
    ...(flags.tokenFile !== undefined ? { tokenFile: flags.tokenFile } : {}),
    ...(flags.user !== undefined ? { user: flags.user } : {}),
    ...(flags.passwordEnv !== undefined ? { passwordEnv: flags.passwordEnv } : {}),
    ...(flags.passwordFile !== undefined ? { passwordFile: flags.passwordFile } : {}),
    ...(flags.tls ? { tls: true } : {}),
    ...(flags.caFile !== undefined ? { caFile: flags.caFile } : {}),
    ...(flags.timeoutMs !== undefined ? { timeoutMs: flags.timeoutMs } : {}),
  };
}

/** `rbac plan`: what apply would change. Exit 0 success (no changes, or changes without --detailed-exitcode), 1 error, 2 changes. */
export function register(program: Command): void {
  program
    .command('plan')
    .description('Compare the policy with a live Milvus and show the changes apply would make. Nothing is changed.')
    .requiredOption('-f, --file <path>', 'policy file or directory of *.yaml files (repeat to merge several)', collect, [])
    .option('--out <path>', 'save the plan as JSON, for "rbac apply <path>" (never holds a password)')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json', 'markdown']).default('text'))
    .option('--detailed-exitcode', 'exit 0 when there are no changes, 1 on error, 2 when there are changes')
    .option('--max-users <n>', "the server's proxy.maxUserNum when raised (default: the policy's target.limits.maxUsers, else 100)", positiveInteger)
    .option('--max-roles <n>', "the server's proxy.maxRoleNum when raised (default: the policy's target.limits.maxRoles, else 10)", positiveInteger)
    .option('--address <host:port>', 'Milvus address (default $MILVUS_ADDRESS)')
    .option('--token-env <name>', 'env var holding the token (default $MILVUS_TOKEN)')
    .option('--token-file <path>', 'file holding the token')
    .option('--user <name>', 'user name for password login (default $MILVUS_USER)')
    .option('--password-env <name>', 'env var holding the password (default $MILVUS_PASSWORD)')
    .option('--password-file <path>', 'file holding the password')
    .option('--tls', 'use TLS')
    .option('--ca-file <path>', 'CA certificate for TLS')
    .option('--timeout-ms <ms>', 'per-call deadline in milliseconds', positiveInteger)
    .action(async (flags: PlanFlags) => {
      const { connectionOptionsFromEnv, describeConnectionFailure } = await import('../../milvus/connection.js');
      let connection;
      try {
        connection = connectionOptionsFromEnv(connectionFlags(flags));
      } catch (error) {
        process.stderr.write(`Error: ${describeConnectionFailure(error, flags.address ?? '')}\n`);
        process.exitCode = 1;
        return;
      }
      const { runPlan } = await import('../../plan/run.js');
      const { shouldUseColour } = await import('../../report/colour.js');
      const limits = {
        ...(flags.maxUsers !== undefined ? { maxUsers: flags.maxUsers } : {}),
        ...(flags.maxRoles !== undefined ? { maxRoles: flags.maxRoles } : {}),
      };
      const result = await runPlan({
        files: flags.file,
        connection,
        format: flags.format,
        ...(flags.out !== undefined ? { out: flags.out } : {}),
        detailedExitcode: flags.detailedExitcode === true,
        colour: flags.format === 'text' && shouldUseColour(process.stdout),
        limits,
      });
      if (result.errors) process.stderr.write(result.errors);
      if (result.output) process.stdout.write(result.output);
      process.exitCode = result.exitCode;
    });
}
