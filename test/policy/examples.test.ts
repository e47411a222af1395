import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { lintPolicy } from '../../src/lint/index.js';
import { loadPolicy } from '../../src/policy/index.js';
import { EXAMPLES_DIR, POLICY_EXAMPLES } from './example-policies.js';

const examplesDir = EXAMPLES_DIR;
const examples = [...POLICY_EXAMPLES];

describe('examples/', () => {
  it('has the five policies the documentation promises, and a split one', () => {
    expect(examples.sort()).toEqual(['milvus-3.0.yaml', 'multi-tenant.yaml', 'presets.yaml', 'privilege-groups.yaml', 'production-locked-down.yaml', 'small-team.yaml', 'split', 'zilliz-cloud.yaml']);
  });

  it.each(examples)('%s validates without errors or warnings', async (name) => {
    const result = await loadPolicy([`${examplesDir}${name}`]);
    expect(result.diagnostics).toEqual([]);
    expect(result.ok).toBe(true);
  });

  it.each(examples)('%s passes rbac lint, but for the finding its comments accept', async (name) => {
    const result = await loadPolicy([`${examplesDir}${name}`]);
    if (!result.ok) throw new Error(`${name} must load`);
    const findings = lintPolicy(result.desired).map((f) => `${f.code} ${f.subject.name}`);
    // split/20-ingest-team.yaml explains in a comment why COLL_RW on two collections is accepted.
    // zilliz-cloud.yaml accepts the same finding inline: on Zilliz Cloud groups are all there is to grant.
    const accepted: Record<string, string[]> = {
      split: ['wider-than-written docs_ingest', 'wider-than-written docs_ingest'],
      // presets.yaml accepts inline that its roles have no users: they are for copying.
      'presets.yaml': ['role-without-users dashboard', 'role-without-users database_owner', 'role-without-users ingest_job', 'role-without-users search_app'],
      'zilliz-cloud.yaml': ['wider-than-written ingest_job', 'wider-than-written ingest_job', 'wider-than-written search_api', 'wider-than-written search_api'],
    };
    expect(findings.sort()).toEqual(accepted[name] ?? []);
  });

  it('multi-tenant.yaml needs more roles than Milvus allows by default, and says so', async () => {
    const result = await loadPolicy([`${examplesDir}multi-tenant.yaml`]);
    if (!result.ok) throw new Error('multi-tenant.yaml must load');
    // 12 roles + admin + public > proxy.maxRoleNum's default of 10.
    expect(result.desired.state.roles.length + 2).toBeGreaterThan(10);
    const text = readFileSync(`${examplesDir}multi-tenant.yaml`, 'utf8');
    expect(text).toContain('proxy.maxRoleNum');
    expect(text).toMatch(/^\s+maxRoles: \d+$/m);
  });
});
