import { Option } from 'commander';
import type { Command } from 'commander';
import { collect } from '../options.js';
import { JSON_FORMAT_VERSION } from '../../report/format-version.js';

interface ValidateFlags {
  readonly file?: string[];
  readonly format: 'text' | 'json';
  readonly milvusVersion?: string;
  /** The former name of --milvus-version, still accepted. */
  readonly targetVersion?: string;
  readonly lint: boolean;
}

/** `rbac validate`: checks a policy offline, with lint findings as warnings. Exit 0 valid, 1 invalid. */
export function register(program: Command): void {
  program
    .command('validate')
    .description('Check a policy (syntax, schema, Milvus rules) without contacting Milvus; lint findings are shown as warnings. Exit 0 when valid, 1 when not.')
    .option('-f, --file <path>', 'policy file or directory of *.yaml files (repeat to merge several)', collect)
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--milvus-version <version>', 'check features against this Milvus version instead of target.minVersion')
    .addOption(new Option('--target-version <version>').hideHelp())
    .addHelpText('after', '\nExamples:\n  rbac validate -f policy/\n  rbac validate -f policy.yaml --milvus-version 2.6.19 --format json\n')
    .option('--no-lint', 'leave out the lint warnings (see rbac lint)')
    .action(async (given: ValidateFlags) => {
      const version = given.milvusVersion ?? given.targetVersion;
      const flags = { ...given, ...(version !== undefined ? { targetVersion: version } : {}) };
      const { formatDiagnostic, loadPolicy, summarisePolicy } = await import('../../policy/index.js');
      const result = await loadPolicy((flags.file ?? []), flags.targetVersion ? { targetVersion: flags.targetVersion } : {});
      if (!result.ok) {
        if (flags.format === 'json') process.stdout.write(`${JSON.stringify({ formatVersion: JSON_FORMAT_VERSION, valid: false, diagnostics: result.diagnostics }, null, 2)}\n`);
        else {
          for (const d of result.diagnostics) process.stderr.write(`${formatDiagnostic(d)}\n`);
          const errors = result.diagnostics.filter((d) => d.severity === 'error').length;
          process.stderr.write(`policy is invalid: ${errors} error${errors === 1 ? '' : 's'}\n`);
        }
        process.exitCode = 1;
        return;
      }
      const lint = flags.lint ? await import('../../lint/index.js') : undefined;
      const parsedVersion = flags.targetVersion ? (await import('../../model/versions.js')).parseMilvusVersion(flags.targetVersion) : null;
      const locate = lint?.lintLocator(result.locator);
      const { selectFindings } = await import('../../lint/suppress.js');
      // Findings accepted inline (`# rbac-lint: accept RULE`) are left out here as in rbac lint.
      const findings = selectFindings(lint?.lintPolicy(result.desired, parsedVersion ? { version: parsedVersion } : {}) ?? [], locate ? { locate } : {}).kept;
      const s = summarisePolicy(result.desired);
      if (flags.format === 'json') {
        const lintFindings = lint && locate ? lint.locatedFindings(findings, locate) : [];
        const body = { formatVersion: JSON_FORMAT_VERSION, valid: true, files: result.files, hash: result.hash, summary: s, diagnostics: result.diagnostics, lint: lintFindings };
        process.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
      } else {
        for (const d of result.diagnostics) process.stderr.write(`${formatDiagnostic(d)}\n`);
        for (const f of findings) process.stderr.write(`${lint?.formatFinding(f, locate)}\n`);
        const lintNote = findings.length > 0 ? `; ${findings.length} lint warning${findings.length === 1 ? '' : 's'} (rbac lint lists them; --no-lint hides them)` : '';
        process.stdout.write(
          `policy is valid: ${s.users} users, ${s.roles} roles, ${s.privilegeGroups} privilege groups, ${s.grants} grants (${result.files.length} file${result.files.length === 1 ? '' : 's'}, sha256 ${result.hash.slice(0, 12)})${lintNote}\n`,
        );
      }
      process.exitCode = 0;
    });
}
