import { writeAtomically } from '../write-atomically.js';
import { describeGrant } from '../report/plan-changes.js';
import { failureOf, failureResult } from '../pipeline/failure.js';
import { parseMilvusVersion } from '../model/versions.js';
import { runUsage } from './run.js';
import type { UsageOptions, UsageResult } from './run.js';
import { suggestPolicy } from './suggest.js';

/** `rbac suggest`: the usage report, then the least-privilege policy it implies and what it leaves out. */

export interface SuggestRunOptions extends UsageOptions {
  readonly out?: string;
  readonly rolePrefix?: string;
  readonly includeDenied?: boolean;
}

export async function runSuggest(options: SuggestRunOptions): Promise<UsageResult> {
  const usage = await runUsage({ ...options, format: 'json' });
  const report = usage.report;
  if (!report) return { ...usage, ...(usage.exitCode !== 0 && usage.output ? { errors: `${usage.errors}${usage.output}`, output: '' } : {}) };
  // Only a version the run knows is written: a guess would fail the policy on older servers.
  const version = (options.milvusVersion ? parseMilvusVersion(options.milvusVersion) : null) ?? versionOfSource(report.source);
  const suggestion = suggestPolicy(report, { ...(version ? { version } : {}), ...(options.rolePrefix ? { rolePrefix: options.rolePrefix } : {}), ...(options.includeDenied ? { includeDenied: true } : {}) });
  const unused = suggestion.unused.map((u) => `  ${u.role}: ${describeGrant(u.grant)}\n`).join('');
  const summary = `Suggested ${suggestion.roles} role${suggestion.roles === 1 ? '' : 's'} with ${suggestion.grants} grant${suggestion.grants === 1 ? '' : 's'}.${suggestion.unused.length > 0 ? ` ${suggestion.unused.length} grant${suggestion.unused.length === 1 ? ' was' : 's were'} never used in this window:\n${unused}` : '\n'}`;
  if (options.out) {
    try {
      await writeAtomically(options.out, suggestion.policy, 0o644);
    } catch (error) {
      return failureResult(failureOf(error, ''), 'text');
    }
    return { exitCode: 0, output: '', errors: `${usage.errors}${summary}Wrote ${options.out}: review it, then rbac plan -f ${options.out}\n`, report };
  }
  return { exitCode: 0, output: suggestion.policy, errors: `${usage.errors}${summary}`, report };
}

/** "… (Milvus v2.3.5-lite)" in a live source: the server's version. */
function versionOfSource(source: string): ReturnType<typeof parseMilvusVersion> {
  const m = /\(Milvus (v?[\d.]+)/.exec(source);
  return m?.[1] ? parseMilvusVersion(m[1]) : null;
}
