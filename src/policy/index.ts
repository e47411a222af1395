import type { Platform } from '../model/platform.js';
import { readdir, stat } from 'node:fs/promises';
import { extname, join, relative, sep } from 'node:path';
import type { DesiredState } from '../model/desired.js';
import { compilePolicy } from './compile.js';
import type { CompileOptions } from './compile.js';
import { compareDiagnostics } from './diagnostics.js';
import type { Diagnostic } from './diagnostics.js';
import { hashDesiredState } from './hash.js';
import { GrantOrigins, policyLocator } from './locate.js';
import type { PolicyLocator } from './locate.js';
import { mergeFiles } from './merge.js';
import type { ParsedFile } from './merge.js';
import { Reporter } from './report.js';
import { checkSchema } from './schema-check.js';
import { maxPolicyBytes, PolicyTooLargeError, readCapped } from './read-capped.js';
import { parseSource } from './source.js';
import type { PolicySpec } from './spec.js';

export type { Diagnostic } from './diagnostics.js';
export { formatDiagnostic } from './diagnostics.js';
export { exportPolicy, unknownPrivilegesIn } from './export.js';
export type { PolicyLocator, PolicyPosition } from './locate.js';
export type { ExportOptions } from './export.js';
export { buildPolicySchema, POLICY_FORMAT_VERSION } from './schema.js';

export type PolicyLoadResult =
  | {
      readonly ok: true;
      readonly desired: DesiredState;
      /** Warnings only. */
      readonly diagnostics: Diagnostic[];
      /** sha256 of the canonical desired state (no secrets). */
      readonly hash: string;
      readonly files: string[];
      /** Where users, roles, groups and grants are written, for findings made after loading. */
      readonly locator: PolicyLocator;
    }
  | { readonly ok: false; readonly diagnostics: Diagnostic[] };

export interface LoadOptions {
  /** The Milvus version to check features against; overrides the policy's target.minVersion. */
  readonly targetVersion?: string;
  /** The platform the run knows (a target's config, the endpoint); the policy's target.platform wins. */
  readonly platform?: Platform;
}

export interface PolicyText {
  readonly text: string;
  readonly fileName: string;
}

const POLICY_EXTENSIONS = new Set(['.yaml', '.yml']);

/** Whether a file in a `-f` directory is read as part of the policy. */
export function isPolicyFileName(name: string): boolean {
  return POLICY_EXTENSIONS.has(extname(name));
}

function dedupe(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  const out: Diagnostic[] = [];
  for (const d of [...diagnostics].sort(compareDiagnostics)) {
    const key = `${d.severity}\u0000${d.file}\u0000${d.line}\u0000${d.column}\u0000${d.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(d);
  }
  return out;
}

/** Loads policy texts as if they were files (tests, stdin): the whole pipeline without I/O. */
export function loadPolicyTexts(texts: readonly PolicyText[], options: LoadOptions = {}): PolicyLoadResult {
  const reporter = new Reporter();
  const parsed: ParsedFile[] = [];
  for (const { text, fileName } of texts) {
    const { file, diagnostics } = parseSource(text, fileName);
    reporter.add(diagnostics);
    if (file.data === undefined && diagnostics.some((d) => d.severity === 'error' && d.code !== 'duplicate-key')) continue;
    const failed = checkSchema(file, reporter);
    parsed.push({ file, spec: file.data as PolicySpec, failed });
  }
  const compileOptions: CompileOptions = { targetVersion: options.targetVersion, platform: options.platform };
  const merged = mergeFiles(parsed, reporter);
  const origins = new GrantOrigins();
  const desired = compilePolicy(merged, compileOptions, reporter, origins);
  const diagnostics = dedupe(reporter.diagnostics);
  if (diagnostics.some((d) => d.severity === 'error')) return { ok: false, diagnostics };
  return { ok: true, desired, diagnostics, hash: hashDesiredState(desired), files: texts.map((t) => t.fileName), locator: policyLocator(merged, origins) };
}

export function loadPolicyText(text: string, fileName: string, options: LoadOptions = {}): PolicyLoadResult {
  return loadPolicyTexts([{ text, fileName }], options);
}

function ioError(file: string, message: string, hint?: string): Diagnostic {
  return { severity: 'error', file, line: 1, column: 1, message, ...(hint ? { hint } : {}), code: 'io' };
}

/**
 * The policy files under a directory and its sub-folders, in path order. Hidden folders are
 * skipped; a symbolic link to a file counts as a file, as a Kubernetes ConfigMap mounts each key
 * as a link into a hidden `..data` folder.
 */
async function policyFilesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files: string[] = [];
  for (const e of entries) {
    if (!isPolicyFileName(e.name)) continue;
    const file = join(e.parentPath, e.name);
    if (relative(dir, file).split(sep).some((part) => part.startsWith('.'))) continue;
    if (e.isFile() || (e.isSymbolicLink() && (await stat(file).then((s) => s.isFile(), () => false)))) files.push(file);
  }
  return files.sort();
}

/** Files named on the command line, with directories replaced by the *.yaml / *.yml files under them, in path order. */
async function listFiles(paths: readonly string[], problems: Diagnostic[]): Promise<string[]> {
  const files: string[] = [];
  for (const path of paths) {
    try {
      const info = await stat(path);
      if (info.isDirectory()) {
        const entries = await policyFilesUnder(path);
        if (entries.length === 0) problems.push(ioError(path, 'the directory and its sub-folders hold no .yaml or .yml policy files'));
        files.push(...entries);
      } else files.push(path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      problems.push(ioError(path, code === 'ENOENT' ? 'no such file or directory' : `cannot read: ${code ?? String(error)}`));
    }
  }
  return [...new Set(files)];
}

/**
 * Loads, checks and normalises a policy made of one or more files (or directories of them).
 * Never touches the network; every problem comes back located, all of them in one run.
 */
export async function loadPolicy(paths: string[], options: LoadOptions = {}): Promise<PolicyLoadResult> {
  const problems: Diagnostic[] = [];
  if (paths.length === 0) return { ok: false, diagnostics: [ioError('-', 'no policy file given', 'pass -f policy.yaml')] };
  const files = await listFiles(paths, problems);
  const texts: PolicyText[] = [];
  const limit = maxPolicyBytes();
  for (const fileName of files) {
    try {
      texts.push({ text: await readCapped(fileName, limit), fileName });
    } catch (error) {
      if (error instanceof PolicyTooLargeError) {
        problems.push(ioError(fileName, `the file is ${error.message}`, 'split the policy into several files, or set RBAC_MAX_POLICY_BYTES to a larger number of bytes'));
      } else {
        problems.push(ioError(fileName, `cannot read: ${(error as NodeJS.ErrnoException).code ?? String(error)}`));
      }
    }
  }
  if (problems.length > 0) return { ok: false, diagnostics: problems };
  return loadPolicyTexts(texts, options);
}

export interface PolicySummary {
  readonly users: number;
  readonly roles: number;
  readonly privilegeGroups: number;
  readonly grants: number;
}

/** Counts for one-line reports (`rbac validate`). */
export function summarisePolicy(desired: DesiredState): PolicySummary {
  return {
    users: desired.state.users.length,
    roles: desired.state.roles.length,
    privilegeGroups: desired.state.privilegeGroups.length,
    grants: desired.state.roles.reduce((sum, role) => sum + role.grants.length, 0),
  };
}
