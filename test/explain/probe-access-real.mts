// Measures who may do what on a real Milvus and compares every observation with the access model
// (src/model/access.ts) for the server's version. Evidence for docs/explain.md; not part of the
// unit suite (it needs a server):
//
//   REAL_MILVUS_PORT=19700 bash scripts/real-milvus.sh start
//   MILVUS_ADDRESS=127.0.0.1:19700 npx tsx test/explain/probe-access-real.mts
//
// Everything it creates is named probe_acc_* and removed at the end. A call counts as allowed
// when the server does NOT answer PERMISSION_DENIED (the privilege check runs before anything
// else, so "collection not found" means the check passed). Exit 1 on any disagreement.
import { MilvusClient } from '@zilliz/milvus2-sdk-node';
import { isAllowed } from '../../src/model/access.js';
import type { AccessTarget } from '../../src/model/access.js';
import type { Grant, RbacState } from '../../src/model/types.js';
import { parseMilvusVersion } from '../../src/model/versions.js';

const address = process.env.MILVUS_ADDRESS ?? '127.0.0.1:19530';
const rootToken = process.env.MILVUS_TOKEN ?? 'root:Milvus';
const ROLE = 'probe_acc_r';
const USER = 'probe_acc_u';
const OTHER = 'probe_acc_other';
const PASSWORD = 'probe_pw_123';

const clients: MilvusClient[] = [];
function client(config: { token?: string; username?: string; password?: string; database?: string }): MilvusClient {
  const c = new MilvusClient({ channelOptions: { 'grpc.use_local_subchannel_pool': 1 }, address, maxRetries: 0, timeout: 15_000, logLevel: 'error', ...config });
  clients.push(c);
  return c;
}

interface Probe {
  readonly label: string;
  readonly privilege: string;
  readonly target: AccessTarget;
  run(c: MilvusClient): Promise<unknown>;
}

const collectionProbe = (privilege: 'Load' | 'Release', collection: string, dbName: string): Probe => ({
  label: `${privilege} ${dbName}.${collection}`,
  privilege,
  target: { objectType: 'Collection', objectName: collection, dbName },
  run: (c) =>
    privilege === 'Load' ? c.loadCollectionAsync({ collection_name: collection }) : c.releaseCollection({ collection_name: collection }),
});

const PROBES_DEFAULT: Probe[] = [
  collectionProbe('Load', 'probe_acc_c1', 'default'),
  collectionProbe('Load', 'probe_acc_c2', 'default'),
  collectionProbe('Release', 'probe_acc_c1', 'default'),
  {
    label: 'ListCredUsers (SelectOwnership)',
    privilege: 'SelectOwnership',
    target: { objectType: 'Global', objectName: '*', dbName: 'default' },
    run: (c) => c.listUsers(),
  },
  {
    label: `SelectUser ${OTHER}`,
    privilege: 'SelectUser',
    target: { objectType: 'User', objectName: OTHER, dbName: 'default' },
    run: (c) => c.describeUser({ username: OTHER }),
  },
];
const PROBES_DB1: Probe[] = [collectionProbe('Load', 'probe_acc_c1', 'db1')];

const g = (privilege: string, objectType: Grant['objectType'], objectName: string, dbName: string): Grant => ({ privilege, objectType, objectName, dbName });

const SCENARIOS: { name: string; grants: Grant[] }[] = [
  { name: 'no grant', grants: [] },
  { name: 'Load on c1', grants: [g('Load', 'Collection', 'probe_acc_c1', 'default')] },
  { name: 'Load on *', grants: [g('Load', 'Collection', '*', 'default')] },
  { name: '* on c1', grants: [g('*', 'Collection', 'probe_acc_c1', 'default')] },
  { name: 'All in default', grants: [g('All', 'Global', '*', 'default')] },
  { name: 'All in db *', grants: [g('All', 'Global', '*', '*')] },
  { name: 'All in db1', grants: [g('All', 'Global', '*', 'db1')] },
  { name: 'SelectOwnership in db *', grants: [g('SelectOwnership', 'Global', '*', '*')] },
  { name: 'Load on c1 in db *', grants: [g('Load', 'Collection', 'probe_acc_c1', '*')] },
  { name: 'Load on c1 in db1', grants: [g('Load', 'Collection', 'probe_acc_c1', 'db1')] },
  { name: 'SelectUser on other', grants: [g('SelectUser', 'User', OTHER, 'default')] },
  { name: '* on Global', grants: [g('*', 'Global', '*', 'default')] },
];

function isDenied(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown };
  return e?.code === 7 || /permission deny/i.test(String(e?.message ?? ''));
}

async function observe(c: MilvusClient, probe: Probe): Promise<boolean> {
  try {
    await probe.run(c);
    return true;
  } catch (error) {
    if (isDenied(error)) return false;
    return true;
  }
}

async function grantOn(root: MilvusClient, rootDb: Map<string, MilvusClient>, grant: Grant, revoke = false): Promise<void> {
  let c = rootDb.get(grant.dbName);
  if (!c) {
    c = client({ token: rootToken, database: grant.dbName });
    rootDb.set(grant.dbName, c);
  }
  const req = { roleName: ROLE, object: grant.objectType, objectName: grant.objectName, privilegeName: grant.privilege };
  const res = revoke ? await c.revokePrivilege(req as never) : await c.grantPrivilege(req as never);
  const code = (res as { error_code?: unknown }).error_code;
  if (code !== 'Success' && code !== 0) throw new Error(`${revoke ? 'revoke' : 'grant'} ${JSON.stringify(grant)}: ${JSON.stringify(res)}`);
}

async function main(): Promise<number> {
  const root = client({ token: rootToken });
  const version = parseMilvusVersion((await root.getVersion()).version);
  if (!version) throw new Error('unparseable version');
  const rootDb = new Map<string, MilvusClient>([['default', root]]);
  const out: Record<string, unknown>[] = [];
  let disagreements = 0;
  await root.createUser({ username: USER, password: PASSWORD });
  await root.createUser({ username: OTHER, password: PASSWORD });
  await root.createRole({ roleName: ROLE });
  await root.addUserToRole({ username: USER, roleName: ROLE });
  const asUser = client({ username: USER, password: PASSWORD });
  const asUserDb1 = client({ username: USER, password: PASSWORD, database: 'db1' });
  try {
    for (const scenario of SCENARIOS) {
      for (const grant of scenario.grants) await grantOn(root, rootDb, grant);
      const state: RbacState = {
        users: [{ name: USER, roles: [ROLE] }, { name: OTHER, roles: [] }],
        roles: [{ name: ROLE, grants: scenario.grants }],
        privilegeGroups: [],
      };
      for (const [c, probes] of [[asUser, PROBES_DEFAULT], [asUserDb1, PROBES_DB1]] as const) {
        for (const probe of probes) {
          const real = await observe(c, probe);
          const model = isAllowed(state, version, USER, probe.privilege, probe.target);
          if (real !== model) disagreements++;
          out.push({ scenario: scenario.name, probe: probe.label, real, model, agree: real === model });
        }
      }
      for (const grant of scenario.grants) await grantOn(root, rootDb, grant, true);
    }
  } finally {
    await root.removeUserFromRole({ username: USER, roleName: ROLE }).catch(() => undefined);
    await root.dropRole({ roleName: ROLE }).catch(() => undefined);
    await root.deleteUser({ username: USER }).catch(() => undefined);
    await root.deleteUser({ username: OTHER }).catch(() => undefined);
    for (const c of clients) await c.closeConnection().catch(() => undefined);
  }
  process.stdout.write(`${JSON.stringify({ server: address, version, disagreements, observations: out }, null, 2)}\n`);
  return disagreements === 0 ? 0 : 1;
}

process.exitCode = await main();
