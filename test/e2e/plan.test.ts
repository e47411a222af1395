import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RbacObjects } from '@zilliz/milvus2-sdk-node';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RbacState } from '../../src/model/types.js';
import { readPlanFile } from '../../src/plan/plan-file.js';
import type { VersionProfile } from '../../src/model/versions.js';
import { ids, ok, PASSWORD_ENV, startPlanFixture } from './plan-helpers.js';
import type { PlanFixture } from './plan-helpers.js';

/**
 * `rbac plan` end to end: the real SDK against the emulator on every version profile. The
 * instance is brought to the policy by applying the plan through the client layer, then changed
 * by hand with raw SDK calls (the drift), and the next plan must be exactly the repair.
 */

const BASE_POLICY = `version: 1
scope:
  roles: { prefixes: [app_] }
  users: { prefixes: [svc_] }
roles:
  app_reader:
    grants:
      - object: Collection
        objectNames: [books]
        privileges: [Search, Query, Load]
  app_writer:
    grants:
      - object: Collection
        objectNames: [books]
        privileges: [Insert, Delete, Flush]
      - object: Collection
        objectName: books
        database: db1
        privileges: [Search]
      - object: Global
        privileges: [ShowCollections]
users:
  svc_api:
    roles: [app_reader]
    password: { env: SVC_API_PW }
  svc_etl:
    roles: [app_reader, app_writer]
    password: { env: SVC_ETL_PW }
`;

/** Milvus 2.5 features: a custom group granted at collection level, a built-in group at cluster level. */
const GROUPS_POLICY = `${BASE_POLICY.replace('roles:\n', `privilegeGroups:
  app_vectors:
    privileges: [Search, Query]
roles:
  app_ops:
    grants:
      - privileges: [app_vectors]
        database: default
        collections: [books]
      - privileges: [ClusterReadOnly]
        level: cluster
`)}`;

const BASE_STEPS = [
  'createRole:app_reader',
  'createRole:app_writer',
  'grant:app_reader:default:Collection:books:Load',
  'grant:app_reader:default:Collection:books:Query',
  'grant:app_reader:default:Collection:books:Search',
  'grant:app_writer:db1:Collection:books:Search',
  'grant:app_writer:default:Collection:books:Delete',
  'grant:app_writer:default:Collection:books:Flush',
  'grant:app_writer:default:Collection:books:Insert',
  'grant:app_writer:default:Global:*:ShowCollections',
  'createUser:svc_api',
  'createUser:svc_etl',
  'bindRole:svc_api:app_reader',
  'bindRole:svc_etl:app_reader',
  'bindRole:svc_etl:app_writer',
];
const GROUP_STEPS = [
  'createPrivilegeGroup:app_vectors',
  'addPrivilegesToGroup:app_vectors',
  'createRole:app_ops',
  'grant:app_ops:default:Global:books:app_vectors',
  'grant:app_ops:*:Global:*:ClusterReadOnly',
];

const PROFILES: readonly { profile: VersionProfile; groups: boolean }[] = [
  { profile: '2.3', groups: false },
  { profile: '2.4', groups: false },
  { profile: '2.5', groups: true },
  { profile: '2.6', groups: true },
];

const collection = (objectName: string, privilegeName: string) => ({ object: RbacObjects.Collection, objectName, privilegeName });

describe.each(PROFILES)('rbac plan on Milvus $profile', ({ profile, groups }) => {
  let f: PlanFixture;
  let policy: string;
  /** Set while the drift tests run: each starts from a copy of the converged state. */
  let converged: RbacState | undefined;
  beforeEach(async () => {
    f = await startPlanFixture(profile, converged);
    policy = await f.policy(groups ? GROUPS_POLICY : BASE_POLICY);
  });
  afterEach(async () => {
    await f.close();
  });

  /** Brings the instance to the policy through the real client layer. */
  async function converge(): Promise<void> {
    const first = await f.plan([policy]);
    expect(first.errors).toBe('');
    if (!first.plan) throw new Error(first.errors);
    await f.apply(first.plan);
  }

  it('plans every object on an empty instance, in the safe order, without a password', async () => {
    const out = join(f.dir, 'plan.json');
    const result = await f.plan([policy], { detailedExitcode: true, out });
    expect(result.errors).toBe('');
    expect(result.exitCode).toBe(2);
    expect(ids(result.plan)).toEqual([...BASE_STEPS, ...(groups ? GROUP_STEPS : [])].sort());
    const phases = result.plan?.steps.map((s) => s.phase) ?? [];
    expect(phases).toEqual([...phases].sort((a, b) => a - b));
    expect(result.output).toContain(`Plan: ${groups ? 6 : 4} to add, 0 to change, 0 to destroy.`);
    const saved = await readFile(out, 'utf8');
    for (const secret of Object.values(PASSWORD_ENV)) {
      expect(result.output).not.toContain(secret);
      expect(saved).not.toContain(secret);
    }
    const reread = await readPlanFile(out);
    expect(reread.steps).toEqual(result.plan?.steps);
    expect(reread.target.milvusVersion).toBe(f.emulator.version);
  });

  it('says "No changes." and exits 0 once the instance matches, even with --detailed-exitcode', async () => {
    await converge();
    const result = await f.plan([policy], { detailedExitcode: true });
    expect(result.plan?.steps).toEqual([]);
    expect(result.exitCode).toBe(0);
    expect(result.output).toContain('No changes. Milvus matches the policy.');
  });

  it('exits 0 with changes when --detailed-exitcode is not given', async () => {
    const result = await f.plan([policy]);
    expect(ids(result.plan)).toEqual([...BASE_STEPS, ...(groups ? GROUP_STEPS : [])].sort());
    expect(result.exitCode).toBe(0);
  });

  describe('after drift made by hand', () => {
    // Converged once through the real client layer; each drift then starts from a copy of that state.
    beforeAll(async () => {
      const first = await startPlanFixture(profile);
      try {
        const file = await first.policy(groups ? GROUPS_POLICY : BASE_POLICY);
        const planned = await first.plan([file]);
        if (!planned.plan) throw new Error(planned.errors);
        await first.apply(planned.plan);
        converged = first.emulator.engine.snapshot();
      } finally {
        await first.close();
      }
    });
    afterAll(() => {
      converged = undefined;
    });

    const drift = async (change: () => Promise<void>): Promise<string[]> => {
      await change();
      const result = await f.plan([policy]);
      expect(result.errors).toBe('');
      return ids(result.plan);
    };

    it('revokes an extra grant on a managed role', async () => {
      expect(await drift(async () => ok(await f.raw.grantPrivilege({ roleName: 'app_reader', ...collection('books', 'Insert') })))).toEqual([
        'revoke:app_reader:default:Collection:books:Insert',
      ]);
    });

    it('grants back a revoked grant, in the right database', async () => {
      expect(await drift(async () => ok(await f.rawFor('db1').revokePrivilege({ roleName: 'app_writer', ...collection('books', 'Search') })))).toEqual([
        'grant:app_writer:db1:Collection:books:Search',
      ]);
    });

    it('binds a user again when its binding was removed', async () => {
      expect(await drift(async () => ok(await f.raw.removeUserFromRole({ username: 'svc_etl', roleName: 'app_writer' })))).toEqual([
        'bindRole:svc_etl:app_writer',
      ]);
    });

    it('unbinds a user from a managed role the policy does not give it', async () => {
      expect(await drift(async () => ok(await f.raw.addUserToRole({ username: 'svc_api', roleName: 'app_writer' })))).toEqual([
        'unbindRole:svc_api:app_writer',
      ]);
    });

    it('recreates a removed user with its bindings', async () => {
      expect(await drift(async () => ok(await f.raw.deleteUser({ username: 'svc_api' })))).toEqual(['bindRole:svc_api:app_reader', 'createUser:svc_api']);
    });

    it('drops a user created by hand inside the scope', async () => {
      expect(await drift(async () => ok(await f.raw.createUser({ username: 'svc_manual', password: 'manual-pw-1' })))).toEqual(['dropUser:svc_manual']);
    });

    it('leaves a role created by hand outside the scope alone and lists it', async () => {
      await f.raw.createRole({ roleName: 'team_manual' }).then(ok);
      await f.raw.grantPrivilege({ roleName: 'team_manual', ...collection('books', 'Query') }).then(ok);
      await f.raw.createUser({ username: 'bob', password: 'bob-pw-123' }).then(ok);
      await f.raw.addUserToRole({ username: 'bob', roleName: 'team_manual' }).then(ok);
      const result = await f.plan([policy], { detailedExitcode: true });
      expect(result.plan?.steps).toEqual([]);
      expect(result.exitCode).toBe(0);
      expect(result.plan?.unmanaged).toEqual({ users: ['bob'], roles: ['team_manual'], privilegeGroups: [] });
      expect(result.output).toMatch(/roles: team_manual/);
    });

    it('drops a role created by hand inside the scope, revoking its grants first', async () => {
      const steps = await drift(async () => {
        ok(await f.raw.createRole({ roleName: 'app_manual' }));
        ok(await f.raw.grantPrivilege({ roleName: 'app_manual', ...collection('books', 'Query') }));
      });
      expect(steps).toEqual(['dropRole:app_manual', 'revoke:app_manual:default:Collection:books:Query']);
    });

    it('unbinds an unmanaged user bound by hand to a role the policy defines (the role owns its members)', async () => {
      expect(
        await drift(async () => {
          ok(await f.raw.createUser({ username: 'carol', password: 'carol-pw-1' }));
          ok(await f.raw.addUserToRole({ username: 'carol', roleName: 'app_reader' }));
        }),
      ).toEqual(['unbindRole:carol:app_reader']);
    });

    it('recreates a role dropped by hand, with its grants and bindings', async () => {
      const steps = await drift(async () => {
        for (const p of ['Search', 'Query', 'Load', 'GetLoadState', 'GetLoadingProgress']) {
          ok(await f.raw.revokePrivilege({ roleName: 'app_reader', ...collection('books', p) }));
        }
        ok(await f.raw.dropRole({ roleName: 'app_reader' }));
      });
      expect(steps).toEqual([
        'bindRole:svc_api:app_reader',
        'bindRole:svc_etl:app_reader',
        'createRole:app_reader',
        'grant:app_reader:default:Collection:books:Load',
        'grant:app_reader:default:Collection:books:Query',
        'grant:app_reader:default:Collection:books:Search',
      ]);
    });

    it('sees no false drift in related privileges, * object names of Global grants or the grantor', async () => {
      expect(
        await drift(async () => {
          // Another operator re-grants what is there: same tuples, different grantor on the wire.
          ok(await f.raw.createUser({ username: 'svc_ops', password: 'ops-pw-123' }));
          ok(await f.raw.grantPrivilege({ roleName: 'app_writer', object: RbacObjects.Global, objectName: 'anything', privilegeName: 'ShowCollections' }));
          ok(await f.raw.grantPrivilege({ roleName: 'app_reader', ...collection('books', 'Load') }));
          ok(await f.raw.deleteUser({ username: 'svc_ops' }));
        }),
      ).toEqual([]);
    });

    it('revokes a Load granted by hand together with what Milvus added beside it, in one step', async () => {
      expect(await drift(async () => ok(await f.raw.grantPrivilege({ roleName: 'app_writer', ...collection('books', 'Load') })))).toEqual([
        'revoke:app_writer:default:Collection:books:Load',
      ]);
      const after = await f.plan([policy]);
      if (!after.plan) throw new Error(after.errors);
      await f.apply(after.plan);
    });

    if (groups) {
      it('removes a privilege added by hand to a managed group', async () => {
        expect(await drift(async () => ok(await f.raw.addPrivilegesToGroup({ group_name: 'app_vectors', privileges: ['Insert'] })))).toEqual([
          'removePrivilegesFromGroup:app_vectors',
        ]);
      });

      it('adds back a privilege removed by hand from a managed group', async () => {
        expect(await drift(async () => ok(await f.raw.removePrivilegesFromGroup({ group_name: 'app_vectors', privileges: ['Query'] })))).toEqual([
          'addPrivilegesToGroup:app_vectors',
        ]);
      });

      it('revokes a built-in group granted by hand at cluster level', async () => {
        expect(await drift(async () => ok(await f.raw.grantPrivilegeV2({ role: 'app_reader', privilege: 'ClusterReadWrite', db_name: '*', collection_name: '*' })))).toEqual([
          'revoke:app_reader:*:Global:*:ClusterReadWrite',
        ]);
      });

      it('leaves a group created by hand outside the scope alone and lists it', async () => {
        await f.raw.createPrivilegeGroup({ group_name: 'manual_group' }).then(ok);
        const result = await f.plan([policy]);
        expect(result.plan?.steps).toEqual([]);
        expect(result.plan?.unmanaged.privilegeGroups).toEqual(['manual_group']);
      });
    }
  });

  if (!groups) {
    it('refuses, with a clear error and no plan, a policy that needs privilege groups', async () => {
      const newer = await f.policy(GROUPS_POLICY);
      const result = await f.plan([newer], { detailedExitcode: true });
      expect(result.exitCode).toBe(1);
      expect(result.plan).toBeUndefined();
      expect(result.output).toBe('');
      expect(result.errors).toMatch(/2\.4\.18|privilege group/i);
      expect(result.errors).toContain(f.emulator.version);
    });
  }
});

describe('rbac plan output and failures', () => {
  let f: PlanFixture;
  beforeEach(async () => {
    f = await startPlanFixture('2.5');
  });
  afterEach(async () => {
    await f.close();
  });

  it('renders json and markdown from the same plan', async () => {
    const policy = await f.policy(BASE_POLICY);
    const json = await f.plan([policy], { format: 'json' });
    const parsed = JSON.parse(json.output) as { summary: { add: number; steps: number }; steps: unknown[] };
    expect(parsed.summary).toEqual({ add: 4, change: 0, destroy: 0, steps: BASE_STEPS.length });
    expect(parsed.steps).toHaveLength(BASE_STEPS.length);
    const markdown = await f.plan([policy], { format: 'markdown' });
    expect(markdown.output).toMatch(/^### rbac plan: Plan: 4 to add, 0 to change, 0 to destroy\./);
    expect(markdown.output).toContain('```diff\n+ role "app_reader"');
  });

  it('exits 1 with the loader\'s diagnostics for an invalid policy', async () => {
    const policy = await f.policy('version: 1\nroles:\n  app_x:\n    grants:\n      - object: Collection\n        objectName: books\n        privileges: [Serch]\n');
    const result = await f.plan([policy], { detailedExitcode: true });
    expect(result.exitCode).toBe(1);
    expect(result.errors).toMatch(/Serch/);
    expect(result.errors).toMatch(/the policy is invalid/);
  });

  it('exits 1 with a clear message when Milvus cannot be reached', async () => {
    const policy = await f.policy(BASE_POLICY);
    await f.emulator.stop();
    const result = await f.plan([policy], { connection: { ...(await import('../../src/milvus/connection-settings.js')).connectionOptionsFromEnv({ address: f.emulator.address, timeoutMs: 1500 }, { MILVUS_TOKEN: 'root:Milvus' }) } });
    expect(result.exitCode).toBe(3);
    expect(result.errors).toMatch(/cannot reach Milvus|Milvus at/);
    expect(result.errors).not.toContain('root:Milvus');
  });

  it('refuses a plan that would pass the server\'s role limit before anything is applied', async () => {
    const roles = Array.from({ length: 9 }, (_, i) => `  app_r${i}: {}\n`).join('');
    const policy = await f.policy(`version: 1\nroles:\n${roles}`);
    const result = await f.plan([policy], { detailedExitcode: true });
    expect(result.exitCode).toBe(1);
    expect(result.errors).toMatch(/limit of 10 \(proxy\.maxRoleNum\)/);
    const raised = await f.plan([policy], { limits: { maxUsers: 100, maxRoles: 20 } });
    expect(raised.errors).not.toMatch(/Error/);
    expect(raised.plan?.steps).toHaveLength(9);
  });

  it('grants again, after the revoke of Load, a GetLoadState the policy keeps, and converges', async () => {
    await f.raw.createRole({ roleName: 'monitor' }).then(ok);
    await f.raw.grantPrivilege({ roleName: 'monitor', ...collection('books', 'Load') }).then(ok);
    const policy = await f.policy('version: 1\nroles:\n  monitor:\n    grants:\n      - object: Collection\n        objectName: books\n        privileges: [GetLoadState]\n');
    const first = await f.plan([policy]);
    if (!first.plan) throw new Error(first.errors);
    expect(first.plan.steps.map((s) => `${s.phase} ${s.id}`)).toEqual([
      '11 revoke:monitor:default:Collection:books:Load',
      '12 grant:monitor:default:Collection:books:GetLoadState',
    ]);
    await f.apply(first.plan);
    expect((await f.plan([policy])).plan?.steps).toEqual([]);
  });
});
