import { isApplyLockUser } from '../model/apply-lock.js';
import type { MilvusClient } from '@zilliz/milvus2-sdk-node';
import { canonicalState } from '../model/canonical.js';
import { ADMIN_ROLE, DEFAULT_DATABASE, PUBLIC_ROLE } from '../model/names.js';
import type { Grant, RbacState } from '../model/types.js';
import type { MilvusVersion } from '../model/versions.js';
import { checkResponse, fromThrown, MilvusCallError } from './errors.js';
import type { StatusShape } from './errors.js';
import type { MilvusConnection } from './connection.js';
import { mapWithConcurrency } from './concurrency.js';
import { isBuiltinGroupName } from '../model/catalogue.js';
import { newerThanKnownWarning } from '../model/versions.js';
import { apiPrivilegeName, normaliseGrant } from './privilege-names.js';
import type { RawGrant } from './privilege-names.js';

/**
 * Reads the whole RBAC state of one Milvus into the canonical model with as few calls as the
 * version allows:
 * - bindings of every role in ONE SelectRole (include_user_info) instead of one call per user;
 * - Milvus >= 2.5: one BackupRBAC for custom roles' grants and custom groups; it leaves out
 *   root, admin and public, so their grants are read with SelectGrant (db `*` = all databases);
 * - older Milvus: SelectGrant per role and per database, with bounded concurrency.
 */

export interface ReadOptions {
  /** Calls in flight at once for the per-role reads (default 8). */
  readonly concurrency?: number;
  /**
   * Databases to read grants from besides those ListDatabases returns: grants to a database
   * that does not exist (or was dropped) are still stored and still count.
   */
  readonly databases?: readonly string[];
  /**
   * Users whose description to read (Milvus 2.6.19+), or `all`: ListCredUsers returns names only,
   * so each costs one SelectUser. Role descriptions come with SelectRole at no cost.
   */
  readonly userDescriptions?: readonly string[] | 'all';
}

export interface LiveStateRead {
  readonly state: RbacState;
  readonly version: MilvusVersion;
  readonly versionString: string;
  readonly address: string;
  /** RPCs the read made: a measure of its cost, reported by benchmarks. */
  readonly rpcCount: number;
  /** Databases whose grants were read (or, with BackupRBAC / db `*`, that exist). */
  readonly databases: string[];
  /** How grants were read. */
  readonly method: 'backup' | 'select-all-databases' | 'select-per-database';
  /** Things seen but not modelled (e.g. an unknown object type), for the report. */
  readonly warnings: string[];
}

const DEFAULT_CONCURRENCY = 8;

interface GrantEntityLike {
  readonly role?: { readonly name?: string };
  readonly object?: { readonly name?: string };
  readonly object_name?: string;
  readonly db_name?: string;
  readonly grantor?: { readonly privilege?: { readonly name?: string } };
}

interface PrivilegeGroupLike {
  readonly group_name?: string;
  readonly privileges?: readonly { readonly name?: string }[];
}

interface BackupLike {
  readonly status?: StatusShape;
  readonly RBAC_meta?: {
    readonly grants?: readonly GrantEntityLike[];
    readonly privilege_groups?: readonly PrivilegeGroupLike[];
  };
}

/** Reads change nothing, so a transient failure (a dropped connection) is simply tried again. */
const READ_ATTEMPTS = 3;
const READ_RETRY_DELAY_MS = 100;

/** Counts and labels every call so errors say what failed and benchmarks know the cost. */
class CallCounter {
  count = 0;
  async call<T>(label: string, run: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      this.count++;
      try {
        return await run();
      } catch (error) {
        const failure = fromThrown(error, label);
        if (failure.kind !== 'transient' || attempt >= READ_ATTEMPTS) throw failure;
        await new Promise((resolve) => setTimeout(resolve, READ_RETRY_DELAY_MS * attempt));
      }
    }
  }
}

function rawGrantOf(entity: GrantEntityLike): RawGrant & { role: string } {
  return {
    role: entity.role?.name ?? '',
    objectType: entity.object?.name ?? '',
    objectName: entity.object_name ?? '',
    dbName: entity.db_name ?? '',
    privilege: entity.grantor?.privilege?.name ?? '',
  };
}

class StateBuilder {
  readonly users = new Map<string, Set<string>>();
  readonly roles = new Map<string, Grant[]>();
  readonly groups = new Map<string, Set<string>>();
  readonly roleDescriptions = new Map<string, string>();
  readonly userDescriptions = new Map<string, string>();
  readonly warnings: string[] = [];
  private rawGrants: (RawGrant & { role: string })[] = [];

  addUser(name: string): void {
    if (!this.users.has(name)) this.users.set(name, new Set());
  }
  addRole(name: string): void {
    if (!this.roles.has(name)) this.roles.set(name, []);
  }
  bind(user: string, role: string): void {
    // Every user holds `public` implicitly; the model never lists it.
    if (role === PUBLIC_ROLE) return;
    this.addUser(user);
    this.users.get(user)?.add(role);
  }
  addGrantEntities(entities: readonly GrantEntityLike[] | undefined): void {
    for (const e of entities ?? []) this.rawGrants.push(rawGrantOf(e));
  }
  addGroup(group: PrivilegeGroupLike): void {
    const name = group.group_name ?? '';
    if (!name || isBuiltinGroupName(name)) return;
    const set = this.groups.get(name) ?? new Set<string>();
    for (const p of group.privileges ?? []) if (p.name) set.add(p.name);
    this.groups.set(name, set);
  }

  build(): RbacState {
    const customGroups = new Set(this.groups.keys());
    for (const raw of this.rawGrants) {
      const grant = normaliseGrant(raw, customGroups);
      if (!grant) {
        this.warnings.push(`ignored a grant of ${raw.privilege} to role ${raw.role} on unknown object type "${raw.objectType}"`);
        continue;
      }
      this.addRole(raw.role);
      this.roles.get(raw.role)?.push(grant);
    }
    return canonicalState({
      users: [...this.users].map(([name, roles]) => ({ name, roles: [...roles], description: this.userDescriptions.get(name) ?? '' })),
      roles: [...this.roles].map(([name, grants]) => ({ name, grants, description: this.roleDescriptions.get(name) ?? '' })),
      privilegeGroups: [...this.groups].map(([name, privileges]) => ({
        name,
        privileges: [...privileges].map((p) => apiPrivilegeName(p, customGroups)),
      })),
    });
  }
}

async function listDatabases(client: MilvusClient, counter: CallCounter, warnings: string[]): Promise<string[]> {
  try {
    const response = await counter.call('ListDatabases', () => client.listDatabases());
    checkResponse(response, 'ListDatabases');
    return response.db_names ?? [];
  } catch (error) {
    // Reading grants does not need ListDatabases; without it, `default` and the databases the
    // policy names are read.
    if (error instanceof MilvusCallError && (error.code === 'PERMISSION_DENIED' || error.code === 'UNIMPLEMENTED')) {
      warnings.push(`cannot list databases (${error.reason}); reading grants of default and the policy's databases only`);
      return [];
    }
    throw error;
  }
}

async function readUsersAndBindings(client: MilvusClient, counter: CallCounter, builder: StateBuilder): Promise<void> {
  const [users, roles] = await Promise.all([
    counter.call('ListCredUsers', () => client.listUsers()),
    counter.call('SelectRole', () => client.listRoles({ includeUserInfo: true })),
  ]);
  checkResponse(users, 'ListCredUsers');
  checkResponse(roles, 'SelectRole');
  // An apply's lock (model/apply-lock.ts) is not part of the state: no plan lists or drops it.
  for (const name of users.usernames ?? []) if (!isApplyLockUser(name)) builder.addUser(name);
  for (const result of roles.results ?? []) {
    const role = result.role?.name;
    if (!role) continue;
    builder.addRole(role);
    if (result.role?.description) builder.roleDescriptions.set(role, result.role.description);
    for (const user of result.users ?? []) if (user.name && !isApplyLockUser(user.name)) builder.bind(user.name, role);
  }
}

async function readUserDescription(client: MilvusClient, counter: CallCounter, user: string): Promise<string> {
  const label = `SelectUser user=${user}`;
  const response = await counter.call(label, () => client.describeUser({ username: user }));
  checkResponse(response, label);
  const result = (response.results ?? [])[0] as { description?: string } | undefined;
  return result?.description ?? '';
}

async function readCustomGroups(client: MilvusClient, counter: CallCounter, builder: StateBuilder): Promise<void> {
  const response = await counter.call('ListPrivilegeGroups', () => client.listPrivilegeGroups());
  checkResponse(response, 'ListPrivilegeGroups');
  for (const group of response.privilege_groups ?? []) builder.addGroup(group);
}

async function selectGrants(client: MilvusClient, counter: CallCounter, role: string, db: string): Promise<readonly GrantEntityLike[]> {
  const label = `SelectGrant role=${role} db=${db}`;
  const response = await counter.call(label, () => client.listGrants({ roleName: role, db_name: db }));
  checkResponse(response, label);
  return response.entities ?? [];
}

async function readByBackup(client: MilvusClient, counter: CallCounter, builder: StateBuilder, concurrency: number): Promise<boolean> {
  let backup: BackupLike;
  try {
    backup = (await counter.call('BackupRBAC', () => client.backupRBAC())) as BackupLike;
    checkResponse(backup, 'BackupRBAC');
  } catch (error) {
    // Operators without the BackupRBAC privilege can still read role by role.
    if (error instanceof MilvusCallError && (error.code === 'PERMISSION_DENIED' || error.code === 'UNIMPLEMENTED')) return false;
    throw error;
  }
  const meta = backup.RBAC_meta ?? {};
  for (const group of meta.privilege_groups ?? []) builder.addGroup(group);
  builder.addGrantEntities(meta.grants);
  // BackupRBAC omits the built-in roles (which every Milvus has); read theirs directly.
  const lists = await mapWithConcurrency([ADMIN_ROLE, PUBLIC_ROLE], concurrency, (role) => selectGrants(client, counter, role, '*'));
  for (const list of lists) builder.addGrantEntities(list);
  return true;
}

/** Reads the live RBAC state. Throws {@link MilvusCallError} (secrets redacted) on failure. */
export async function readLiveState(conn: MilvusConnection, options: ReadOptions = {}): Promise<LiveStateRead> {
  const concurrency = Math.max(1, options.concurrency ?? DEFAULT_CONCURRENCY);
  const counter = new CallCounter();
  const builder = new StateBuilder();
  const client = conn.client;
  const { features } = conn;
  const newer = newerThanKnownWarning(conn.version);
  if (newer) builder.warnings.push(newer);

  // Independent reads go out together: on the BackupRBAC path the whole read is one round trip.
  const [existing, , readByBackupDone] = await Promise.all([
    features.databases ? listDatabases(client, counter, builder.warnings) : Promise.resolve([]),
    readUsersAndBindings(client, counter, builder),
    features.backupRbac ? readByBackup(client, counter, builder, concurrency) : Promise.resolve(false),
  ]);
  const databases = [...new Set([DEFAULT_DATABASE, ...existing, ...(options.databases ?? [])])].filter((d) => d !== '*').sort();

  let method: LiveStateRead['method'];
  if (readByBackupDone) {
    method = 'backup';
  } else {
    if (features.privilegeGroups) await readCustomGroups(client, counter, builder);
    const roles = [...builder.roles.keys()];
    if (features.selectGrantAllDatabases) {
      method = 'select-all-databases';
      const lists = await mapWithConcurrency(roles, concurrency, (role) => selectGrants(client, counter, role, '*'));
      for (const list of lists) builder.addGrantEntities(list);
    } else {
      method = 'select-per-database';
      // SelectGrant(db) also returns the grants stored under db `*`; canonicalState removes the repeats.
      const dbs = features.databases ? databases : [DEFAULT_DATABASE];
      const pairs = roles.flatMap((role) => dbs.map((db) => ({ role, db })));
      const lists = await mapWithConcurrency(pairs, concurrency, ({ role, db }) => selectGrants(client, counter, role, db));
      for (const list of lists) builder.addGrantEntities(list);
    }
  }

  if (features.descriptions && options.userDescriptions) {
    const wanted = options.userDescriptions === 'all' ? [...builder.users.keys()] : options.userDescriptions.filter((u) => builder.users.has(u));
    const found = await mapWithConcurrency(wanted, concurrency, (user) => readUserDescription(client, counter, user));
    wanted.forEach((user, i) => {
      if (found[i]) builder.userDescriptions.set(user, found[i] as string);
    });
  }

  const state = builder.build();
  return {
    state,
    version: conn.version,
    versionString: conn.versionString,
    address: conn.address,
    rpcCount: counter.count,
    databases,
    method,
    warnings: builder.warnings,
  };
}
