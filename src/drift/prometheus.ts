import { readFile } from 'node:fs/promises';
import { Gauge, Registry } from 'prom-client';
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

/**
 * The drift gauges, in a registry of prom-client (the Prometheus client for Node): rendered to the
 * textfile after one check, or kept by `rbac drift --watch` and served on /metrics.
 */
export class DriftMetrics {
  readonly registry = new Registry();
  private readonly up = this.gauge(`${PREFIX}_up`, 'Whether the last drift check could read the policy and Milvus (1) or not (0).');
  private readonly duration = this.gauge(`${PREFIX}_check_duration_seconds`, 'How long the last drift check took.');
  private readonly items = this.gauge(`${PREFIX}_items`, 'Objects that differ between the policy and Milvus, by kind, at the last successful check.', ['kind']);
  private readonly steps = this.gauge(`${PREFIX}_steps`, 'Steps an apply would run to remove the drift.');
  private readonly outside = this.gauge(`${PREFIX}_outside_members`, 'Bindings of users outside the policy to roles it owns (drift; plan unbinds them).');
  private readonly waiting = this.gauge(`${PREFIX}_waiting_grants`, 'Grants the policy makes on collections that do not exist yet (not drift).');
  private readonly lastSuccess = this.gauge(LAST_SUCCESS, 'When a drift check last succeeded, in seconds since the epoch.');

  private gauge(name: string, help: string, extraLabels: string[] = []): Gauge {
    return new Gauge({ name, help, labelNames: ['target', ...extraLabels], registers: [this.registry] });
  }

  /** Records one check; a failed one keeps the last success time (from this process or an earlier file). */
  record(check: DriftCheck, previousSuccess?: number): void {
    const target = { target: check.target };
    this.up.set(target, check.report ? 1 : 0);
    this.duration.set(target, check.durationSeconds);
    const report = check.report;
    if (report) {
      for (const k of Object.keys(KIND_LABEL) as DriftKind[]) this.items.set({ ...target, kind: KIND_LABEL[k] }, report.counts[k]);
      this.steps.set(target, report.steps);
      this.outside.set(target, report.outsideMembers.length);
      this.waiting.set(target, report.waiting.length);
      this.lastSuccess.set(target, check.finishedAt);
    } else if (previousSuccess !== undefined) {
      this.lastSuccess.set(target, previousSuccess);
    }
  }

  /** The Prometheus text exposition format. */
  exposition(): Promise<string> {
    return this.registry.metrics();
  }
}

export async function renderDriftMetrics(check: DriftCheck, previousSuccess: number | undefined): Promise<string> {
  const metrics = new DriftMetrics();
  metrics.record(check, previousSuccess);
  return metrics.exposition();
}

/** The last-success time recorded in an earlier file, if any (of one target, in a fleet's file). */
export async function previousSuccessOf(path: string, target?: string): Promise<number | undefined> {
  const text = await readFile(path, 'utf8').catch(() => '');
  const label = target === undefined ? '' : `target="${target.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  const line = text.split('\n').find((l) => l.startsWith(LAST_SUCCESS) && l.includes(label));
  const value = line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : NaN;
  return Number.isFinite(value) ? value : undefined;
}

/** One textfile for a fleet: every target's series, labelled with the target's name. */
export async function writeFleetDriftMetrics(path: string, checks: readonly DriftCheck[]): Promise<void> {
  const metrics = new DriftMetrics();
  for (const check of checks) metrics.record(check, await previousSuccessOf(path, check.target));
  await writeAtomically(path, await metrics.exposition(), 0o644);
}

export async function writeDriftMetrics(path: string, check: DriftCheck): Promise<void> {
  const text = await renderDriftMetrics(check, await previousSuccessOf(path));
  await writeAtomically(path, text, 0o644);
}
