import { describe, expect, it } from 'vitest';
import { runDoctor } from '../../src/doctor/run.js';
import { connectionOptionsFromEnv } from '../../src/milvus/connection-settings.js';
import { useTarget } from './target.js';

/**
 * `rbac doctor` against the conformance target: the emulator, or the real Milvus when
 * MILVUS_ADDRESS is set (2.3.5 here). What it reports must match the version's features, and
 * its write probe must leave the server as it found it.
 */

const target = useTarget();

describe('rbac doctor', () => {
  it("reports what the server answers, as the version's features say, and leaves nothing behind", async () => {
    const t = target();
    const connection = connectionOptionsFromEnv({ address: t.address }, { MILVUS_TOKEN: t.rootToken });
    const result = await runDoctor({ connection, format: 'json', writeProbe: true });
    expect(result.exitCode).toBe(0);
    const report = result.report;
    if (!report) throw new Error(result.errors);
    const answer = (name: string): string | undefined => report.probes.find((p) => p.name === name)?.answer;
    expect(report.server.reported).toBe(t.versionString);
    expect(answer('list users')).toBe('supported');
    expect(answer('grant a single privilege by object (v1)')).toBe('supported');
    expect(answer('grant a built-in privilege group (v2)')).toBe(t.features.grantV2 ? 'supported' : 'unsupported');
    expect(answer('create a custom privilege group')).toBe(t.features.privilegeGroups ? 'supported' : 'unsupported');
    expect(answer('read all of RBAC in one call')).toBe(t.features.backupRbac ? 'supported' : 'unsupported');
    expect(report.leftBehind).toEqual([]);
    const { major, minor, patch } = t.version;
    expect(report.targetSettings).toContain(`minVersion: "${patch === 0 ? `${major}.${minor}` : `${major}.${minor}.${patch}`}"`);
    const client = await t.client();
    const roles = await client.listRoles();
    expect((roles.results ?? []).map((r) => r.role?.name).filter((n) => n?.startsWith('rbac_doctor_'))).toEqual([]);
  });
});
