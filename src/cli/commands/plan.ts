import { Option } from 'commander';
import type { Command } from 'commander';
import { addConnectionOptions, addLimitOptions, addTargetOptions, collect, connectionOrExit, limitsFrom, missingPolicy, printResult, runOnTargets, runPromotionCheck } from '../options.js';
import type { ConnectionFlagValues, LimitFlagValues, TargetFlagValues } from '../options.js';

interface PlanFlags extends ConnectionFlagValues, LimitFlagValues, TargetFlagValues {
  readonly file?: string[];
  readonly out?: string;
  readonly format: 'text' | 'json' | 'markdown';
  readonly detailedExitcode?: boolean;
  readonly compareWith?: string;
  readonly requirePromoted?: boolean;
}

/** `rbac plan`: what apply would change. Exit 0 success (no changes, or changes without --detailed-exitcode), 2 changes, else a failure's code (docs/exit-codes.md). */
export function register(program: Command): void {
  const command = program
    .command('plan')
    .description('Compare the policy with a live Milvus and show the changes apply would make. Nothing is changed.')
    .option('-f, --file <path>', 'policy file or directory of *.yaml files (repeat to merge several)', collect)
    .option('--out <path>', 'save the plan as JSON, for "rbac apply <path>" (never holds a password)')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json', 'markdown']).default('text'))
    .option('--detailed-exitcode', 'exit 0 when there are no changes, 2 when there are changes (failures: 1 invalid policy, 3 Milvus unreachable, 4 credentials)')
    .option('--compare-with <target>', "with one --target: check the plan against this other target's live state, from the same policy (what production gets that staging has not had)")
    .option('--require-promoted', 'with --compare-with: exit 5 when the plan holds a step not yet live on the other target')
    .addHelpText(
      'after',
      '\nExamples:\n  rbac plan -f policy/ --detailed-exitcode\n  rbac plan -f policy/ --out plan.json && rbac show plan.json --format markdown\n  rbac plan --target prod --compare-with staging --require-promoted\n',
    );
  addTargetOptions(addConnectionOptions(addLimitOptions(command))).action(async (flags: PlanFlags) => {
      if (await runPromotionCheck(flags)) return;
      if (await runOnTargets('plan', flags)) return;
      if ((flags.file ?? []).length === 0) return missingPolicy();
      const connection = await connectionOrExit(flags);
      if (!connection) return;
      const { runPlan } = await import('../../pipeline/run-plan.js');
      const { shouldUseColour } = await import('../../report/colour.js');
      const result = await runPlan({
        files: (flags.file ?? []),
        connection,
        format: flags.format,
        ...(flags.out !== undefined ? { out: flags.out } : {}),
        detailedExitcode: flags.detailedExitcode === true,
        colour: flags.format === 'text' && shouldUseColour(process.stdout),
        limits: limitsFrom(flags),
      });
      printResult(result);
    });
}
