import type { Diagnostic } from './diagnostics.js';
import { positionOf } from './source.js';
import type { Path, SourceFile } from './source.js';

export interface Problem {
  readonly code: string;
  readonly message: string;
  readonly hint?: string | undefined;
  /** Point at the mapping key rather than the value (names, unknown properties, duplicates). */
  readonly atKey?: boolean;
}

/** Collects located diagnostics; checks report and carry on, so one run shows every problem. */
export class Reporter {
  readonly diagnostics: Diagnostic[] = [];

  report(severity: Diagnostic['severity'], file: SourceFile, path: Path, problem: Problem): void {
    const at = positionOf(file, path, { key: problem.atKey ?? false });
    this.diagnostics.push({
      severity,
      file: file.name,
      line: at.line,
      column: at.column,
      message: problem.message,
      ...(problem.hint ? { hint: problem.hint } : {}),
      code: problem.code,
    });
  }

  error(file: SourceFile, path: Path, problem: Problem): void {
    this.report('error', file, path, problem);
  }

  warning(file: SourceFile, path: Path, problem: Problem): void {
    this.report('warning', file, path, problem);
  }

  add(diagnostics: Iterable<Diagnostic>): void {
    for (const d of diagnostics) this.diagnostics.push(d);
  }

  get hasErrors(): boolean {
    return this.diagnostics.some((d) => d.severity === 'error');
  }
}

/** Where a definition came from, so checks on it can point into the right file. */
export interface Origin {
  readonly file: SourceFile;
  readonly path: Path;
}
