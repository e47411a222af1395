import { randomBytes } from 'node:crypto';
import { MilvusClient } from '@zilliz/milvus2-sdk-node';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { startEmulator } from '../../src/emulator/index.js';
import type { EmulatorOptions, RunningEmulator } from '../../src/emulator/index.js';
import { featuresOf, parseMilvusVersion, profileOf } from '../../src/model/versions.js';
import type { FeatureSet, MilvusVersion, VersionProfile } from '../../src/model/versions.js';

/**
 * Where the conformance suite runs: an emulator on a random loopback port (default), or a real
 * Milvus when MILVUS_ADDRESS is set (MILVUS_TOKEN = "user:password", default root:Milvus).
 * RBAC_EMULATOR_VERSION (default 2.5) picks the emulator's version for tests that do not ask for
 * one. Every test names things with the target's unique prefix, and `cleanup` removes everything
 * with that prefix, so a real server is left as it was found.
 */

export interface Target {
  readonly kind: 'emulator' | 'real';
  readonly address: string;
  readonly version: MilvusVersion;
  readonly versionString: string;
  readonly profile: VersionProfile;
  readonly features: FeatureSet;
  /** Present on the emulator only (faults, engine). */
  readonly emulator: RunningEmulator | undefined;
  /** How root logs in here (`user:password`), for connections the tool makes itself. */
  readonly rootToken: string;
  /** A unique, valid name: prefix + suffix (≤ 32 bytes for user names). */
  name(suffix: string): string;
  /** A client as root, or as the given user; retries off so each call is one RPC. */
  client(login?: { user: string; password: string; database?: string }): Promise<MilvusClient>;
  /** A client whose login may fail: its background Connect error is swallowed. */
  looseClient(login: { user?: string; password?: string; database?: string }): MilvusClient;
  /** Databases the tests created, dropped at cleanup. */
  track(kind: 'database', name: string): void;
  cleanup(): Promise<void>;
  close(): Promise<void>;
}

export const REAL_ADDRESS = process.env.MILVUS_ADDRESS;
const REAL_TOKEN = process.env.MILVUS_TOKEN ?? 'root:Milvus';
export const ON_REAL = REAL_ADDRESS !== undefined && REAL_ADDRESS !== '';

/** A tag for test names: where a behaviour comes from. */
export function source(text: string): string {
  return `[${text}]`;
}

export async function openTarget(options: EmulatorOptions = {}): Promise<Target> {
  let emulator: RunningEmulator | undefined;
  let address: string;
  let rootToken: string;
  if (ON_REAL) {
    address = REAL_ADDRESS as string;
    rootToken = REAL_TOKEN;
  } else {
    // RBAC_EMULATOR_VERSION plays the whole suite as another version (e.g. 2.3, to compare with a real 2.3).
    emulator = await startEmulator({ milvusVersion: process.env.RBAC_EMULATOR_VERSION ?? '2.5', ...options });
    address = emulator.address;
    rootToken = 'root:Milvus';
  }
  const clients: MilvusClient[] = [];
  const databases = new Set<string>();
  const prefix = `cf${randomBytes(3).toString('hex')}_`;

  const make = (config: { token?: string; username?: string; password?: string; database?: string }): MilvusClient => {
    const client = new MilvusClient({ channelOptions: { 'grpc.use_local_subchannel_pool': 1 }, address, maxRetries: 0, timeout: 15_000, logLevel: 'error', ...config });
    clients.push(client);
    return client;
  };
  const root = make({ token: rootToken });
  await root.connectPromise;
  const versionString = (await root.getVersion()).version;
  const version = parseMilvusVersion(versionString);
  if (!version) throw new Error(`target reports an unparseable version ${versionString}`);

  const target: Target = {
    kind: ON_REAL ? 'real' : 'emulator',
    address,
    version,
    versionString,
    profile: profileOf(version),
    features: featuresOf(version),
    emulator,
    rootToken,
    name: (suffix) => `${prefix}${suffix}`,
    async client(login) {
      if (!login) return root;
      const client = make({ username: login.user, password: login.password, ...(login.database ? { database: login.database } : {}) });
      await client.connectPromise;
      return client;
    },
    looseClient(login) {
      const client = make({
        ...(login.user !== undefined ? { username: login.user } : {}),
        ...(login.password !== undefined ? { password: login.password } : {}),
        ...(login.database ? { database: login.database } : {}),
      });
      client.connectPromise?.catch(() => undefined);
      return client;
    },
    track(_kind, name) {
      databases.add(name);
    },
    async cleanup() {
      await removeEverythingWithPrefix(root, prefix, [...databases], target.features);
    },
    async close() {
      await target.cleanup().catch(() => undefined);
      for (const c of clients) await c.closeConnection().catch(() => undefined);
      await emulator?.stop();
    },
  };
  return target;
}

/**
 * Opens a target for a describe block and closes it after. After each test everything the test
 * made is removed: the default role limit (10, admin and public included) leaves room for only
 * a few roles at a time.
 */
export function useTarget(options: EmulatorOptions = {}): () => Target {
  let target: Target | undefined;
  beforeAll(async () => {
    target = await openTarget(options);
  });
  afterEach(async () => {
    await target?.cleanup();
  });
  afterAll(async () => {
    await target?.close();
  });
  return () => {
    if (!target) throw new Error('target not open yet');
    return target;
  };
}

export async function removeEverythingWithPrefix(root: MilvusClient, prefix: string, databases: string[], features: FeatureSet): Promise<void> {
  const roles = ((await root.listRoles()).results ?? []).map((r) => r.role.name).filter((n) => n.startsWith(prefix));
  const dbs = ['default', '*', ...databases];
  for (const role of roles) {
    for (const db of dbs) {
      const grants = await root.listGrants({ roleName: role, db_name: db });
      for (const g of grants.entities ?? []) {
        const privilege = g.grantor.privilege.name;
        if (features.grantV2) {
          await root.revokePrivilegeV2({ role, privilege, db_name: g.db_name, collection_name: g.object_name });
        } else {
          await root.use({ db_name: g.db_name });
          await root.revokePrivilege({ roleName: role, object: g.object.name, objectName: g.object_name, privilegeName: privilege });
          await root.use({ db_name: 'default' });
        }
      }
    }
    await root.dropRole({ roleName: role });
  }
  const users = ((await root.listUsers()).usernames ?? []).filter((n) => n.startsWith(prefix));
  for (const user of users) await root.deleteUser({ username: user });
  if (features.privilegeGroups) {
    const groups = ((await root.listPrivilegeGroups()).privilege_groups ?? []).map((g) => g.group_name);
    for (const group of groups.filter((g) => g.startsWith(prefix))) await root.dropPrivilegeGroup({ group_name: group });
  }
  for (const db of databases) await root.dropDatabase({ db_name: db }).catch(() => undefined);
}

/**
 * Sends a request the SDK has no wrapper for (DropRole with force_drop, SelectGrant with no
 * role…) through the SDK's own channel pool and interceptors, so it still travels the SDK's path.
 */
export async function sdkCall<T = Record<string, unknown>>(client: MilvusClient, method: string, request: object): Promise<T> {
  const { promisify } = await import('@zilliz/milvus2-sdk-node');
  return (await promisify(client.channelPool, method, request, 15_000)) as T;
}
