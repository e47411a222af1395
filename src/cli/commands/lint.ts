import { Option } from 'commander';
import type { Command } from 'commander';
import { collect } from '../options.js';


interface LintFlags {
  readonly file?: string[];
  readonly strict?: boolean;
  readonly format: 'text' | 'json';
  readonly milvusVersion?: string;
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
    .option('--milvus-version <version>', 'judge grants by the rules of this Milvus version (default: newest known)')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(async (flags: LintFlags) => {
      const { formatDiagnostic, loadPolicy } = await import('../../policy/index.js');
      const { formatFinding, lintLocator, lintPolicy, locatedFindings } = await import('../../lint/index.js');
      let version;
      try {
        version = (await import('../../explain/source.js')).rulesVersion(flags.milvusVersion);
      } catch (error) {
        process.stderr.write(`rbac: ${(error as Error).message}\n`);
        process.exitCode = 1;
        return;
      }
      const result = await loadPolicy((flags.file ?? []), flags.milvusVersion ? { targetVersion: flags.milvusVersion } : {});
      if (!result.ok) {
        for (const d of result.diagnostics) process.stderr.write(`${formatDiagnostic(d)}\n`);
        process.stderr.write('rbac: the policy is invalid; fix the errors before linting\n');
        process.exitCode = 1;
        return;
      }
      const findings = lintPolicy(result.desired, { version });
      const locate = lintLocator(result.locator);
      if (flags.format === 'json') {
        process.stdout.write(`${JSON.stringify({ files: result.files, findings: locatedFindings(findings, locate) }, null, 2)}\n`);
      } else {
        for (const d of result.diagnostics) process.stderr.write(`${formatDiagnostic(d)}\n`);
        for (const f of findings) process.stdout.write(`${formatFinding(f, locate)}\n`);
        process.stdout.write(`${findings.length} finding${findings.length === 1 ? '' : 's'} in ${result.files.join(', ')}\n`);
      }
      process.exitCode = flags.strict && findings.length > 0 ? 1 : 0;
    });
}
