import { access } from 'node:fs/promises';
import { writeAtomically } from '../write-atomically.js';
import type { MilvusConnection } from '../milvus/connection.js';
import type { ConnectionOptions } from '../milvus/connection-settings.js';
import { readLiveState } from '../milvus/read-state.js';
import type { LiveStateRead } from '../milvus/read-state.js';
import { formatVersion } from '../model/versions.js';
import { InternalPlanError } from '../plan/errors.js';
import { planWanted } from '../pipeline/plan-against-live.js';
import { withConnection } from '../pipeline/with-connection.js';
import { failureResult } from '../pipeline/failure.js';
import type { Failure } from '../pipeline/failure.js';
import { exportPolicy, formatDiagnostic, loadPolicyText } from '../policy/index.js';
import { ExportSelectionError, selectForExport } from './select.js';
import type { ExportSelection, SelectedForExport } from './select.js';

/**
 * `rbac export` as a function: read a live instance, keep the selected part, and write it as a
 * policy. Before anything is printed the policy is loaded back and planned against the same
 * read: an export that would not yield "No changes." is an internal error, never a file.
 */

export interface RunExportOptions {
  readonly connection: ConnectionOptions;
  readonly selection?: ExportSelection;
  /** Write here (atomically) instead of returning the text as output. */
  readonly out?: string;
  /** Replace `out` when it exists. */
  readonly force?: boolean;
  /** Path or URL of policy.schema.json for the editor comment on the first line. */
  readonly schema?: string;
}

export interface RunExportResult {
  readonly exitCode: number;
  readonly output: string;
  readonly errors: string;
  readonly policy?: string;
}

const EXPORTED_NAME = 'exported.yaml';

function failure(failed: Failure): RunExportResult {
  return failureResult(failed);
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** Proves the export: the text must load for this server and plan to no steps against the read. */
function checkRoundTrip(text: string, live: LiveStateRead): void {
  const loaded = loadPolicyText(text, EXPORTED_NAME, { targetVersion: formatVersion(live.version) });
  if (!loaded.ok) {
    const errors = loaded.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic);
    throw new InternalPlanError('the exported policy does not validate:', errors);
  }
  const plan = planWanted({ desired: loaded.desired, policyHash: loaded.hash }, live, '');
  if (plan.steps.length > 0) {
    throw new InternalPlanError(
      `the exported policy would plan ${plural(plan.steps.length, 'change')} against the instance it came from:`,
      plan.steps.map((step) => step.id),
    );
  }
}

function summary(selected: SelectedForExport, live: LiveStateRead, destination: string): string {
  const { state } = selected.desired;
  const counts = [plural(state.users.length, 'user'), plural(state.roles.length, 'role'), plural(state.privilegeGroups.length, 'privilege group')].join(', ');
  const notes = selected.notes.map((note) => `Note: ${note}\n`).join('');
  return `${notes}Exported ${counts} from Milvus ${live.versionString} at ${live.address} to ${destination}.\n`;
}

async function exportWith(conn: MilvusConnection, options: RunExportOptions): Promise<RunExportResult> {
  if (options.out && !options.force) {
    const exists = await access(options.out).then(() => true, () => false);
    if (exists) return failure({ kind: 'invalid-input', message: `${options.out} already exists`, fix: 'pass --force to replace it, or choose another --out' });
  }
  const live = await readLiveState(conn, { userDescriptions: 'all' });
  let selected: SelectedForExport;
  try {
    selected = selectForExport(live.state, options.selection, { version: live.version, ...(conn.platform ? { platform: conn.platform } : {}) });
  } catch (error) {
    if (error instanceof ExportSelectionError) return failure({ kind: 'invalid-input', message: error.message });
    throw error;
  }
  const text = exportPolicy(selected.desired, {
    targetVersion: formatVersion(live.version),
    ...(conn.platform ? { platform: conn.platform } : {}),
    explicitScope: selected.partial,
    externalGroups: selected.externalGroups,
    ...(options.schema ? { schema: options.schema } : {}),
  });
  checkRoundTrip(text, live);
  if (options.out) {
    await writeAtomically(options.out, text, 0o644);
    return { exitCode: 0, output: '', errors: summary(selected, live, options.out), policy: text };
  }
  return { exitCode: 0, output: text, errors: summary(selected, live, 'standard output'), policy: text };
}

export async function runExport(options: RunExportOptions): Promise<RunExportResult> {
  return withConnection(options.connection, (conn) => exportWith(conn, options), failure);
}
