import { Option } from 'commander';
import type { Command } from 'commander';
import { collect, printResult } from '../options.js';


interface LintFlags {
  readonly file?: string[];
  readonly strict?: boolean;
  readonly format: 'text' | 'json' | 'sarif' | 'github';
  readonly milvusVersion?: string;
  readonly disable?: string[];
  readonly usage?: string;
}

/** `rbac lint`: warnings about a valid policy. Exit 0; 1 when the policy is invalid, or with --strict when there are findings. */
export function register(program: Command): void {
  program
    .command('lint')
    .description(
      'Warn about broad grants, roles without users, users without roles, redundant grants and grants with no effect. Exit 0 (1 with --strict when there are findings; 1 when the policy is invalid).',
    )
    .requiredOption('-f, --file <path>', 'policy file or directory of *.yaml files (repeat to merge several)', collect)
    .option('--strict', 'exit 1 when there is any finding')
    .option('--disable <rule>', 'leave out the findings of this rule (repeatable)', collect)
    .option('--milvus-version <version>', 'judge grants by the rules of this Milvus version (default: newest known)')
    .option('--usage <report.json>', 'a report of rbac usage --format json: grants it never saw used are findings (unused-grant)')
    .addOption(new Option('--format <format>', 'output format: text, json, sarif (code scanning) or github (pull-request annotations)').choices(['text', 'json', 'sarif', 'github']).default('text'))
    .addHelpText(
      'after',
      '\nAccept one finding where it is, with a comment on its line or the line above:\n  - privileges: [ClusterAdmin]   # rbac-lint: accept broad-grant (reviewed)\n\nExamples:\n  rbac lint -f policy/ --strict\n  rbac lint -f policy/ --format sarif > rbac-lint.sarif\n  rbac lint -f policy/ --format github --disable role-without-users\n',
    )
    .action(async (flags: LintFlags) => {
      const { runLint } = await import('../../lint/run.js');
      printResult(
        await runLint({
          files: flags.file ?? [],
          format: flags.format,
          ...(flags.milvusVersion !== undefined ? { milvusVersion: flags.milvusVersion } : {}),
          disable: flags.disable ?? [],
          strict: flags.strict === true,
          ...(flags.usage !== undefined ? { usageFile: flags.usage } : {}),
        }),
      );
    });
}
