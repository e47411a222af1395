import { afterEach, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { applyLockName, isApplyLockUser } from '../../src/model/apply-lock.js';
import { connectionOptionsFromEnv } from '../../src/milvus/connection-settings.js';
import { runPlan } from '../../src/pipeline/run-plan.js';
import { apply, emulator, writePolicy } from './helpers.js';

/**
 * Two applies never interleave: each takes the server's apply lock (a user named rbac_lock_…)
 * before its first write. Through the real SDK against the emulator.
 */

const grants = (privileges: string) => `version: 1\nscope:\n  roles: { prefixes: [team_] }\nroles:\n  team_a:\n    grants:\n      - privileges: [${privileges}]\n        collections: [books, films, songs]\n  team_b:\n    grants:\n      - privileges: [${privileges}]\n        collections: [books, films, songs]\n`;
const first = writePolicy(grants('Search, Query'));
const second = writePolicy(grants('Insert, Delete, Upsert'));

let emu: RunningEmulator | undefined;
afterEach(async () => {
  await emu?.stop();
  emu = undefined;
});

const grantSet = (target: RunningEmulator) =>
  target.engine
    .snapshot()
    .roles.filter((r) => r.name.startsWith('team_'))
    .map((r) => `${r.name}:${r.grants.map((g) => g.privilege).sort().join(',')}`);

const lockUsers = (target: RunningEmulator) => target.engine.snapshot().users.map((u) => u.name).filter(isApplyLockUser);

describe('the apply lock', () => {
  it('lets one of two concurrent applies run; the other changes nothing and says who holds the lock', async () => {
    const target = await emulator({ milvusVersion: '2.5' });
    emu = target;
    target.faults.setLatency(5, 'OperatePrivilege');
    const [a, b] = await Promise.all([apply(target, { source: { policyFiles: [first] } }), apply(target, { source: { policyFiles: [second] } })]);
    const statuses = [a.result.status, b.result.status].sort();
    expect(statuses).toEqual(['applied', 'refused']);
    const [winner, loser] = a.result.status === 'applied' ? [a, b] : [b, a];
    expect(loser.result.refusals.map((r) => r.guard)).toEqual(['lock']);
    expect(loser.result.done).toEqual([]);
    expect(loser.exitCode).toBe(5);
    expect(loser.result.refusals[0]?.message).toMatch(/another rbac apply holds the lock on .*: user rbac_lock_|the live state on .* changed after this plan was made/);
    // No mixture: the state is exactly the winner's policy.
    const privileges = winner === a ? ['Query', 'Search'] : ['Delete', 'Insert', 'Upsert'];
    // Each privilege on three collections.
    const perRole = privileges.flatMap((p) => [p, p, p]).sort().join(',');
    expect(grantSet(target)).toEqual([`team_a:${perRole}`, `team_b:${perRole}`]);
    expect(lockUsers(target)).toEqual([]);
    // The refused one, run again, finishes its own job.
    const again = await apply(target, { source: { policyFiles: [loser === a ? first : second] } });
    expect(again.result.status).toBe('applied');
  });

  it('refuses while a crashed apply\'s lock is there, naming it and its age; plan neither lists nor drops it; --break-lock removes it', async () => {
    const stale = applyLockName(new Date(Date.now() - 30 * 60_000), 'abc123');
    const target = await emulator({ milvusVersion: '2.5', seed: { state: { users: [{ name: stale, roles: [] }], roles: [], privilegeGroups: [] }, passwords: { root: 'Milvus', [stale]: 'whatever-1' } } });
    emu = target;
    const dropsUsers = writePolicy(`${grants('Search')}  \nusers:\n  app: { password: { env: APP_PW } }\n`.replace('scope:\n', 'scope:\n  users: all\n'));
    const planned = await runPlan({ files: [dropsUsers], connection: connectionOptionsFromEnv({ address: target.address }, { MILVUS_TOKEN: 'root:Milvus' }), env: { APP_PW: 'app-Secret-1' } });
    expect(planned.plan?.steps.map((s) => s.id).filter((id) => id.includes('rbac_lock'))).toEqual([]);
    expect(planned.output).not.toContain('rbac_lock');

    const refused = await apply(target, { source: { policyFiles: [dropsUsers] }, env: { APP_PW: 'app-Secret-1' } });
    expect(refused.result.status).toBe('refused');
    expect(refused.result.refusals[0]?.message).toContain(`user ${stale}, taken`);
    expect(refused.result.refusals[0]?.message).toContain('(30 min ago)');
    expect(refused.result.refusals[0]?.message).toContain('--break-lock');
    expect(grantSet(target)).toEqual([]);

    const broken = await apply(target, { source: { policyFiles: [dropsUsers] }, env: { APP_PW: 'app-Secret-1' }, breakLock: true });
    expect(broken.result.status).toBe('applied');
    expect(broken.output).toContain(`Removed the apply lock ${stale} (--break-lock).`);
    expect(lockUsers(target)).toEqual([]);
  });

  it('waits with a lock timeout for the holder to finish', async () => {
    const held = applyLockName(new Date(), 'def456');
    const target = await emulator({ milvusVersion: '2.5', seed: { state: { users: [{ name: held, roles: [] }], roles: [], privilegeGroups: [] }, passwords: { root: 'Milvus', [held]: 'whatever-1' } } });
    emu = target;
    setTimeout(() => target.engine.deleteUser(held), 1_200);
    const waited = await apply(target, { source: { policyFiles: [first] }, lockTimeoutMs: 10_000 });
    expect(waited.result.status).toBe('applied');
    expect(lockUsers(target)).toEqual([]);
  });

  it('takes no lock with noLock, and none when there is nothing to do', async () => {
    const target = await emulator({ milvusVersion: '2.5' });
    emu = target;
    await apply(target, { source: { policyFiles: [first] }, noLock: true });
    expect(target.faults.callCount('CreateCredential')).toBe(0);
    await apply(target, { source: { policyFiles: [first] } });
    expect(target.faults.callCount('CreateCredential')).toBe(0);
  });

  it('says how to go on when the operator may not create users', async () => {
    const target = await emulator({
      milvusVersion: '2.5',
      seed: {
        state: {
          users: [{ name: 'granter', roles: ['granting'] }],
          // Everything an apply of grants needs, but not CreateOwnership (which CreateCredential needs).
          roles: [
            { name: 'granting', grants: ['SelectOwnership', 'ManageOwnership', 'ListPrivilegeGroups', 'ListDatabases'].map((privilege) => ({ objectType: 'Global', objectName: '*', dbName: '*', privilege })) },
            { name: 'team_a', grants: [] },
            { name: 'team_b', grants: [] },
          ],
          privilegeGroups: [],
        },
        passwords: { root: 'Milvus', granter: 'granter-Secret-1' },
      },
    });
    emu = target;
    const refused = await apply(target, { source: { policyFiles: [first] }, token: 'granter:granter-Secret-1', allowSelfLockout: true });
    expect(refused.result.error ?? '').toBe('');
    expect(refused.result.status).toBe('refused');
    expect(refused.result.refusals[0]?.message).toMatch(/cannot take the apply lock .*--no-lock/);
  });
});
