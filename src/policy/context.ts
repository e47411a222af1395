import { atLeast, featuresOf, formatVersion } from '../model/versions.js';
import type { FeatureSet, MilvusVersion } from '../model/versions.js';
import type { Platform } from '../model/platform.js';
import type { PrivilegeLevel } from '../model/types.js';
import type { Origin, Reporter } from './report.js';
import type { Path, SourceFile } from './source.js';

/** A custom privilege group as the grant checks need it. */
export interface GroupInfo {
  /** `undefined`: no members yet, or a group outside the policy whose members are unknown. */
  readonly level: PrivilegeLevel | undefined;
  /** Declared outside this policy (outside its scope); assumed to exist on the server. */
  readonly external: boolean;
}

/** What the checks share while compiling one policy. */
export interface CompileContext {
  readonly reporter: Reporter;
  /** The oldest Milvus the policy must work on, when known. */
  readonly target: { readonly version: MilvusVersion; readonly source: string } | undefined;
  readonly groups: Map<string, GroupInfo>;
  /** Whether a custom group name not defined here lies outside an explicit scope (so it may exist). */
  readonly isExternalGroup: (name: string) => boolean;
  /** The `databases:` list, when the policy declares one. */
  readonly declaredDatabases: ReadonlySet<string> | undefined;
  readonly usedDatabases: Set<string>;
  /** `target.serverPrivileges`: names the catalogue does not know, declared to exist on the server. */
  readonly serverPrivileges: ReadonlySet<string>;
  /** Where the API is served: Zilliz Cloud refuses more than Milvus (check-platform.ts). */
  readonly platform: Platform;
}

/**
 * Reports an error when a feature needs a newer Milvus than the target. Silent when the target
 * version is unknown: then the planner checks against the server it talks to.
 */
export function requireVersion(ctx: CompileContext, minimum: string, feature: string, file: SourceFile, path: Path, atKey = false): boolean {
  if (!ctx.target || atLeast(ctx.target.version, minimum)) return true;
  const short = minimum.replace(/\.0$/, '');
  ctx.reporter.error(file, path, {
    code: 'version-feature',
    message: `${feature} requires Milvus ${short} or newer, but the target is ${formatVersion(ctx.target.version)} (${ctx.target.source})`,
    hint: `raise the target version to "${short}", or do without it`,
    atKey,
  });
  return false;
}

export function originAt(origin: Origin, ...more: Path): Origin {
  return { file: origin.file, path: [...origin.path, ...more] };
}

const firstVersions = new Map<keyof FeatureSet, string>();

/**
 * The oldest 2.x.y release that has a feature, found by asking featuresOf, so versions.ts stays
 * the one place deciding which Milvus has what.
 */
function firstVersionWith(feature: keyof FeatureSet): string {
  const known = firstVersions.get(feature);
  if (known) return known;
  let found = '3.0.0';
  search: for (let minor = 0; minor < 20; minor++) {
    for (let patch = 0; patch < 100; patch++) {
      if (featuresOf({ major: 2, minor, patch })[feature]) {
        found = `2.${minor}.${patch}`;
        break search;
      }
    }
  }
  firstVersions.set(feature, found);
  return found;
}

/** {@link requireVersion} for a feature of versions.ts's FeatureSet. */
export function requireFeature(ctx: CompileContext, feature: keyof FeatureSet, label: string, file: SourceFile, path: Path, atKey = false): boolean {
  if (!ctx.target || featuresOf(ctx.target.version)[feature]) return true;
  return requireVersion(ctx, firstVersionWith(feature), label, file, path, atKey);
}
