import { escapeControl } from '../model/printable.js';

/** A located problem found while loading a policy. Every loader error and warning has this shape. */
export interface Diagnostic {
  readonly severity: 'error' | 'warning';
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based. */
  readonly column: number;
  readonly message: string;
  /** How to fix it, when the loader knows. */
  readonly hint?: string;
  /** A stable identifier of the kind of problem (`unknown-privilege`, `duplicate-key`, …). */
  readonly code: string;
}

/**
 * `file:line:col: error: message` and, when there is one, `  hint: …` on the next line. Messages
 * quote what the policy holds, so control characters in it are escaped.
 */
export function formatDiagnostic(d: Diagnostic): string {
  const head = `${escapeControl(d.file)}:${d.line}:${d.column}: ${d.severity}: ${escapeControl(d.message).replace(/\n/g, '\\n')}`;
  return d.hint ? `${head}\n  hint: ${escapeControl(d.hint).replace(/\n/g, '\\n')}` : head;
}

export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return a.line - b.line || a.column - b.column || (a.message < b.message ? -1 : a.message > b.message ? 1 : 0);
}
