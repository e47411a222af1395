import type { ConnectionFlags, ConnectionOptions } from '../milvus/connection-settings.js';
import type { BuiltinGroupMembers } from '../model/access-policies.js';
import type { ServerSettings } from '../model/desired.js';
import type { Diagnostic } from '../policy/diagnostics.js';
import type { RbacState } from '../model/types.js';
import type { MilvusVersion } from '../model/versions.js';
import { formatVersion, parseMilvusVersion } from '../model/versions.js';
import { NEWEST_RULES_VERSION } from '../model/access.js';

/**
 * Where explain / who-can read the RBAC state from: a policy (what it would give once applied)
 * or a live Milvus (what is in force now). The policy loader and the Milvus client are imported
 * only when used, so the commands start fast and the SDK loads only for `--live`.
 */

export interface ExplainSource {
  readonly state: RbacState;
  /** Whose rules decide: the live server's version, or the one asked for. */
  readonly version: MilvusVersion;
  readonly origin: string;
  /**
   * Built-in group members as a live server lists them (absent for a policy, or a server without
   * privilege groups): access follows them instead of the catalogue (AccessIndex).
   */
  readonly builtinGroups?: BuiltinGroupMembers;
  /** Things to tell the reader about this source, shown with every answer. */
  readonly notes?: readonly string[];
  /**
   * Server settings no API reports: a policy's `target.settings`, or what the caller declares for
   * a live server. Absent: Milvus's defaults (root bypasses every check).
   */
  readonly serverSettings?: ServerSettings;
}

export type SourceResult =
  | { readonly ok: true; readonly source: ExplainSource; readonly diagnostics: readonly Diagnostic[] }
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[]; readonly message: string };

export class SourceError extends Error {
  override readonly name = 'SourceError';
}

/** `--milvus-version 2.4.15` → a version, or the newest rules when absent. */
export function rulesVersion(text: string | undefined): MilvusVersion {
  if (text === undefined) return NEWEST_RULES_VERSION;
  const parsed = parseMilvusVersion(text);
  if (!parsed) throw new SourceError(`--milvus-version: "${text}" is not a version such as 2.4.15`);
  return parsed;
}

export async function sourceFromPolicy(files: readonly string[], milvusVersion?: string): Promise<SourceResult> {
  const version = rulesVersion(milvusVersion);
  const { loadPolicy } = await import('../policy/index.js');
  const result = await loadPolicy([...files], milvusVersion ? { targetVersion: milvusVersion } : {});
  if (!result.ok) return { ok: false, diagnostics: result.diagnostics, message: 'the policy is invalid' };
  return {
    ok: true,
    source: {
      state: result.desired.state,
      version,
      origin: `policy ${result.files.join(', ')}`,
      ...(result.desired.serverSettings ? { serverSettings: result.desired.serverSettings } : {}),
    },
    diagnostics: result.diagnostics,
  };
}

/**
 * @param serverSettings what the caller knows of the server's configuration (Milvus cannot be
 *   asked for it); default: Milvus's defaults.
 */
export async function sourceFromLive(flags: ConnectionFlags | ConnectionOptions, declared?: ServerSettings): Promise<ExplainSource> {
  const serverSettings = declared ?? flags.serverSettings;
  const { connect, connectionOptionsFromEnv, isMilvusCallError, readLiveState } = await import('../milvus/index.js');
  const { readBuiltinGroups } = await import('../milvus/read-builtin-groups.js');
  const connection = await connect('credentials' in flags ? flags : connectionOptionsFromEnv(flags));
  try {
    // The state is read and in hand even when the groups cannot be listed (a user without the
    // ListPrivilegeGroups privilege on the BackupRBAC path): then the catalogue decides, and we say so.
    const groups = readBuiltinGroups(connection).then(
      (builtinGroups) => ({ builtinGroups, notes: [] as string[] }),
      (error: unknown) => {
        if (!isMilvusCallError(error)) throw error;
        const note = `Note: could not list the server's built-in privilege groups (${error.reason}); effective access uses the tool's lists for Milvus ${formatVersion(connection.version)}`;
        return { builtinGroups: undefined, notes: [note] };
      },
    );
    const [read, { builtinGroups, notes }] = await Promise.all([readLiveState(connection), groups]);
    return {
      state: read.state,
      version: read.version,
      origin: `Milvus ${read.versionString} at ${read.address}`,
      ...(builtinGroups ? { builtinGroups } : {}),
      ...(notes.length > 0 ? { notes } : {}),
      ...(serverSettings ? { serverSettings } : {}),
    };
  } finally {
    await connection.close();
  }
}
