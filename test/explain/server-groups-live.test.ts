import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { register as registerExplain } from '../../src/cli/commands/explain.js';
import { register as registerWhoCan } from '../../src/cli/commands/who-can.js';
import { startEmulator } from '../../src/emulator/index.js';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { explainUser, sourceFromLive, whoCanFor } from '../../src/explain/index.js';
import { connect } from '../../src/milvus/connection.js';
import { connectionOptionsFromEnv } from '../../src/milvus/connection-settings.js';
import { readBuiltinGroups } from '../../src/milvus/read-builtin-groups.js';
import { catalogueAt } from '../../src/model/catalogue-at-version.js';
import type { RbacState } from '../../src/model/types.js';
import type { MilvusVersion } from '../../src/model/versions.js';
import { runCommand } from './run-command.js';

/** The server's built-in groups read over the real SDK from the emulator, and what explain makes of them. */

const TOKEN_ENV = 'SERVER_GROUPS_TEST_TOKEN';
const SEED: RbacState = {
  users: [{ name: 'watcher', roles: ['cluster_ro'] }],
  roles: [{ name: 'cluster_ro', grants: [{ objectType: 'Global', objectName: '*', dbName: '*', privilege: 'ClusterReadOnly' }] }],
  privilegeGroups: [{ name: 'team_readers', privileges: ['Query', 'Search'] }],
};

const catalogueLists = (version: MilvusVersion): Map<string, readonly string[]> =>
  new Map(catalogueAt(version).builtinGroups.map((g) => [g.name, g.privileges]));

async function withGroups<T>(emulator: RunningEmulator, read: (groups: Awaited<ReturnType<typeof readBuiltinGroups>>) => T): Promise<T> {
  const conn = await connect(connectionOptionsFromEnv({ address: emulator.address, tokenEnv: TOKEN_ENV }));
  try {
    return read(await readBuiltinGroups(conn));
  } finally {
    await conn.close();
  }
}

beforeAll(() => {
  process.env[TOKEN_ENV] = 'root:Milvus';
});
afterAll(() => {
  delete process.env[TOKEN_ENV];
});

describe('readBuiltinGroups over the real SDK', () => {
  it('lists the built-in groups of a 2.6.16 server with one call, custom groups left out', async () => {
    const emulator = await startEmulator({ port: 0, milvusVersion: '2.6.16', seed: { state: SEED } });
    try {
      const before = emulator.faults.callCount('ListPrivilegeGroups');
      const groups = await withGroups(emulator, (g) => g);
      expect(emulator.faults.callCount('ListPrivilegeGroups') - before).toBe(1);
      expect(groups?.get('ClusterReadOnly')).toContain('GetReplicateConfiguration');
      expect(groups?.has('team_readers')).toBe(false);
      expect(new Map(groups)).toEqual(catalogueLists(emulator.engine.version));
      expect([...(groups?.keys() ?? [])]).toEqual(expect.arrayContaining(['CollectionReadOnly', 'ClusterAdmin', 'ReadOnly', 'ReadWrite', 'Admin']));
    } finally {
      await emulator.stop();
    }
  });

  it('is undefined on 2.3, which has no privilege groups, and asks nothing', async () => {
    const emulator = await startEmulator({ port: 0, milvusVersion: '2.3' });
    try {
      expect(await withGroups(emulator, (g) => g)).toBeUndefined();
      expect(emulator.faults.callCount('ListPrivilegeGroups')).toBe(0);
    } finally {
      await emulator.stop();
    }
  });

  it('removes the stored prefixes and keeps names it does not know', async () => {
    const emulator = await startEmulator({ port: 0, milvusVersion: '2.6', seed: { state: SEED } });
    try {
      vi.spyOn(emulator.engine, 'listPrivilegeGroups').mockReturnValue([
        { name: 'PrivilegeGroupClusterReadOnly', privileges: ['PrivilegeSelectUser', 'ListDatabases', 'FutureClusterPeek'], builtin: true },
        { name: 'team_readers', privileges: ['PrivilegeSearch'], builtin: false },
      ]);
      const groups = await withGroups(emulator, (g) => g);
      expect(groups && Object.fromEntries(groups)).toEqual({ ClusterReadOnly: ['SelectUser', 'ListDatabases', 'FutureClusterPeek'] });
    } finally {
      vi.restoreAllMocks();
      await emulator.stop();
    }
  });
});

describe('explain / who-can --live with the server built-in groups', () => {
  let emulator: RunningEmulator;
  const live = (): string[] => ['--live', '--address', emulator.address, '--token-env', TOKEN_ENV];
  const flags = (): { address: string; tokenEnv: string } => ({ address: emulator.address, tokenEnv: TOKEN_ENV });

  beforeAll(async () => {
    emulator = await startEmulator({ port: 0, milvusVersion: '2.6', seed: { state: SEED } });
  });
  afterEach(() => {
    vi.restoreAllMocks();
    emulator.faults.clear();
  });
  afterAll(async () => {
    await emulator.stop();
  });

  it('prints no note when the server lists what the catalogue has', async () => {
    const source = await sourceFromLive(flags());
    expect(source.builtinGroups?.get('ClusterReadOnly')).toEqual(catalogueAt(source.version).builtinGroup('ClusterReadOnly')?.privileges);
    expect(source.notes).toBeUndefined();
    const text = await runCommand([registerExplain], ['explain', 'user', 'watcher', ...live()]);
    expect(text.exitCode).toBe(0);
    expect(text.stdout).toMatch(/^ {4}ListDatabases {2}<- role cluster_ro/m);
    expect(text.stdout).not.toContain('Note:');
    const json = await runCommand([registerExplain], ['explain', 'user', 'watcher', ...live(), '--format', 'json']);
    expect(JSON.parse(json.stdout)).not.toHaveProperty('notes');
    const who = await runCommand([registerWhoCan], ['who-can', 'ListDatabases', ...live(), '--format', 'json']);
    expect(JSON.parse(who.stdout)).not.toHaveProperty('notes');
  });

  it('follows a server whose ClusterReadOnly lacks ListDatabases, and says so', async () => {
    const version = emulator.engine.version;
    vi.spyOn(emulator.engine, 'listPrivilegeGroups').mockReturnValue(
      catalogueAt(version).builtinGroups.map((g) => ({
        name: g.name,
        privileges: g.name === 'ClusterReadOnly' ? g.privileges.filter((p) => p !== 'ListDatabases') : [...g.privileges],
        builtin: true,
      })),
    );
    const run = await runCommand([registerExplain], ['explain', 'user', 'watcher', ...live()]);
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(
      /^Note: on this server ClusterReadOnly lacks ListDatabases \(milvus\.yaml common\.security\.rbac\.cluster\.readonly\.privileges overrides it, or the release is one the tool does not know\); effective access uses the server's lists$/m,
    );
    expect(run.stdout).not.toMatch(/^ {4}ListDatabases /m);
    expect(run.stdout).toMatch(/^ {4}SelectUser {2}<- role cluster_ro/m);
    const json = await runCommand([registerExplain], ['explain', 'user', 'watcher', ...live(), '--format', 'json']);
    expect((JSON.parse(json.stdout) as { builtinGroupDifferences: unknown }).builtinGroupDifferences).toEqual([
      { group: 'ClusterReadOnly', added: [], missing: ['ListDatabases'] },
    ]);
    const source = await sourceFromLive(flags());
    const answer = whoCanFor(source, { privilege: 'ListDatabases' });
    expect(answer.roles.map((r) => r.role)).not.toContain('cluster_ro');
    expect(answer.notes).toHaveLength(1);
  });

  it('falls back to the catalogue, with a note, when the server refuses to list the groups', async () => {
    emulator.faults.failMatching('ListPrivilegeGroups', { grpcCode: 7, message: 'PrivilegeListPrivilegeGroups: permission deny to watcher' });
    const source = await sourceFromLive(flags());
    expect(source.builtinGroups).toBeUndefined();
    expect(source.notes).toEqual([
      expect.stringMatching(/^Note: could not list the server's built-in privilege groups \(.*permission deny.*\); effective access uses the tool's lists for Milvus 2\.6\.\d+$/),
    ]);
    const access = explainUser(source, 'watcher');
    expect(access.entries.map((e) => e.privilege)).toContain('ListDatabases');
    expect(access.notes).toEqual(source.notes);
  });
});
