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

/** `file:line:col: error: message` and, when there is one, `  hint: …` on the next line. */
export function formatDiagnostic(d: Diagnostic): string {
  const head = `${d.file}:${d.line}:${d.column}: ${d.severity}: ${d.message}`;
  return d.hint ? `${head}\n  hint: ${d.hint}` : head;
}

export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return a.line - b.line || a.column - b.column || (a.message < b.message ? -1 : a.message > b.message ? 1 : 0);
}
