import type { Definition } from './merge.js';
import type { Origin, Reporter } from './report.js';
import type { Path, SourceFile } from './source.js';

/** `[file, path]` of a place below a definition, spread into Reporter calls. */
export function at(origin: Origin, ...more: Path): [SourceFile, Path] {
  return [origin.file, [...origin.path, ...more]];
}

/**
 * Reports a name Milvus would refuse (`problem`, in Milvus's words) or that has surrounding
 * spaces, at the key that defines it. True when the name is fine.
 */
export function reportName(reporter: Reporter, def: Definition<unknown>, problem: string | null): boolean {
  if (def.name !== def.name.trim()) {
    reporter.error(...at(def.origin), {
      code: 'invalid-name',
      message: `"${def.name}" starts or ends with spaces, which Milvus trims (2.4 and newer) or keeps (2.3), so the name would not mean one thing`,
      hint: 'remove the spaces',
      atKey: true,
    });
    return false;
  }
  if (problem) reporter.error(...at(def.origin), { code: 'invalid-name', message: problem, atKey: true });
  return problem === null;
}

