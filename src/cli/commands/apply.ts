import { Option } from 'commander';
import type { Command } from 'commander';
import { addConnectionOptions, addLimitOptions, addTargetOptions, collect, connectionOrExit, limitsFrom, positiveInteger, targetsOrExit, wholeNumber } from '../options.js';
import type { ConnectionFlagValues, LimitFlagValues, TargetFlagValues } from '../options.js';

interface ApplyFlags extends ConnectionFlagValues, LimitFlagValues, TargetFlagValues {
  readonly file?: string[];
  readonly autoApprove?: boolean;
  readonly parallelism?: number;
  readonly retries?: number;
  /** commander's negation of `--no-destroy`. */
  readonly destroy: boolean;
  readonly allowSelfLockout?: boolean;
  readonly allowMassDrop?: boolean;
  readonly expectDigest?: string;
  /** commander's negation of `--no-lock`. */
  readonly lock: boolean;
  readonly lockTimeout?: number;
  readonly breakLock?: boolean;
  readonly keepGoing?: boolean;
  readonly format: 'text' | 'json';
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

/** `rbac apply`: make Milvus match the policy (or a saved plan). Exit codes: docs/exit-codes.md. */
export function register(program: Command): void {
  const command = program
    .command('apply')
    .description(
      'Change Milvus to match the policy (-f) or execute a saved plan (rbac plan --out). Shows the plan and asks before changing anything unless --auto-approve. Exit 0 when applied and verified (or nothing to do); 1 invalid input, 3 Milvus unreachable, 4 credentials, 5 refused, 6 a step failed.',
    )
    .argument('[plan-file]', 'a plan saved by "rbac plan --out": applied only if the live state is unchanged since')
    .option('-f, --file <path>', 'policy file or directory of *.yaml files (repeat to merge several)', collect)
    .option('--auto-approve', 'apply without asking (pipelines); without it apply asks on a terminal and refuses elsewhere')
    .option('--parallelism <n>', 'steps run at once within a phase (default 64)', positiveInteger)
    .option('--retries <n>', 'retries of a step failing with a transient error (unavailable, deadline exceeded), default 3', wholeNumber)
    .option('--no-destroy', 'refuse a plan that drops users, roles or privilege groups (revokes stay allowed)')
    .option('--expect-digest <digest>', 'apply only the plan with this digest (rbac plan prints it; at least 12 hex digits)')
    .option('--allow-mass-drop', 'apply a plan that removes half or more of the users, roles or role bindings that exist (refused otherwise)')
    .option('--allow-self-lockout', 'apply even when the plan takes away the access of the user running it, or the last admin binding')
    .option('--lock-timeout <seconds>', 'wait this long for another apply on the same server to finish (default 0: refuse at once)', wholeNumber)
    .option('--break-lock', 'remove the apply lock a crashed apply left on the server, then take it')
    .option('--no-lock', 'do not take the server-side apply lock (a user named rbac_lock_…); only when no other apply can run')
    .option('--keep-going', 'with several targets: go on to the next target after one that did not finish')
    .addOption(new Option('--format <format>', 'output format (json: one result object at the end)').choices(['text', 'json']).default('text'))
    .addHelpText('after', '\nExamples:\n  rbac apply -f policy/                      # plan, show, ask, apply\n  rbac plan -f policy/ --out plan.json && rbac apply plan.json --expect-digest <digest>\n  rbac apply -f policy/ --auto-approve --no-destroy --lock-timeout 300\n');
  addTargetOptions(addConnectionOptions(addLimitOptions(command))).action(async (planFile: string | undefined, flags: ApplyFlags) => {
      const files = flags.file ?? [];
      const fleet = flags.allTargets === true || (flags.target ?? []).length > 0;
      if (fleet && (planFile !== undefined || flags.address !== undefined)) {
        process.stderr.write('Error: with --target / --all-targets, give no saved plan file and no --address: each target is planned and applied from its own policies\n');
        process.exitCode = 1;
        return;
      }
      if (!fleet && planFile === undefined && files.length === 0) {
        process.stderr.write('Error: give a policy (-f policy.yaml), a saved plan file, or both (the plan is then applied only if the policy still gives it)\n');
        process.exitCode = 1;
        return;
      }
      const { runApply, DEFAULT_RETRY } = await import('../../apply/run.js');
      const { shouldUseColour } = await import('../../report/colour.js');
      const interactive = process.stdin.isTTY === true && process.stdout.isTTY === true;
      // The first Ctrl-C lets the calls in flight finish and reports; a second one ends the process.
      const interrupt = new AbortController();
      const onInterrupt = (): void => {
        if (interrupt.signal.aborted) process.exit(130);
        process.stderr.write('\nInterrupted: letting the calls in flight finish (Ctrl-C again to stop now)\n');
        interrupt.abort();
      };
      const common = {
        signal: interrupt.signal,
        ...(flags.expectDigest !== undefined ? { expectDigest: flags.expectDigest } : {}),
        colour: flags.format === 'text' && shouldUseColour(process.stdout),
        autoApprove: flags.autoApprove === true,
        interactive,
        confirm: askOnTerminal,
        ...(flags.parallelism !== undefined ? { parallelism: flags.parallelism } : {}),
        ...(flags.retries !== undefined ? { retry: { ...DEFAULT_RETRY, attempts: flags.retries + 1 } } : {}),
        noDestroy: !flags.destroy,
        allowMassDrop: flags.allowMassDrop === true,
        allowSelfLockout: flags.allowSelfLockout === true,
        noLock: !flags.lock,
        ...(flags.lockTimeout !== undefined ? { lockTimeoutMs: flags.lockTimeout * 1000 } : {}),
        breakLock: flags.breakLock === true,
        format: flags.format,
        progress: process.stdout.isTTY === true ? 'tty' : 'plain',
        write: (text: string) => void process.stdout.write(text),
        writeError: (text: string) => void process.stderr.write(text),
      } as const;
      if (fleet) {
        const targets = await targetsOrExit(flags);
        if (!targets) return;
        const { applyFleet } = await import('../../fleet/apply.js');
        process.on('SIGINT', onInterrupt);
        const run = await applyFleet({ targets, apply: common, ...(files.length > 0 ? { files } : {}), keepGoing: flags.keepGoing === true, ...(flags.debug ? { debug: true } : {}) });
        process.off('SIGINT', onInterrupt);
        if (run.output) process.stdout.write(run.output);
        process.exitCode = run.exitCode;
        return;
      }
      const connection = await connectionOrExit(flags);
      if (!connection) return;
      process.on('SIGINT', onInterrupt);
      const result = await runApply({
        ...common,
        connection,
        source: planFile !== undefined ? { planFile, ...(files.length > 0 ? { policyFiles: files } : {}) } : { policyFiles: files },
        limits: limitsFrom(flags),
      });
      process.off('SIGINT', onInterrupt);
      process.exitCode = result.exitCode;
    });
}
