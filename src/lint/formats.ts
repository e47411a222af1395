import { isAbsolute, relative, sep } from 'node:path';
import { TOOL_VERSION } from '../version.js';
import type { LintFinding, LintLocator, LintPosition } from './index.js';
import { LINT_CODES } from './suppress.js';

/**
 * Lint findings for code-scanning tools: SARIF 2.1.0 (GitHub code scanning, most CI systems) and
 * GitHub Actions workflow commands, which annotate the pull request's files.
 */

const RULE_TEXT: Readonly<Record<string, string>> = {
  'broad-grant': 'A grant that gives much more than most users need (an admin group, all privileges, every collection).',
  'role-without-users': 'A role no user holds.',
  'user-without-roles': 'A user bound to no role.',
  'redundant-grant': 'A grant another grant of the same role already covers.',
  'no-effect': 'A grant Milvus stores but never checks.',
  'wider-than-written': 'A grant that gives more than its entry says (a group wider than it looks, related privileges).',
  'unused-grant': 'A grant the access log never saw used (rbac lint --usage REPORT, from rbac usage --format json).',
};

/** A URI reference relative to the working folder (the repository root in CI), as code scanning expects. */
function artifactUri(file: string): string {
  const rel = relative(process.cwd(), file);
  return encodeURI((rel.startsWith('..') || isAbsolute(rel) ? file : rel).split(sep).join('/'));
}

export function lintSarif(findings: readonly LintFinding[], locate: LintLocator): string {
  const results = findings.map((f) => {
    const at = locate(f.subject);
    return {
      ruleId: f.code,
      level: 'warning',
      message: { text: f.message },
      ...(at ? { locations: [{ physicalLocation: { artifactLocation: { uri: artifactUri(at.file) }, region: { startLine: at.line, startColumn: at.column } } }] } : {}),
    };
  });
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'milvus-rbac', version: TOOL_VERSION, rules: LINT_CODES.map((id) => ({ id, shortDescription: { text: RULE_TEXT[id] ?? id } })) } },
        results,
      },
    ],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}

/** GitHub's escaping of a workflow command's data and of its properties. */
const escapeData = (s: string): string => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escapeProperty = (s: string): string => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

export function lintGithubAnnotations(findings: readonly LintFinding[], locate: LintLocator): string {
  return findings
    .map((f) => {
      const at: LintPosition | undefined = locate(f.subject);
      const where = at ? `file=${escapeProperty(at.file)},line=${at.line},col=${at.column},` : '';
      return `::warning ${where}title=${escapeProperty(`rbac lint: ${f.code}`)}::${escapeData(f.message)}\n`;
    })
    .join('');
}
