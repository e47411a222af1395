import { readFile } from 'node:fs/promises';
import { rulesVersion } from '../explain/source.js';
import { formatDiagnostic, loadPolicy } from '../policy/index.js';
import { JSON_FORMAT_VERSION } from '../report/format-version.js';
import { lintGithubAnnotations, lintSarif } from './formats.js';
import { formatFinding, lintLocator, lintPolicy, locatedFindings } from './index.js';
import type { UsageEvidence } from './index.js';
import { checkRules, selectFindings } from './suppress.js';

/** `rbac lint` as a function: load, lint, leave out what is disabled or accepted, render. */

export type LintFormat = 'text' | 'json' | 'sarif' | 'github';

export interface RunLintOptions {
  readonly files: readonly string[];
  readonly format?: LintFormat;
  readonly milvusVersion?: string;
  /** Rules switched off for this run. */
  readonly disable?: readonly string[];
  readonly strict?: boolean;
  /** A `rbac usage --format json` report: grants it never saw used become findings. */
  readonly usageFile?: string;
}

async function readUsage(file: string): Promise<UsageEvidence> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new Error(`--usage ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const report = parsed as Partial<UsageEvidence> | null;
  if (!report || !Array.isArray(report.roles) || !report.window || !report.lines) throw new Error(`--usage ${file} is not a report of rbac usage --format json`);
  return report as UsageEvidence;
}

export async function runLint(options: RunLintOptions): Promise<{ exitCode: number; output: string; errors: string }> {
  let version;
  let disabled;
  let usage;
  try {
    version = rulesVersion(options.milvusVersion);
    disabled = checkRules(options.disable ?? []);
    usage = options.usageFile ? await readUsage(options.usageFile) : undefined;
  } catch (error) {
    return { exitCode: 1, output: '', errors: `rbac: ${(error as Error).message}\n` };
  }
  const result = await loadPolicy([...options.files], options.milvusVersion ? { targetVersion: options.milvusVersion } : {});
  if (!result.ok) {
    return { exitCode: 1, output: '', errors: `${result.diagnostics.map((d) => `${formatDiagnostic(d)}\n`).join('')}rbac: the policy is invalid; fix the errors before linting\n` };
  }
  const locate = lintLocator(result.locator);
  const selected = selectFindings(lintPolicy(result.desired, { version, ...(usage ? { usage } : {}) }), { disabled, locate });
  const findings = selected.kept;
  const exitCode = options.strict && findings.length > 0 ? 1 : 0;
  const errors = result.diagnostics.map((d) => `${formatDiagnostic(d)}\n`).join('');
  switch (options.format ?? 'text') {
    case 'json':
      return {
        exitCode,
        errors,
        output: `${JSON.stringify({ formatVersion: JSON_FORMAT_VERSION, files: result.files, findings: locatedFindings(findings, locate), accepted: selected.accepted, disabled: selected.disabled }, null, 2)}\n`,
      };
    case 'sarif':
      return { exitCode, errors, output: lintSarif(findings, locate) };
    case 'github':
      return { exitCode, errors, output: lintGithubAnnotations(findings, locate) };
    case 'text': {
      const left = [selected.accepted ? `${selected.accepted} accepted inline` : '', selected.disabled ? `${selected.disabled} disabled` : ''].filter(Boolean).join(', ');
      const lines = findings.map((f) => `${formatFinding(f, locate)}\n`).join('');
      return { exitCode, errors, output: `${lines}${findings.length} finding${findings.length === 1 ? '' : 's'} in ${result.files.join(', ')}${left ? ` (${left})` : ''}\n` };
    }
  }
}
