// Probes a real Milvus server's RBAC behaviour through the real Node SDK and prints the raw
// responses as JSON (stdout). It is the evidence behind docs/real-milvus-2.3.5-probe.json (Milvus
// 2.3.5, the embedded server of PyPI `milvus` 2.3.5) and the emulator's conformance with 2.3.
//
//   bash scripts/real-milvus.sh start && eval "$(bash scripts/real-milvus.sh env)"
//   MILVUS_ADDRESS=$MILVUS_ADDRESS MILVUS_TOKEN=$MILVUS_TOKEN node scripts/probe-real-milvus.mjs > out.json
//
// Everything it creates is named probe_* (plus database db1, dropped only when this run created
// it) and is removed again at the end, also when a step fails; a rerun on the same server gives
// the same answers. It needs a server with the default limits (proxy.maxUserNum 100,
// proxy.maxRoleNum 10) and authorization enabled. Exit code 1 when a step crashed the probe.
import { createRequire } from 'node:module';
import grpc from '@grpc/grpc-js';
import protoLoader from '@grpc/proto-loader';
import { MilvusClient, promisify, OperatePrivilegeType } from '@zilliz/milvus2-sdk-node';

const address = process.env.MILVUS_ADDRESS || '127.0.0.1:19530';
const token = process.env.MILVUS_TOKEN || 'root:Milvus';
const TIMEOUT = 20000;

/** @type {Array<Record<string, unknown>>} */
const steps = [];
const t0 = Date.now();

/** JSON-safe copy (drops undefined, turns Buffers into base64). */
function plain(value) {
  return JSON.parse(
    JSON.stringify(value, (_k, v) => {
      if (v && typeof v === 'object' && v.type === 'Buffer' && Array.isArray(v.data)) {
        return Buffer.from(v.data).toString('base64');
      }
      if (typeof v === 'bigint') return v.toString();
      return v;
    }) ?? 'null',
  );
}

/**
 * Runs one call and records the request and the exact response (or the thrown error).
 * @param {string} step
 * @param {unknown} request
 * @param {() => Promise<unknown>} fn
 */
async function rec(step, request, fn) {
  const entry = { step, request: plain(request ?? null) };
  try {
    const response = await fn();
    entry.response = plain(response);
  } catch (error) {
    const e = /** @type {{message?: string, code?: unknown, details?: unknown}} */ (error);
    entry.thrown = { message: String(e?.message ?? error), code: e?.code ?? null, details: e?.details ?? null };
  }
  steps.push(entry);
  return entry;
}

/** A note that is not an RPC (a summary or a conclusion). */
function note(step, data) {
  steps.push({ step, note: plain(data) });
}

/** @param {MilvusClient} c */
const raw = (c, method, params) => promisify(c.channelPool, method, params, TIMEOUT);

function newClient(tok) {
  /** @type {Record<string, unknown>} */
  const cfg = { address, timeout: TIMEOUT, logLevel: 'error' };
  if (tok !== undefined) cfg.token = tok;
  const client = new MilvusClient(cfg);
  // The constructor connects in the background; a refused connection must not crash the probe.
  Promise.resolve(client.connectPromise).catch((error) => {
    const e = /** @type {{message?: string, code?: unknown}} */ (error);
    note(`connect (token user ${String(tok ?? '(none)').split(':')[0]})`, { thrown: { message: String(e?.message ?? error), code: e?.code ?? null } });
  });
  return client;
}

const root = newClient(token);
const rootUser = token.split(':')[0];

/** Raw SelectGrant of a role in one database (db '' is sent as an absent field). */
async function grantsIn(role, db) {
  const entity = { role: { name: role } };
  if (db !== undefined) entity.db_name = db;
  const res = await raw(root, 'SelectGrant', { entity });
  return res.entities ?? [];
}

const op = (c, type, { role, object, objectName, privilege, db }) => {
  /** @type {Record<string, unknown>} */
  const entity = {
    role: { name: role },
    object: { name: object },
    object_name: objectName,
    grantor: { privilege: { name: privilege } },
  };
  if (db !== undefined) entity.db_name = db;
  return raw(c, 'OperatePrivilege', { entity, type });
};
const grant = (c, g) => op(c, OperatePrivilegeType.Grant, g);
const revoke = (c, g) => op(c, OperatePrivilegeType.Revoke, g);

/** Compact view of grant entities: role/object/object_name/db/privilege/grantor. */
const compact = (entities) =>
  entities.map((e) => ({
    role: e.role?.name,
    object: e.object?.name,
    object_name: e.object_name,
    db_name: e.db_name,
    privilege: e.grantor?.privilege?.name,
    grantor: e.grantor?.user?.name,
  }));

let initialUsers = [];
let initialRoles = [];
let initialDbs = [];
let createdDb1 = false;
/** @type {Record<string, Array<Record<string, unknown>>>} */
const initialPublicGrants = {};

async function snapshot() {
  const u = await root.listUsers();
  initialUsers = u.usernames ?? [];
  const r = await root.listRoles();
  initialRoles = (r.results ?? []).map((x) => x.role.name);
  const d = await root.listDatabases();
  initialDbs = d.db_names ?? [];
  for (const db of initialDbs) initialPublicGrants[db] = compact(await grantsIn('public', db));
}

// ---------------------------------------------------------------------------------------------
async function probeServer() {
  await rec('Connect (raw)', {}, () => raw(root, 'Connect', { client_info: { sdk_type: 'nodejs', user: rootUser } }));
  await rec('getVersion', {}, () => root.getVersion());
  await rec('checkHealth', {}, () => root.checkHealth());
  await rec('listDatabases', {}, () => root.listDatabases());
  const db1 = await rec('createDatabase db1', { db_name: 'db1' }, () => root.createDatabase({ db_name: 'db1' }));
  createdDb1 = db1.response?.error_code === 'Success';
  await rec('createDatabase db1 (duplicate)', { db_name: 'db1' }, () => root.createDatabase({ db_name: 'db1' }));
  await rec('listDatabases (after)', {}, () => root.listDatabases());
  await rec('describeDatabase db1', { db_name: 'db1' }, () => root.describeDatabase({ db_name: 'db1' }));
}

async function probeUsers() {
  const cu = (step, username, password) =>
    rec(`createUser ${step}`, { username, password_length: password.length }, () =>
      root.createUser({ username, password }),
    );
  await cu('ok', 'probe_u1', 'password1');
  await cu('duplicate', 'probe_u1', 'password1');
  await cu('empty name', '', 'password1');
  await cu('starts with digit', '1probe', 'password1');
  await cu('starts with underscore', '_probe', 'password1');
  await cu("with '-'", 'probe-u', 'password1');
  await cu("with '$'", 'probe$u', 'password1');
  await cu('non-ASCII', 'probe_é', 'password1');
  await cu('33 chars', 'probe_' + 'x'.repeat(27), 'password1');
  await cu('32 chars', 'probe_' + 'x'.repeat(26), 'password1');
  await cu('surrounding spaces', '  probe_bob  ', 'password1');
  await rec('listUsers (after name tests)', {}, () => root.listUsers());
  await rec('describeUser "probe_bob" (trimmed name)', { username: 'probe_bob' }, () =>
    root.describeUser({ username: 'probe_bob' }),
  );
  await rec('describeUser "  probe_bob  "', { username: '  probe_bob  ' }, () =>
    root.describeUser({ username: '  probe_bob  ' }),
  );
  await cu('surrounding spaces, again (duplicate of trimmed?)', '  probe_bob  ', 'password1');
  await cu('"probe_bob" after spaced create', 'probe_bob', 'password1');
  await cu('password 5 chars', 'probe_pw5', '12345');
  await cu('password 6 chars', 'probe_pw6', '123456');
  await cu('password 72 chars', 'probe_pw72', 'p'.repeat(72));
  await cu('password 73 chars', 'probe_pw73', 'p'.repeat(73));
  await cu('password 256 chars', 'probe_pw256', 'p'.repeat(256));
  await cu('password 257 chars', 'probe_pw257', 'p'.repeat(257));
  await cu('password empty', 'probe_pw0', '');
  await rec('deleteUser unknown', { username: 'probe_nobody' }, () => root.deleteUser({ username: 'probe_nobody' }));
  await rec('deleteUser root', { username: 'root' }, () => root.deleteUser({ username: 'root' }));
  await rec('deleteUser "  probe_bob  " (spaces)', { username: '  probe_bob  ' }, () =>
    root.deleteUser({ username: '  probe_bob  ' }),
  );
  await rec('updateUser wrong old password', { username: 'probe_u1', oldPassword: 'wrong_pw', newPassword: 'password2' }, () =>
    root.updateUser({ username: 'probe_u1', oldPassword: 'wrong_pw', newPassword: 'password2' }),
  );
  await rec('updateUser right old password', { username: 'probe_u1', oldPassword: 'password1', newPassword: 'password2' }, () =>
    root.updateUser({ username: 'probe_u1', oldPassword: 'password1', newPassword: 'password2' }),
  );
  await rec('updateUser new password too short', { username: 'probe_u1', oldPassword: 'password2', newPassword: '12345' }, () =>
    root.updateUser({ username: 'probe_u1', oldPassword: 'password2', newPassword: '12345' }),
  );
  await rec('updateUser unknown user', { username: 'probe_nobody', oldPassword: 'password1', newPassword: 'password2' }, () =>
    root.updateUser({ username: 'probe_nobody', oldPassword: 'password1', newPassword: 'password2' }),
  );
  await rec('listUsers', {}, () => root.listUsers());
  await rec('describeUser root', { username: 'root' }, () => root.describeUser({ username: 'root' }));
  await rec('describeUser unknown', { username: 'probe_nobody' }, () => root.describeUser({ username: 'probe_nobody' }));
  await rec('SelectUser raw, no user (all users), include_role_info true', { include_role_info: true }, () =>
    raw(root, 'SelectUser', { include_role_info: true }),
  );
  await rec('SelectUser raw unknown user, include_role_info false', { user: { name: 'probe_nobody' }, include_role_info: false }, () =>
    raw(root, 'SelectUser', { user: { name: 'probe_nobody' }, include_role_info: false }),
  );
}

async function probeUserLimit() {
  const before = (await root.listUsers()).usernames ?? [];
  const created = [];
  let failure = null;
  for (let i = 0; i < 200; i++) {
    const name = `probe_lim_${String(i).padStart(3, '0')}`;
    const res = await root.createUser({ username: name, password: 'password1' });
    if (res.error_code !== 'Success') {
      failure = { attempted: name, response: res };
      break;
    }
    created.push(name);
  }
  const atLimit = (await root.listUsers()).usernames ?? [];
  note('user limit', {
    users_before: before.length,
    created_before_failure: created.length,
    users_at_failure: atLimit.length,
    includes_root: atLimit.includes('root'),
    failure,
  });
  for (const name of created) await root.deleteUser({ username: name });
  note('user limit cleanup', { users_after: ((await root.listUsers()).usernames ?? []).length });
}

async function probeRoles() {
  const cr = (step, roleName) => rec(`createRole ${step}`, { roleName }, () => root.createRole({ roleName }));
  await cr('ok', 'probe_r1');
  await cr('duplicate', 'probe_r1');
  await cr('empty', '');
  await cr("with '$'", 'probe_r$1');
  await cr("starting with '_'", '_probe_r');
  await cr("with '-'", 'probe-r');
  await cr('starting with digit', '1probe_r');
  await cr('surrounding spaces', '  probe_sp  ');
  await rec('listRoles (after name tests)', {}, () => root.listRoles());
  await cr('256 chars', 'probe_' + 'r'.repeat(250));
  await rec('listRoles (after 256)', {}, () => root.listRoles());
  // clean the name-test roles before the limit test so the count is known
  for (const r of ['probe_r$1', '_probe_r', 'probe_sp', '  probe_sp  ', 'probe_' + 'r'.repeat(250)]) {
    await root.dropRole({ roleName: r });
  }
  await rec('dropRole admin', { roleName: 'admin' }, () => root.dropRole({ roleName: 'admin' }));
  await rec('dropRole public', { roleName: 'public' }, () => root.dropRole({ roleName: 'public' }));
  await rec('dropRole unknown', { roleName: 'probe_norole' }, () => root.dropRole({ roleName: 'probe_norole' }));
  await rec('alterRole (2.5+ API)', { roleName: 'probe_r1', description: 'x' }, () =>
    root.alterRole({ roleName: 'probe_r1', description: 'x' }),
  );
  await rec('hasRole probe_r1', { roleName: 'probe_r1' }, () => root.hasRole({ roleName: 'probe_r1' }));
}

async function probeRoleLimit() {
  const before = ((await root.listRoles()).results ?? []).map((x) => x.role.name);
  const created = [];
  let failure = null;
  for (let i = 0; i < 30; i++) {
    const name = `probe_rlim_${String(i).padStart(2, '0')}`;
    const res = await root.createRole({ roleName: name });
    if (res.error_code !== 'Success') {
      failure = { attempted: name, response: res };
      break;
    }
    created.push(name);
  }
  const atLimit = ((await root.listRoles()).results ?? []).map((x) => x.role.name);
  note('role limit', {
    roles_before: before,
    created_before_failure: created.length,
    roles_at_failure: atLimit.length,
    failure,
  });
  for (const name of created) await root.dropRole({ roleName: name });
  note('role limit cleanup', { roles_after: ((await root.listRoles()).results ?? []).map((x) => x.role.name) });
}

async function probeDropRole() {
  await root.createRole({ roleName: 'probe_rg' });
  await rec('grant Global/*/CreateCollection to probe_rg', {}, () =>
    root.grantPrivilege({ roleName: 'probe_rg', object: 'Global', objectName: '*', privilegeName: 'CreateCollection' }),
  );
  await rec('dropRole with grants (no force_drop)', { roleName: 'probe_rg' }, () => root.dropRole({ roleName: 'probe_rg' }));
  await rec('listRoles after dropRole with grants', {}, () => root.listRoles());
  await rec('SelectGrant probe_rg after dropRole (stale grants?)', { role: 'probe_rg' }, () =>
    raw(root, 'SelectGrant', { entity: { role: { name: 'probe_rg' } } }),
  );
  // the role may be gone (then force_drop is moot); recreate to test force_drop explicitly
  await root.createRole({ roleName: 'probe_rg2' });
  await grant(root, { role: 'probe_rg2', object: 'Global', objectName: '*', privilege: 'CreateCollection' });
  await rec('DropRole raw force_drop:true with grants', { role_name: 'probe_rg2', force_drop: true }, () =>
    raw(root, 'DropRole', { role_name: 'probe_rg2', force_drop: true }),
  );
  await rec('SelectGrant probe_rg2 after force drop', { role: 'probe_rg2' }, () =>
    raw(root, 'SelectGrant', { entity: { role: { name: 'probe_rg2' } } }),
  );
  // re-create a role with the same name as a dropped role that had grants: do old grants come back?
  await rec('createRole probe_rg again (after drop with grants)', {}, () => root.createRole({ roleName: 'probe_rg' }));
  await rec('listGrants probe_rg after re-create', {}, () => root.listGrants({ roleName: 'probe_rg' }));
  await rec('SelectGrant probe_rg db default after re-create', {}, () =>
    raw(root, 'SelectGrant', { entity: { role: { name: 'probe_rg' }, db_name: 'default' } }),
  );

  await root.createRole({ roleName: 'probe_rdb' });
  await grant(root, { role: 'probe_rdb', object: 'Collection', objectName: 'col1', privilege: 'Insert', db: 'db1' });
  await rec("dropRole whose only grant is in db 'db1'", {}, () => root.dropRole({ roleName: 'probe_rdb' }));
  await rec("createRole probe_rdb again (its grant in db1 was left behind?)", {}, () => root.createRole({ roleName: 'probe_rdb' }));
  await rec('SelectGrant probe_rdb db1 after re-create', {}, async () => compact(await grantsIn('probe_rdb', 'db1')));
  await revoke(root, { role: 'probe_rdb', object: 'Collection', objectName: 'col1', privilege: 'Insert', db: 'db1' });
  await root.dropRole({ roleName: 'probe_rdb' });
  await root.createRole({ roleName: 'probe_rstar' });
  await grant(root, { role: 'probe_rstar', object: 'Collection', objectName: 'col1', privilege: 'Insert', db: '*' });
  await rec("dropRole whose only grant is in db '*'", {}, () => root.dropRole({ roleName: 'probe_rstar' }));

  await root.createRole({ roleName: 'probe_rb' });
  await root.addUserToRole({ username: 'probe_u1', roleName: 'probe_rb' });
  await rec('dropRole with a bound user', { roleName: 'probe_rb' }, () => root.dropRole({ roleName: 'probe_rb' }));
  await rec('describeUser probe_u1 after its role was dropped', {}, () => root.describeUser({ username: 'probe_u1' }));
}

async function probeBindings() {
  await root.createRole({ roleName: 'probe_r2' });
  const add = (step, username, roleName) =>
    rec(`addUserToRole ${step}`, { username, roleName }, () => root.addUserToRole({ username, roleName }));
  const rm = (step, username, roleName) =>
    rec(`removeUserFromRole ${step}`, { username, roleName }, () => root.removeUserFromRole({ username, roleName }));
  await add('ok', 'probe_u1', 'probe_r2');
  await add('twice', 'probe_u1', 'probe_r2');
  await add('unknown user', 'probe_nobody', 'probe_r2');
  await add('unknown role', 'probe_u1', 'probe_norole');
  await add('to admin', 'probe_u1', 'admin');
  await add('to public', 'probe_u1', 'public');
  await rec('describeUser probe_u1 (roles)', {}, () => root.describeUser({ username: 'probe_u1' }));
  await rm('ok', 'probe_u1', 'probe_r2');
  await rm('absent binding', 'probe_u1', 'probe_r2');
  await rm('unknown user', 'probe_nobody', 'probe_r2');
  await rm('unknown role', 'probe_u1', 'probe_norole');
  await rm('from admin', 'probe_u1', 'admin');
  await rm('from public', 'probe_u1', 'public');
  await add('again for describe', 'probe_u1', 'probe_r2');
  await rec('describeRole probe_r2', {}, () => root.describeRole({ roleName: 'probe_r2' }));
  await rec('describeRole unknown', {}, () => root.describeRole({ roleName: 'probe_norole' }));
  await rec('describeRole admin', {}, () => root.describeRole({ roleName: 'admin' }));
  await rec('describeRole public', {}, () => root.describeRole({ roleName: 'public' }));
  await rec('SelectRole raw probe_r2 include_user_info false', {}, () =>
    raw(root, 'SelectRole', { role: { name: 'probe_r2' }, include_user_info: false }),
  );
  await rec('SelectRole raw unknown include_user_info false', {}, () =>
    raw(root, 'SelectRole', { role: { name: 'probe_norole' }, include_user_info: false }),
  );
  await rec('listRoles', {}, () => root.listRoles());
  await rec('SelectRole raw all include_user_info false', {}, () => raw(root, 'SelectRole', { include_user_info: false }));
  await rec('describeUser probe_u1', {}, () => root.describeUser({ username: 'probe_u1' }));
  await rec('describeUser unknown (includeRoleInfo)', {}, () =>
    root.describeUser({ username: 'probe_nobody', includeRoleInfo: true }),
  );
}

async function probeGrants() {
  const R = 'probe_g';
  await root.createRole({ roleName: R });
  const g = (step, req) => rec(`grant ${step}`, req, () => grant(root, { role: R, ...req }));
  const r = (step, req) => rec(`revoke ${step}`, req, () => revoke(root, { role: R, ...req }));
  const list = (step) => rec(`listGrants ${step}`, { roleName: R }, () => root.listGrants({ roleName: R }));
  const sel = (step, db) =>
    rec(`SelectGrant ${step}`, { role: R, db_name: db ?? '(absent)' }, async () => compact(await grantsIn(R, db)));

  await g('Global/*/CreateCollection', { object: 'Global', objectName: '*', privilege: 'CreateCollection' });
  await g("Global/'foo'/DropCollection", { object: 'Global', objectName: 'foo', privilege: 'DropCollection' });
  await g('Collection/col1/Load', { object: 'Collection', objectName: 'col1', privilege: 'Load' });
  await sel('after Load (db absent)');
  await g('Collection/col1/Flush', { object: 'Collection', objectName: 'col1', privilege: 'Flush' });
  await sel('after Flush (db absent)');
  await r('Collection/col1/Load', { object: 'Collection', objectName: 'col1', privilege: 'Load' });
  await sel('after revoke Load (db absent)');
  await r('Collection/col1/Flush', { object: 'Collection', objectName: 'col1', privilege: 'Flush' });
  await sel('after revoke Flush (db absent)');
  await g('Collection/col1/GetLoadState alone', { object: 'Collection', objectName: 'col1', privilege: 'GetLoadState' });
  await g('Collection/col1/Search', { object: 'Collection', objectName: 'col1', privilege: 'Search' });
  await g('Collection/col1/Search twice', { object: 'Collection', objectName: 'col1', privilege: 'Search' });
  await r('absent Collection/col1/Query', { object: 'Collection', objectName: 'col1', privilege: 'Query' });
  await r('absent on never-used object Collection/nocol/Query', { object: 'Collection', objectName: 'nocol', privilege: 'Query' });
  await g('unknown privilege Foo', { object: 'Collection', objectName: 'col1', privilege: 'Foo' });
  await g('Global/*/Insert (wrong object type)', { object: 'Global', objectName: '*', privilege: 'Insert' });
  await g('Collection/col1/CreateCollection (wrong object type)', { object: 'Collection', objectName: 'col1', privilege: 'CreateCollection' });
  await g('unknown object type Foo', { object: 'Foo', objectName: '*', privilege: 'Insert' });
  await g("object type 'global' (lower case)", { object: 'global', objectName: '*', privilege: 'CreateCollection' });
  await g('Collection/col1/ReadOnly (legacy group)', { object: 'Collection', objectName: 'col1', privilege: 'ReadOnly' });
  await g('Collection/col1/ReadWrite (legacy group)', { object: 'Collection', objectName: 'col1', privilege: 'ReadWrite' });
  await g('Global/*/Admin (legacy group)', { object: 'Global', objectName: '*', privilege: 'Admin' });
  await g('Global/*/ClusterReadOnly (2.5 group)', { object: 'Global', objectName: '*', privilege: 'ClusterReadOnly' });
  await g("Global/*/'*'", { object: 'Global', objectName: '*', privilege: '*' });
  await g("Collection/col1/'*'", { object: 'Collection', objectName: 'col1', privilege: '*' });
  await g('Global/*/All', { object: 'Global', objectName: '*', privilege: 'All' });
  await g('Collection/*/Insert', { object: 'Collection', objectName: '*', privilege: 'Insert' });
  await g('User/probe_u1/UpdateUser', { object: 'User', objectName: 'probe_u1', privilege: 'UpdateUser' });
  await g('User/*/SelectUser', { object: 'User', objectName: '*', privilege: 'SelectUser' });
  await g('Global/*/CreateDatabase', { object: 'Global', objectName: '*', privilege: 'CreateDatabase' });
  await g('Global/*/ListDatabases', { object: 'Global', objectName: '*', privilege: 'ListDatabases' });
  await g('Global/*/FlushAll', { object: 'Global', objectName: '*', privilege: 'FlushAll' });
  await g('Global/*/RenameCollection', { object: 'Global', objectName: '*', privilege: 'RenameCollection' });
  await g('Global/*/CreateAlias (2.4+)', { object: 'Global', objectName: '*', privilege: 'CreateAlias' });
  await g('Global/*/BackupRBAC (2.5)', { object: 'Global', objectName: '*', privilege: 'BackupRBAC' });
  await g('Collection/col1/Upsert', { object: 'Collection', objectName: 'col1', privilege: 'Upsert' });
  await g("empty object name ''", { object: 'Collection', objectName: '', privilege: 'Insert' });
  await g('to unknown role', { role: 'probe_norole', object: 'Global', objectName: '*', privilege: 'CreateCollection' });
  await g("db_name 'db1' Collection/col1/Insert", { object: 'Collection', objectName: 'col1', privilege: 'Insert', db: 'db1' });
  await g("db_name '' Collection/col1/Delete", { object: 'Collection', objectName: 'col1', privilege: 'Delete', db: '' });
  await g("db_name 'default' Collection/col1/Release", { object: 'Collection', objectName: 'col1', privilege: 'Release', db: 'default' });
  await g("db_name 'probe_nodb' (missing db) Collection/col1/Query", { object: 'Collection', objectName: 'col1', privilege: 'Query', db: 'probe_nodb' });
  await g("db_name '*' Collection/col1/Compaction", { object: 'Collection', objectName: 'col1', privilege: 'Compaction', db: '*' });
  await g("db_name 'db1' Global/*/DropCollection", { object: 'Global', objectName: '*', privilege: 'DropCollection', db: 'db1' });
  const db1 = newClient(token);
  await db1.use({ db_name: 'db1' });
  await rec('grantPrivilege via client.use(db1) Collection/col1/CreateIndex (dbname header)', {}, () =>
    db1.grantPrivilege({ roleName: R, object: 'Collection', objectName: 'col1', privilegeName: 'CreateIndex' }),
  );
  await rec("grantPrivilege SDK with db_name:'db1' param Collection/col1/DropIndex (SDK drops db_name?)", {}, () =>
    root.grantPrivilege({ roleName: R, object: 'Collection', objectName: 'col1', privilegeName: 'DropIndex', db_name: 'db1' }),
  );
  await list('(SDK default: db_name "*")');
  await rec('listGrants db_name db1', { roleName: R, db_name: 'db1' }, () => root.listGrants({ roleName: R, db_name: 'db1' }));
  await rec('listGrants via client.use(db1)', { roleName: R }, () => db1.listGrants({ roleName: R }));
  await sel('db absent (field not sent)');
  await sel("db ''", '');
  await sel("db 'default'", 'default');
  await sel("db 'db1'", 'db1');
  await sel("db '*'", '*');
  await sel("db 'probe_nodb'", 'probe_nodb');
  await rec('selectGrant via client.use(db1), db absent (dbname header)', {}, async () =>
    compact((await raw(db1, 'SelectGrant', { entity: { role: { name: R } } })).entities ?? []),
  );
  await rec('selectGrant SDK object Collection/col1 (db absent)', { roleName: R, object: 'Collection', objectName: 'col1' }, () =>
    root.selectGrant({ roleName: R, object: 'Collection', objectName: 'col1' }),
  );
  await rec('selectGrant SDK object Collection/col1 db1', { roleName: R, object: 'Collection', objectName: 'col1', db_name: 'db1' }, () =>
    root.selectGrant({ roleName: R, object: 'Collection', objectName: 'col1', db_name: 'db1' }),
  );
  await rec('selectGrant SDK object Global/foo (forced *?)', { roleName: R, object: 'Global', objectName: 'foo' }, () =>
    root.selectGrant({ roleName: R, object: 'Global', objectName: 'foo' }),
  );
  await rec('selectGrant SDK object Collection/nocol (nothing granted)', {}, () =>
    root.selectGrant({ roleName: R, object: 'Collection', objectName: 'nocol' }),
  );
  await rec('selectGrant object only (no object_name)', {}, () =>
    raw(root, 'SelectGrant', { entity: { role: { name: R }, object: { name: 'Collection' } } }),
  );
  await rec('listGrants unknown role', {}, () => root.listGrants({ roleName: 'probe_norole' }));
  await rec('SelectGrant raw unknown role db absent', {}, () =>
    raw(root, 'SelectGrant', { entity: { role: { name: 'probe_norole' } } }),
  );
  await rec('SelectGrant raw no role', {}, () => raw(root, 'SelectGrant', { entity: {} }));
  await rec('listGrants admin', {}, () => root.listGrants({ roleName: 'admin' }));
  await rec('SelectGrant public db default', {}, async () => compact(await grantsIn('public', 'default')));
  await rec('SelectGrant public db absent (full)', {}, () => raw(root, 'SelectGrant', { entity: { role: { name: 'public' } } }));
  await rec('revoke db1 Collection/col1/Insert with db absent (wrong db)', {}, () =>
    revoke(root, { role: R, object: 'Collection', objectName: 'col1', privilege: 'Insert' }),
  );
  await sel("db 'db1' after revoke in default", 'db1');
  await rec('dropDatabase db1 while probe_g holds grants in db1', {}, () => root.dropDatabase({ db_name: 'db1' }));
  await sel("db 'db1' after dropDatabase", 'db1');
  await rec('listDatabases after dropDatabase', {}, () => root.listDatabases());
  if (createdDb1) {
    await rec('createDatabase db1 again (grants come back?)', {}, () => root.createDatabase({ db_name: 'db1' }));
    await sel("db 'db1' after re-create", 'db1');
  }
  await db1.closeConnection();
}

/**
 * The SDK turns a gRPC UNIMPLEMENTED status into an OK call with an empty message ({}), so what the
 * server really answers is read here with a plain grpc-js client built from the SDK's own protos.
 */
async function probeUnimplementedRaw() {
  const require = createRequire(import.meta.url);
  const protoJson = require('@zilliz/milvus2-sdk-node/dist/milvus/proto-json/milvus.js');
  const def = protoLoader.fromJSON(protoJson.default ?? protoJson, {
    keepCase: true,
    longs: String,
    enums: String,
    defaults: true,
    oneofs: true,
  });
  const pkg = grpc.loadPackageDefinition(def);
  const Service = pkg.milvus.proto.milvus.MilvusService;
  const client = new Service(address, grpc.credentials.createInsecure());
  const md = new grpc.Metadata();
  md.add('authorization', Buffer.from(token).toString('base64'));
  const call = (method, req) =>
    new Promise((resolve, reject) => {
      client[method](req, md, { deadline: Date.now() + TIMEOUT }, (err, res) => (err ? reject(err) : resolve(res)));
    });
  for (const [method, req] of [
    ['OperatePrivilegeV2', { role: { name: 'probe_g' }, grantor: { privilege: { name: 'Search' } }, type: 'Grant', db_name: 'default', collection_name: 'col1' }],
    ['CreatePrivilegeGroup', { group_name: 'probe_pg' }],
    ['ListPrivilegeGroups', {}],
    ['BackupRBAC', {}],
    ['AlterRole', { role_name: 'probe_g', description: 'x' }],
    ['DescribeDatabase', { db_name: 'default' }],
  ]) {
    await rec(`raw grpc-js ${method}`, req, () => call(method, req));
  }
  client.close();
}

async function probeV2AndGroups() {
  const R = 'probe_g';
  await rec('grantPrivilegeV2', {}, () =>
    root.grantPrivilegeV2({ role: R, privilege: 'Search', db_name: 'default', collection_name: 'col1' }),
  );
  await rec('revokePrivilegeV2', {}, () =>
    root.revokePrivilegeV2({ role: R, privilege: 'Search', db_name: 'default', collection_name: 'col1' }),
  );
  await rec('createPrivilegeGroup', {}, () => root.createPrivilegeGroup({ group_name: 'probe_pg' }));
  await rec('listPrivilegeGroups', {}, () => root.listPrivilegeGroups());
  await rec('addPrivilegesToGroup', {}, () => root.addPrivilegesToGroup({ group_name: 'probe_pg', privileges: ['Search'] }));
  await rec('dropPrivilegeGroup', {}, () => root.dropPrivilegeGroup({ group_name: 'probe_pg' }));
  await rec('backupRBAC', {}, () => root.backupRBAC());
  await rec('restoreRBAC', {}, () => root.restoreRBAC({ RBAC_meta: {} }));
}

async function probeAuthorization() {
  await root.createUser({ username: 'probe_alice', password: 'Alice_pw1' });
  const alice = newClient('probe_alice:Alice_pw1');
  const as = (step, fn) => rec(`as probe_alice (no roles): ${step}`, {}, fn);
  await as('getVersion', () => alice.getVersion());
  await as('checkHealth', () => alice.checkHealth());
  await as('listDatabases', () => alice.listDatabases());
  await as('createUser', () => alice.createUser({ username: 'probe_by_alice', password: 'password1' }));
  await as('createRole', () => alice.createRole({ roleName: 'probe_role_by_alice' }));
  await as('listUsers', () => alice.listUsers());
  await as('listRoles', () => alice.listRoles());
  await as('describeUser self', () => alice.describeUser({ username: 'probe_alice' }));
  await as('describeUser root', () => alice.describeUser({ username: 'root' }));
  await as('describeRole public', () => alice.describeRole({ roleName: 'public' }));
  await as('selectGrant/listGrants public', () => alice.listGrants({ roleName: 'public' }));
  await as('selectGrant probe_g db default', () => raw(alice, 'SelectGrant', { entity: { role: { name: 'probe_g' }, db_name: 'default' } }));
  await as('grantPrivilege', () =>
    alice.grantPrivilege({ roleName: 'probe_g', object: 'Global', objectName: '*', privilegeName: 'DropDatabase' }),
  );
  await as('addUserToRole self admin', () => alice.addUserToRole({ username: 'probe_alice', roleName: 'admin' }));
  await as('deleteUser probe_u1', () => alice.deleteUser({ username: 'probe_u1' }));
  await as('updateUser probe_u1 (other user)', () =>
    alice.updateUser({ username: 'probe_u1', oldPassword: 'password2', newPassword: 'password3' }),
  );
  await as('createDatabase', () => alice.createDatabase({ db_name: 'probe_db_alice' }));
  await as('showCollections', () => alice.showCollections());

  // with a role that holds User/*/SelectUser and Global/*/CreateOwnership
  await root.createRole({ roleName: 'probe_ra' });
  await grant(root, { role: 'probe_ra', object: 'User', objectName: '*', privilege: 'SelectUser' });
  await grant(root, { role: 'probe_ra', object: 'Global', objectName: '*', privilege: 'CreateOwnership' });
  await root.addUserToRole({ username: 'probe_alice', roleName: 'probe_ra' });
  const as2 = (step, fn) => rec(`as probe_alice (role probe_ra: User/*/SelectUser + Global/*/CreateOwnership): ${step}`, {}, fn);
  await as2('listUsers', () => alice.listUsers());
  await as2('describeUser root', () => alice.describeUser({ username: 'root' }));
  await as2('listRoles', () => alice.listRoles());
  await as2('createRole', () => alice.createRole({ roleName: 'probe_role_by_alice' }));
  await as2('createUser', () => alice.createUser({ username: 'probe_by_alice', password: 'password1' }));
  await as2('listGrants probe_g', () => alice.listGrants({ roleName: 'probe_g' }));

  // as a member of admin: grantor of a new grant / of a repeated grant
  await root.addUserToRole({ username: 'probe_alice', roleName: 'admin' });
  await as2('(now also admin) grant Global/*/DropDatabase to probe_g (new grant)', () =>
    alice.grantPrivilege({ roleName: 'probe_g', object: 'Global', objectName: '*', privilegeName: 'DropDatabase' }),
  );
  await as2('(now also admin) grant Global/*/CreateCollection to probe_g (already granted by root)', () =>
    alice.grantPrivilege({ roleName: 'probe_g', object: 'Global', objectName: '*', privilegeName: 'CreateCollection' }),
  );
  await rec('SelectGrant probe_g db default (grantors)', {}, async () => compact(await grantsIn('probe_g', 'default')));
  await as2('(admin) updateUser self password', () =>
    alice.updateUser({ username: 'probe_alice', oldPassword: 'Alice_pw1', newPassword: 'Alice_pw2' }),
  );
  await alice.closeConnection();

  // a user without roles changes its own password
  await root.createUser({ username: 'probe_carol', password: 'Carol_pw1' });
  const carol = newClient('probe_carol:Carol_pw1');
  await rec('as probe_carol (no roles): updateUser own password', {}, () =>
    carol.updateUser({ username: 'probe_carol', oldPassword: 'Carol_pw1', newPassword: 'Carol_pw2' }),
  );
  await rec('as probe_carol with the old password after the change: listDatabases', {}, () => carol.listDatabases());
  await carol.closeConnection();
  const carol2 = newClient('probe_carol:Carol_pw2');
  await rec('as probe_carol with the new password: showCollections', {}, () => carol2.showCollections());
  await carol2.closeConnection();

  const bad = newClient('root:wrong_password');
  await rec('wrong password: getVersion', {}, () => bad.getVersion());
  await rec('wrong password: listUsers', {}, () => bad.listUsers());
  await bad.closeConnection();
  const nobody = newClient('probe_nobody:password1');
  await rec('unknown user: listUsers', {}, () => nobody.listUsers());
  await nobody.closeConnection();
  const anon = newClient(undefined);
  await rec('no credentials: listUsers', {}, () => anon.listUsers());
  await rec('no credentials: getVersion', {}, () => anon.getVersion());
  await anon.closeConnection();

  await rec('deleteUser probe_alice (bound to admin and probe_ra)', {}, () => root.deleteUser({ username: 'probe_alice' }));
  await rec('describeRole admin after deleting probe_alice (binding left?)', {}, () => root.describeRole({ roleName: 'admin' }));
  await rec('describeRole probe_ra after deleting probe_alice', {}, () => root.describeRole({ roleName: 'probe_ra' }));
  await rec('createUser probe_alice again (old bindings come back?)', {}, () =>
    root.createUser({ username: 'probe_alice', password: 'Alice_pw1' }),
  );
  await rec('describeUser probe_alice after re-create', {}, () => root.describeUser({ username: 'probe_alice' }));
}

// ---------------------------------------------------------------------------------------------
/** Names this probe creates (also left over by an interrupted earlier run). */
const isProbeName = (name) => /^\s*_?probe/.test(name);

async function cleanup() {
  const log = [];
  const dbs = new Set(['default', 'db1', '*', ...initialDbs]);
  try {
    const d = await root.listDatabases();
    for (const x of d.db_names ?? []) dbs.add(x);
  } catch {
    /* keep going */
  }
  const initialPublic = new Set(Object.values(initialPublicGrants).flat().map((e) => JSON.stringify(e)));
  const roles = ((await root.listRoles()).results ?? []).map((x) => x.role.name);
  for (const role of roles) {
    const keep = initialRoles.includes(role) && !isProbeName(role);
    if (keep && role !== 'public') continue;
    for (const db of dbs) {
      let entities = [];
      try {
        entities = compact(await grantsIn(role, db));
      } catch {
        continue;
      }
      for (const e of entities) {
        if (keep && initialPublic.has(JSON.stringify(e))) continue; // public's own grants stay
        const res = await revoke(root, { role, object: e.object, objectName: e.object_name, privilege: e.privilege, db: e.db_name });
        log.push({ revoke: e, error_code: res.error_code, reason: res.reason });
      }
    }
    if (!keep) {
      const res = await root.dropRole({ roleName: role });
      log.push({ dropRole: role, error_code: res.error_code, reason: res.reason });
    }
  }
  for (const user of (await root.listUsers()).usernames ?? []) {
    if (initialUsers.includes(user) && !isProbeName(user)) continue;
    const res = await root.deleteUser({ username: user });
    log.push({ deleteUser: user, error_code: res.error_code, reason: res.reason });
  }
  if (createdDb1) {
    const res = await root.dropDatabase({ db_name: 'db1' });
    log.push({ dropDatabase: 'db1', error_code: res.error_code, reason: res.reason });
  }
  const after = {
    users: (await root.listUsers()).usernames,
    roles: ((await root.listRoles()).results ?? []).map((x) => x.role.name),
    dbs: (await root.listDatabases()).db_names,
  };
  note('cleanup', { log, after });
}

let failed = null;
try {
  await snapshot();
  note('initial state', { users: initialUsers, roles: initialRoles, dbs: initialDbs, public_grants: initialPublicGrants });
  await probeServer();
  await probeUsers();
  await probeUserLimit();
  await probeRoles();
  await probeRoleLimit();
  await probeDropRole();
  await probeBindings();
  await probeGrants();
  await probeV2AndGroups();
  await probeUnimplementedRaw();
  await probeAuthorization();
} catch (error) {
  failed = String(/** @type {Error} */ (error)?.stack ?? error);
} finally {
  try {
    await cleanup();
  } catch (error) {
    note('cleanup failed', String(/** @type {Error} */ (error)?.stack ?? error));
    failed = failed ?? 'cleanup failed';
  }
  await root.closeConnection();
}

const version = steps.find((s) => s.step === 'getVersion')?.response?.version ?? null;
process.stdout.write(
  JSON.stringify(
    {
      probe: 'scripts/probe-real-milvus.mjs',
      address,
      user: rootUser,
      server_version: version,
      sdk: '@zilliz/milvus2-sdk-node',
      node: process.version,
      started_at: new Date(t0).toISOString(),
      duration_ms: Date.now() - t0,
      failed,
      steps,
    },
    null,
    2,
  ) + '\n',
);
process.exitCode = failed ? 1 : 0;
