import { readFile } from 'node:fs/promises';
import { writeAtomically } from '../write-atomically.js';
import type { DriftKind, DriftReport } from './report.js';

/**
 * Gauges for the node-exporter textfile collector. The file is replaced atomically (written
 * beside it, then renamed) so the collector never reads half a file, and a failed check keeps
 * the time of the last successful one.
 */

const PREFIX = 'milvus_rbac_drift';
const LAST_SUCCESS = `${PREFIX}_last_success_timestamp_seconds`;

const KIND_LABEL: Readonly<Record<DriftKind, string>> = { user: 'user', role: 'role', privilegeGroup: 'privilege_group' };

export interface DriftCheck {
  /** The report when the check completed; undefined when it failed (Milvus unreachable, bad policy). */
  readonly report?: DriftReport;
  readonly durationSeconds: number;
  /** When the check finished, in seconds since the epoch. */
  readonly finishedAt: number;
  readonly target: string;
}

function gauge(name: string, help: string, samples: readonly { labels?: Record<string, string>; value: number }[]): string {
  const lines = [`# HELP ${name} ${help}`, `# TYPE ${name} gauge`];
  for (const s of samples) {
    const labels = s.labels ? `{${Object.entries(s.labels).map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`).join(',')}}` : '';
    lines.push(`${name}${labels} ${Number.isFinite(s.value) ? String(s.value) : 'NaN'}`);
  }
  return lines.join('\n');
}

export function renderDriftMetrics(check: DriftCheck, previousSuccess: number | undefined): string {
  const target = { target: check.target };
  const up = check.report ? 1 : 0;
  const lastSuccess = check.report ? check.finishedAt : previousSuccess;
  const blocks = [
    gauge(`${PREFIX}_up`, 'Whether the last drift check could read the policy and Milvus (1) or not (0).', [{ labels: target, value: up }]),
    gauge(`${PREFIX}_check_duration_seconds`, 'How long the last drift check took.', [{ labels: target, value: check.durationSeconds }]),
  ];
  if (check.report) {
    const report = check.report;
    blocks.push(
      gauge(
        `${PREFIX}_items`,
        'Objects that differ between the policy and Milvus, by kind, at the last successful check.',
        (Object.keys(KIND_LABEL) as DriftKind[]).map((k) => ({ labels: { ...target, kind: KIND_LABEL[k] }, value: report.counts[k] })),
      ),
      gauge(`${PREFIX}_steps`, 'Steps an apply would run to remove the drift.', [{ labels: target, value: report.steps }]),
      gauge(`${PREFIX}_outside_members`, 'Bindings of users outside the policy to roles it owns (drift; plan unbinds them).', [{ labels: target, value: report.outsideMembers.length }]),
      gauge(`${PREFIX}_waiting_grants`, 'Grants the policy makes on collections that do not exist yet (not drift).', [{ labels: target, value: report.waiting.length }]),
    );
  }
  if (lastSuccess !== undefined) {
    blocks.push(gauge(LAST_SUCCESS, 'When a drift check last succeeded, in seconds since the epoch.', [{ labels: target, value: lastSuccess }]));
  }
  return `${blocks.join('\n')}\n`;
}

/** The last-success time recorded in an earlier file, if any. */
export async function previousSuccessOf(path: string): Promise<number | undefined> {
  const text = await readFile(path, 'utf8').catch(() => '');
  const line = text.split('\n').find((l) => l.startsWith(LAST_SUCCESS));
  const value = line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : NaN;
  return Number.isFinite(value) ? value : undefined;
}

export async function writeDriftMetrics(path: string, check: DriftCheck): Promise<void> {
  const text = renderDriftMetrics(check, await previousSuccessOf(path));
  await writeAtomically(path, text, 0o644);
}
