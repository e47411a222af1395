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

function wholeNumber(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number (0 or more)');
  return n;
}

interface ApplyFlags {
  readonly file: string[];
  readonly autoApprove?: boolean;
  readonly parallelism?: number;
  readonly retries?: number;
  /** commander's negation of `--no-destroy`. */
  readonly destroy: boolean;
  readonly allowSelfLockout?: boolean;
  readonly format: 'text' | 'json';
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

function connectionFlags(flags: ApplyFlags): ConnectionFlags {
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

async function askOnTerminal(question: string): Promise<boolean> {
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return (await rl.question(question)).trim() === 'yes';
  } finally {
    rl.close();
  }
}

/** `rbac apply`: make Milvus match the policy (or a saved plan). Exit 0 applied or nothing to do, 1 otherwise. */
export function register(program: Command): void {
  program
    .command('apply')
    .description(
      'Change Milvus to match the policy (-f) or execute a saved plan (rbac plan --out). Shows the plan and asks before changing anything unless --auto-approve. Exit 0 when applied and verified (or nothing to do), 1 otherwise.',
    )
    .argument('[plan-file]', 'a plan saved by "rbac plan --out": applied only if the live state is unchanged since')
    .option('-f, --file <path>', 'policy file or directory of *.yaml files (repeat to merge several)', collect, [])
    .option('--auto-approve', 'apply without asking (pipelines); without it apply asks on a terminal and refuses elsewhere')
    .option('--parallelism <n>', 'steps run at once within a phase (default 32)', positiveInteger)
    .option('--retries <n>', 'retries of a step failing with a transient error (unavailable, deadline exceeded), default 3', wholeNumber)
    .option('--no-destroy', 'refuse a plan that drops users, roles or privilege groups (revokes stay allowed)')
    .option('--allow-self-lockout', 'apply even when the plan takes away the access of the user running it, or the last admin binding')
    .addOption(new Option('--format <format>', 'output format (json: one result object at the end)').choices(['text', 'json']).default('text'))
    .option('--max-users <n>', "the server's proxy.maxUserNum when raised (default 100)", positiveInteger)
    .option('--max-roles <n>', "the server's proxy.maxRoleNum when raised (default 10)", positiveInteger)
    .option('--address <host:port>', 'Milvus address (default $MILVUS_ADDRESS)')
    .option('--token-env <name>', 'env var holding the token (default $MILVUS_TOKEN)')
    .option('--token-file <path>', 'file holding the token')
    .option('--user <name>', 'user name for password login (default $MILVUS_USER)')
    .option('--password-env <name>', 'env var holding the password (default $MILVUS_PASSWORD)')
    .option('--password-file <path>', 'file holding the password')
    .option('--tls', 'use TLS')
    .option('--ca-file <path>', 'CA certificate for TLS')
    .option('--timeout-ms <ms>', 'per-call deadline in milliseconds', positiveInteger)
    .action(async (planFile: string | undefined, flags: ApplyFlags) => {
      if ((planFile === undefined) === (flags.file.length === 0)) {
        process.stderr.write('Error: give a policy (-f policy.yaml) or a saved plan file (one, not both)\n');
        process.exitCode = 1;
        return;
      }
      const { connectionOptionsFromEnv, describeConnectionFailure } = await import('../../milvus/connection.js');
      let connection;
      try {
        connection = connectionOptionsFromEnv(connectionFlags(flags));
      } catch (error) {
        process.stderr.write(`Error: ${describeConnectionFailure(error, flags.address ?? '')}\n`);
        process.exitCode = 1;
        return;
      }
      const { runApply, DEFAULT_RETRY } = await import('../../apply/run.js');
      const { defaultPlanning } = await import('../../apply/planning.js');
      const { shouldUseColour } = await import('../../report/colour.js');
      const limits = flags.maxUsers !== undefined || flags.maxRoles !== undefined
        ? { maxUsers: flags.maxUsers ?? 100, maxRoles: flags.maxRoles ?? 10 }
        : undefined;
      const interactive = process.stdin.isTTY === true && process.stdout.isTTY === true;
      const result = await runApply({
        connection,
        source: planFile !== undefined ? { planFile } : { policyFiles: flags.file },
        planning: defaultPlanning({ ...(limits ? { limits } : {}), colour: flags.format === 'text' && shouldUseColour(process.stdout) }),
        autoApprove: flags.autoApprove === true,
        interactive,
        confirm: askOnTerminal,
        ...(flags.parallelism !== undefined ? { parallelism: flags.parallelism } : {}),
        ...(flags.retries !== undefined ? { retry: { ...DEFAULT_RETRY, attempts: flags.retries + 1 } } : {}),
        noDestroy: !flags.destroy,
        allowSelfLockout: flags.allowSelfLockout === true,
        format: flags.format,
        progress: process.stdout.isTTY === true ? 'tty' : 'plain',
        write: (text) => process.stdout.write(text),
      });
      process.exitCode = result.exitCode;
    });
}
