// @ts-check
/**
 * The baseline `rbac apply` is compared with: a script that issues the same SDK calls one after
 * another, awaiting each, with one client (plus one per database for by-object grants, which the
 * SDK sends to the client's selected database) — the way hand-written RBAC setup scripts do it.
 * It covers additive plans only: that is what such scripts do.
 */

/**
 * @param {any} MilvusClient the SDK's client class
 * @param {{ address: string, token: string, operations: readonly any[], password: string }} input
 * @returns {Promise<{ ms: number, calls: number }>}
 */
export async function runNaive(MilvusClient, { address, token, operations, password }) {
  /** @type {Map<string, any>} */
  const clients = new Map();
  const clientFor = (database) => {
    let client = clients.get(database);
    if (!client) {
      client = new MilvusClient({ channelOptions: { 'grpc.use_local_subchannel_pool': 1 }, address, token, database, logLevel: 'error', __SKIP_CONNECT__: true, telemetry: { enabled: false } });
      clients.set(database, client);
    }
    return client;
  };
  const client = clientFor('default');
  // Clients are made before the clock starts: the SDK spends a noticeable time building each one.
  for (const op of operations) if (op.kind === 'grant' && op.form !== 'v2') clientFor(op.grant.dbName);
  const check = (response, what) => {
    const status = response && 'error_code' in response ? response : response?.status;
    if (!status || (status.error_code !== 'Success' && status.error_code !== 0)) {
      throw new Error(`naive baseline: ${what} failed: ${status?.reason ?? 'no status'}`);
    }
  };
  const start = process.hrtime.bigint();
  let calls = 0;
  for (const op of operations) {
    calls++;
    switch (op.kind) {
      case 'createPrivilegeGroup':
        check(await client.createPrivilegeGroup({ group_name: op.group }), op.kind);
        break;
      case 'addPrivilegesToGroup':
        check(await client.addPrivilegesToGroup({ group_name: op.group, privileges: [...op.privileges] }), op.kind);
        break;
      case 'createRole':
        check(await client.createRole({ roleName: op.role }), op.kind);
        break;
      case 'grant': {
        const g = op.grant;
        if (op.form === 'v2') {
          check(await client.grantPrivilegeV2({ role: op.role, privilege: g.privilege, db_name: g.dbName, collection_name: g.objectName }), op.kind);
        } else {
          const request = { roleName: op.role, object: g.objectType, objectName: g.objectName, privilegeName: g.privilege };
          check(await clientFor(g.dbName).grantPrivilege(request), op.kind);
        }
        break;
      }
      case 'createUser':
        check(await client.createUser({ username: op.user, password }), op.kind);
        break;
      case 'bindRole':
        check(await client.addUserToRole({ username: op.user, roleName: op.role }), op.kind);
        break;
      default:
        throw new Error(`naive baseline: ${op.kind} is not part of an additive plan`);
    }
  }
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  await Promise.allSettled([...clients.values()].map((c) => c.closeConnection()));
  return { ms, calls };
}
