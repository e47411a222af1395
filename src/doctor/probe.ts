import { randomBytes } from 'node:crypto';
import type { MilvusConnection } from '../milvus/connection.js';
import { checkResponse, checkResStatus, fromThrown } from '../milvus/errors.js';
import type { StatusShape } from '../milvus/errors.js';
import { readServerDescription } from '../milvus/server-description.js';
import type { Grant } from '../model/types.js';

/**
 * The calls `rbac doctor` makes, each answered as supported, unsupported (the server does not
 * know the call), denied (the caller lacks the privilege) or refused (the server knows it and
 * said no, with its reason). Read-only, except the write probe on a scratch role and group that
 * it removes again.
 */

export type Answer = 'supported' | 'unsupported' | 'denied' | 'refused';

export interface Probe {
  readonly name: string;
  readonly call: string;
  readonly answer: Answer;
  /** The server's words when it did not answer "supported". */
  readonly detail?: string;
}

function answerOf(error: unknown, call: string): { answer: Answer; detail: string } {
  const failure = fromThrown(error, call);
  if (failure.code === 'UNIMPLEMENTED' || /unknown method|not implemented|not supported/i.test(failure.reason)) return { answer: 'unsupported', detail: failure.reason };
  if (failure.code === 'PERMISSION_DENIED' || /permission deny/i.test(failure.reason)) return { answer: 'denied', detail: failure.reason };
  return { answer: 'refused', detail: failure.reason };
}

/** Runs one call and says how the server answered; `check` turns a bad status into a throw. */
export async function probe<T>(name: string, call: string, run: () => Promise<T>, check: (response: T) => void): Promise<{ probe: Probe; response?: T }> {
  try {
    const response = await run();
    check(response);
    return { probe: { name, call, answer: 'supported' }, response };
  } catch (error) {
    return { probe: { name, call, ...answerOf(error, call) } };
  }
}

const withStatus = (call: string) => (r: { readonly status?: StatusShape }) => void checkResponse(r, call);
const bareStatus = (call: string) => (r: StatusShape) => checkResStatus(r, call);

export interface ServerIdentity {
  /** GetVersion's answer. */
  readonly reported: string;
  /** Connect's server_info.build_tags: the version on Milvus, a description on Zilliz Cloud. */
  readonly description: string;
}

export async function identity(conn: MilvusConnection, authorization: string, timeoutMs: number): Promise<ServerIdentity> {
  const reported = ((await conn.client.getVersion()) as { version?: string }).version ?? '';
  const description = await readServerDescription(conn.client, authorization, timeoutMs).catch(() => '');
  return { reported, description };
}

export interface ReadProbes {
  readonly probes: Probe[];
  readonly users?: readonly string[];
  readonly roles?: readonly string[];
  /** The caller's roles, when the caller is a known user. */
  readonly callerRoles?: readonly string[];
  /** Grants of the caller's roles, as `privilege on objectType db.name`. */
  readonly callerGrants?: readonly string[];
  readonly builtinGroups?: readonly { readonly name: string; readonly privileges: readonly string[] }[];
  readonly customGroups?: readonly string[];
}

interface GroupsResponse {
  readonly status?: StatusShape;
  readonly privilege_groups?: readonly { readonly group_name?: string; readonly privileges?: readonly { readonly name?: string }[] }[];
}

/** Every read the tool makes, once each. `builtinNames` tells built-in groups from custom ones. */
export async function readProbes(conn: MilvusConnection, builtinNames: ReadonlySet<string>): Promise<ReadProbes> {
  const client = conn.client;
  const probes: Probe[] = [];
  const users = await probe('list users', 'ListCredUsers', () => client.listUsers(), withStatus('ListCredUsers'));
  probes.push(users.probe);
  const roles = await probe('list roles and their members', 'SelectRole', () => client.listRoles({ includeUserInfo: true }), withStatus('SelectRole'));
  probes.push(roles.probe);
  let callerRoles: string[] | undefined;
  if (conn.user) {
    const self = await probe('describe the caller', 'SelectUser', () => client.describeUser({ username: conn.user, includeRoleInfo: true }), withStatus('SelectUser'));
    probes.push(self.probe);
    const first = self.response?.results?.[0] as { roles?: readonly { name?: string }[] } | undefined;
    if (self.response) callerRoles = (first?.roles ?? []).flatMap((r) => (r.name ? [r.name] : []));
  }
  const callerGrants: string[] = [];
  for (const role of callerRoles ?? []) {
    const grants = await probe(`read the grants of ${role}`, 'SelectGrant', () => client.listGrants({ roleName: role, db_name: '*' }), withStatus('SelectGrant'));
    if (grants.probe.answer !== 'supported') probes.push(grants.probe);
    for (const e of grants.response?.entities ?? []) callerGrants.push(`${e.grantor?.privilege?.name ?? '?'} on ${e.object?.name ?? '?'} ${e.db_name ?? '?'}.${e.object_name ?? '?'}`);
  }
  const groups = await probe('list privilege groups and their members', 'ListPrivilegeGroups', () => client.listPrivilegeGroups() as Promise<GroupsResponse>, withStatus('ListPrivilegeGroups'));
  probes.push(groups.probe);
  const listed = (groups.response?.privilege_groups ?? []).map((g) => ({ name: g.group_name ?? '', privileges: (g.privileges ?? []).flatMap((p) => (p.name ? [p.name] : [])) }));
  const backup = await probe('read all of RBAC in one call', 'BackupRBAC', () => client.backupRBAC(), withStatus('BackupRBAC'));
  probes.push(backup.probe);
  return {
    probes,
    ...(users.response ? { users: users.response.usernames ?? [] } : {}),
    ...(roles.response ? { roles: (roles.response.results ?? []).flatMap((r) => (r.role?.name ? [r.role.name] : [])) } : {}),
    ...(callerRoles ? { callerRoles, callerGrants } : {}),
    ...(groups.response ? { builtinGroups: listed.filter((g) => builtinNames.has(g.name)), customGroups: listed.filter((g) => !builtinNames.has(g.name)).map((g) => g.name) } : {}),
  };
}

/**
 * The write probe: a scratch role (and group) with a name no policy uses, each kind of grant
 * tried on it, and everything removed again, also when a step fails.
 */
/** Thrown between steps when the probe is asked to stop: the `finally` still cleans up. */
class Stopped extends Error {}

export async function writeProbes(conn: MilvusConnection, shouldStop: () => boolean = () => false): Promise<{ probes: Probe[]; leftBehind: string[] }> {
  const client = conn.client;
  const tag = randomBytes(3).toString('hex');
  const role = `rbac_doctor_${tag}`;
  const group = `rbac_doctor_${tag}`;
  const probes: Probe[] = [];
  const created = await probe('create a role', 'CreateRole', () => client.createRole({ roleName: role }), bareStatus('CreateRole'));
  probes.push(created.probe);
  if (created.probe.answer !== 'supported') return { probes, leftBehind: [] };
  const leftBehind: string[] = [];
  let groupMade = false;
  const grantBoth = async (name: string, call: 'OperatePrivilege' | 'OperatePrivilegeV2', grant: Grant): Promise<void> => {
    if (shouldStop()) throw new Stopped();
    const send = (kind: 'grant' | 'revoke'): Promise<StatusShape> => (call === 'OperatePrivilege' ? conn.bulk.operatePrivilege(kind, role, grant) : conn.bulk.operatePrivilegeV2(kind, role, grant));
    const granted = await probe(name, call, () => send('grant'), bareStatus(call));
    probes.push(granted.probe);
    if (granted.probe.answer === 'supported') {
      const revoked = await probe(`revoke: ${name}`, call, () => send('revoke'), bareStatus(call));
      if (revoked.probe.answer !== 'supported') probes.push(revoked.probe);
    }
  };
  try {
    await grantBoth('grant a single privilege by object (v1)', 'OperatePrivilege', { objectType: 'Global', objectName: '*', dbName: 'default', privilege: 'ShowCollections' });
    await grantBoth('grant a built-in privilege group (v2)', 'OperatePrivilegeV2', { objectType: 'Global', objectName: '*', dbName: '*', privilege: 'ClusterReadOnly' });
    await grantBoth('grant a single privilege by level (v2)', 'OperatePrivilegeV2', { objectType: 'Collection', objectName: '*', dbName: 'default', privilege: 'Search' });
    if (shouldStop()) throw new Stopped();
    const made = await probe('create a custom privilege group', 'CreatePrivilegeGroup', () => client.createPrivilegeGroup({ group_name: group }), bareStatus('CreatePrivilegeGroup'));
    probes.push(made.probe);
    if (made.probe.answer === 'supported') {
      groupMade = true;
      probes.push((await probe('add a privilege to a custom group', 'OperatePrivilegeGroup', () => client.addPrivilegesToGroup({ group_name: group, privileges: ['Search'] }), bareStatus('OperatePrivilegeGroup'))).probe);
      await grantBoth('grant a custom privilege group (v2)', 'OperatePrivilegeV2', { objectType: 'Collection', objectName: '*', dbName: 'default', privilege: group });
    }
    if (shouldStop()) throw new Stopped();
    probes.push((await probe('set a role description', 'AlterRole', () => client.alterRole({ roleName: role, description: 'rbac doctor probe' }), bareStatus('AlterRole'))).probe);
  } catch (error) {
    if (!(error instanceof Stopped)) throw error;
  } finally {
    // The role first (force_drop takes its grants with it), then the group it may still be granted.
    const dropped = await probe('drop the scratch role', 'DropRole', () => client.dropRole({ roleName: role, force_drop: true } as { roleName: string }), bareStatus('DropRole'));
    if (dropped.probe.answer !== 'supported') leftBehind.push(`role ${role}`);
    if (groupMade) {
      const gone = await probe('drop the custom group', 'DropPrivilegeGroup', () => client.dropPrivilegeGroup({ group_name: group }), bareStatus('DropPrivilegeGroup'));
      if (gone.probe.answer !== 'supported') leftBehind.push(`privilege group ${group}`);
    }
  }
  return { probes, leftBehind };
}
