import { Option } from 'commander';
import type { Command } from 'commander';

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

interface ValidateFlags {
  readonly file?: string[];
  readonly format: 'text' | 'json';
  readonly targetVersion?: string;
}

/** `rbac validate`: checks a policy offline. Exit 0 valid, 1 invalid. */
export function register(program: Command): void {
  program
    .command('validate')
    .description('Check a policy (syntax, schema, Milvus rules) without contacting Milvus. Exit 0 when valid, 1 when not.')
    .option('-f, --file <path>', 'policy file or directory of *.yaml files (repeat to merge several)', collect)
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--target-version <version>', 'check features against this Milvus version instead of target.minVersion')
    .action(async (flags: ValidateFlags) => {
      const { formatDiagnostic, loadPolicy, summarisePolicy } = await import('../../policy/index.js');
      const result = await loadPolicy(flags.file ?? [], flags.targetVersion ? { targetVersion: flags.targetVersion } : {});
      if (flags.format === 'json') {
        const body = result.ok
          ? { valid: true, files: result.files, hash: result.hash, summary: summarisePolicy(result.desired), diagnostics: result.diagnostics }
          : { valid: false, diagnostics: result.diagnostics };
        process.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
      } else {
        for (const d of result.diagnostics) process.stderr.write(`${formatDiagnostic(d)}\n`);
        if (result.ok) {
          const s = summarisePolicy(result.desired);
          process.stdout.write(
            `policy is valid: ${s.users} users, ${s.roles} roles, ${s.privilegeGroups} privilege groups, ${s.grants} grants (${result.files.length} file${result.files.length === 1 ? '' : 's'}, sha256 ${result.hash.slice(0, 12)})\n`,
          );
        } else {
          const errors = result.diagnostics.filter((d) => d.severity === 'error').length;
          process.stderr.write(`policy is invalid: ${errors} error${errors === 1 ? '' : 's'}\n`);
        }
      }
      process.exitCode = result.ok ? 0 : 1;
    });
}
