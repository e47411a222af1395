import { Option } from 'commander';
import type { Command } from 'commander';
import { positiveInteger, printResult } from '../options.js';

interface ShowFlags {
  readonly format: 'text' | 'json' | 'markdown';
  readonly markdownBudget?: number;
  readonly fullPlanHint?: string;
}

/** `rbac show PLAN`: render a saved plan; no server needed. */
export function register(program: Command): void {
  program
    .command('show')
    .description('Render a plan saved by "rbac plan --out" as text, Markdown or JSON, without connecting to Milvus.')
    .argument('<plan-file>', 'a plan saved by rbac plan --out')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json', 'markdown']).default('text'))
    .option('--markdown-budget <chars>', 'most characters of the Markdown (default 60000, under GitHub\'s 65536 for a comment)', positiveInteger)
    .option('--full-plan-hint <text>', 'where readers find the full plan, said in the Markdown when something is left out')
    .addHelpText('after', '\nExamples:\n  rbac plan -f policy/ --out plan.json && rbac show plan.json --format markdown > plan.md\n  rbac show plan.json --format json | jq .summary\n')
    .action(async (file: string, flags: ShowFlags) => {
      const { showPlan } = await import('../../pipeline/show-plan.js');
      const { shouldUseColour } = await import('../../report/colour.js');
      const markdown = {
        ...(flags.markdownBudget !== undefined ? { budget: flags.markdownBudget } : {}),
        ...(flags.fullPlanHint !== undefined ? { fullPlanHint: flags.fullPlanHint } : {}),
      };
      printResult(await showPlan({ file, format: flags.format, colour: flags.format === 'text' && shouldUseColour(process.stdout), markdown }));
    });
}
