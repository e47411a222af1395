import { readFileSync } from 'node:fs';
import type { LintCode, LintFinding, LintLocator } from './index.js';

/**
 * Findings a team has decided to live with: a rule switched off for the run (`--disable RULE`),
 * or one finding accepted where it is, by a comment on its line or the line above:
 *
 *     - privileges: [ClusterAdmin]   # rbac-lint: accept broad-grant (the on-call role, reviewed 2026-11)
 *
 * An acceptance names the rules it accepts, so a new kind of finding on that line still shows.
 */

export const LINT_CODES: readonly LintCode[] = ['broad-grant', 'role-without-users', 'user-without-roles', 'redundant-grant', 'no-effect', 'wider-than-written', 'unused-grant'];

const ACCEPT = /#\s*rbac-lint:\s*accept\s+([a-z-]+(?:\s*,\s*[a-z-]+)*)/;

export class UnknownRuleError extends Error {
  override readonly name = 'UnknownRuleError';
}

/** Checks rule names given to --disable. */
export function checkRules(rules: readonly string[]): LintCode[] {
  const unknown = rules.filter((r) => !(LINT_CODES as readonly string[]).includes(r));
  if (unknown.length > 0) throw new UnknownRuleError(`unknown lint rule${unknown.length === 1 ? '' : 's'} ${unknown.join(', ')} (rules: ${LINT_CODES.join(', ')})`);
  return rules as LintCode[];
}

/** The rules a line's comment accepts. */
function acceptedOn(line: string | undefined): string[] {
  const m = line === undefined ? null : ACCEPT.exec(line);
  return m ? (m[1] as string).split(',').map((r) => r.trim()) : [];
}

export interface Selection {
  readonly kept: LintFinding[];
  readonly disabled: number;
  readonly accepted: number;
}

export function selectFindings(findings: readonly LintFinding[], options: { readonly disabled?: readonly LintCode[]; readonly locate?: LintLocator }): Selection {
  const disabled = new Set(options.disabled ?? []);
  const lines = new Map<string, string[]>();
  const linesOf = (file: string): string[] => {
    let cached = lines.get(file);
    if (!cached) {
      try {
        cached = readFileSync(file, 'utf8').split('\n');
      } catch {
        cached = [];
      }
      lines.set(file, cached);
    }
    return cached;
  };
  const kept: LintFinding[] = [];
  let off = 0;
  let accepted = 0;
  for (const f of findings) {
    if (disabled.has(f.code)) {
      off++;
      continue;
    }
    const at = options.locate?.(f.subject);
    if (at) {
      const text = linesOf(at.file);
      // The finding's own line, or a line above holding only the comment (a trailing comment
      // there belongs to the entry before).
      const above = text[at.line - 2];
      const accepting = [...acceptedOn(text[at.line - 1]), ...(above !== undefined && /^\s*#/.test(above) ? acceptedOn(above) : [])];
      if (accepting.includes(f.code)) {
        accepted++;
        continue;
      }
    }
    kept.push(f);
  }
  return { kept, disabled: off, accepted };
}
