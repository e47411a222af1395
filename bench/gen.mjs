// @ts-check
/**
 * Seeded, deterministic policy generator for the benchmarks.
 *
 * Shape (per size S): 16·S tenants, each with its own collections in one of eight databases and
 * three roles (reader, writer, owner); 16·S shared reader roles, each reading three tenants; 640·S
 * users bound mostly to their tenant's roles, one in ten also to a shared reader. That gives
 * 64·S roles, 640·S users and about 6,400·S grants, spread over many roles and databases, the way a
 * multi-tenant deployment grows (never one role holding every grant).
 *
 * Two flavours, because Milvus versions differ in what they can store:
 * - `v1`: single privileges granted by object (every Milvus version, the 2.3/2.4 profiles);
 * - `v2`: the same shape with built-in and custom privilege groups and grants by level
 *   (Milvus >= 2.4.18: the 2.5/2.6 profiles).
 *
 * The output is policy YAML plus the counts it must produce, computed independently of the
 * loader so that the smoke test can check the loader and the generator against each other.
 */

export const BASE = Object.freeze({ tenants: 16, sharedRoles: 16, usersPerTenant: 40, collectionsPerTenant: 20, databases: 8 });

/** The sizes the benchmark runs; `small` is Milvus's default limits (8 custom roles, 99 users). */
export const SIZES = Object.freeze([
  { name: 'small', scale: 0, tenants: 2, sharedRoles: 2, users: 99, defaultLimits: true },
  { name: '1x', scale: 1 },
  { name: '2x', scale: 2 },
  { name: '4x', scale: 4 },
  { name: '8x', scale: 8 },
  { name: '16x', scale: 16 },
]);

/** The environment variable every generated user's password is read from. */
export const PASSWORD_ENV = 'BENCH_USER_PASSWORD';

/**
 * A small, fast, seedable PRNG (mulberry32): the same seed gives the same policy on every machine.
 * The randomised tests use it too, so a failing seed can be replayed anywhere.
 */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pad = (n, width) => String(n).padStart(width, '0');
const list = (items) => `[${items.join(', ')}]`;

const CUSTOM_GROUPS = Object.freeze({
  vector_reader: ['GetStatistics', 'IndexDetail', 'GetLoadState', 'GetLoadingProgress', 'HasPartition', 'ShowPartitions'],
  ingest: ['Insert', 'Upsert', 'Delete', 'Import'],
  maintainer: ['CreateIndex', 'DropIndex', 'Compaction'],
  db_browser: ['ShowCollections', 'DescribeDatabase'],
});

/**
 * Per-collection privileges of each tenant role, and the tenant-wide (database) ones, per flavour.
 * Both flavours give each role the same number of grants, so sizes compare across profiles.
 */
const SHAPES = Object.freeze({
  v1: {
    reader: ['Search', 'Query', 'GetStatistics'],
    writer: ['Search', 'Query', 'GetStatistics', 'Insert', 'Delete', 'Upsert'],
    owner: ['CreateIndex', 'DropIndex', 'Compaction', 'Release', 'IndexDetail'],
    ownerDatabase: ['CreateCollection', 'DropCollection'],
    shared: ['Search', 'Query'],
    sharedDatabase: ['ShowCollections'],
    sharedCluster: [],
  },
  v2: {
    reader: ['Search', 'Query', 'vector_reader'],
    writer: ['Search', 'Query', 'vector_reader', 'ingest', 'Release', 'CreatePartition'],
    owner: ['CollectionAdmin', 'maintainer', 'Release', 'Compaction', 'DropIndex'],
    ownerDatabase: ['DatabaseAdmin', 'db_browser'],
    shared: ['Search', 'Query'],
    sharedDatabase: ['DatabaseReadOnly'],
    sharedCluster: ['ClusterReadOnly'],
  },
});

/**
 * Resolves a size (from SIZES, or a custom one) into concrete counts.
 * @param {{ name?: string, scale: number, tenants?: number, sharedRoles?: number, users?: number, collectionsPerTenant?: number, defaultLimits?: boolean }} size
 */
export function dimensionsOf(size) {
  const scale = size.scale;
  const tenants = size.tenants ?? BASE.tenants * scale;
  const sharedRoles = size.sharedRoles ?? BASE.sharedRoles * scale;
  const users = size.users ?? BASE.usersPerTenant * tenants;
  const collectionsPerTenant = size.collectionsPerTenant ?? BASE.collectionsPerTenant;
  if (!(tenants >= 1) || !(sharedRoles >= 0) || !(users >= 1) || !(collectionsPerTenant >= 1)) throw new Error(`bad benchmark size ${JSON.stringify(size)}`);
  return {
    name: size.name ?? `${scale}x`,
    tenants,
    sharedRoles,
    users,
    collectionsPerTenant,
    databases: Math.min(BASE.databases, tenants),
    defaultLimits: size.defaultLimits === true,
  };
}

/**
 * Generates one policy.
 * @param {{ size: Parameters<typeof dimensionsOf>[0], flavour: 'v1' | 'v2', seed?: number }} options
 * @returns {{ yaml: string, dimensions: ReturnType<typeof dimensionsOf>, expected: { users: number, roles: number, privilegeGroups: number, grants: number, bindings: number } }}
 */
export function generatePolicy({ size, flavour, seed = 7 }) {
  const shape = SHAPES[flavour];
  if (!shape) throw new Error(`unknown flavour ${flavour} (v1 or v2)`);
  const dim = dimensionsOf(size);
  const random = rng(seed + dim.tenants * 7919 + dim.users);
  const tenantName = (t) => pad(t, 4);
  const dbOf = (t) => `db${pad(t % dim.databases, 2)}`;
  const collectionsOf = (t) => Array.from({ length: dim.collectionsPerTenant }, (_, c) => `t${tenantName(t)}_c${pad(c, 2)}`);
  /** Grant tuples written, counted here rather than by the loader (the smoke test compares the two). */
  let grants = 0;
  const out = [];
  const line = (text) => out.push(text);

  line('# Generated by bench/gen.mjs: a synthetic multi-tenant policy for the benchmarks.');
  line('version: 1');
  line('target:');
  line(`  minVersion: "${flavour === 'v2' ? '2.5' : '2.3'}"`);
  if (!dim.defaultLimits) {
    line('  limits:');
    line(`    maxRoles: ${(dim.tenants * 3 + dim.sharedRoles) * 2 + 2}`);
    line(`    maxUsers: ${dim.users * 2 + 1}`);
  }
  line('scope:');
  line('  roles: { prefixes: [tn_, sh_] }');
  line('  users: { prefixes: [u_] }');
  line(`databases: ${list(Array.from({ length: dim.databases }, (_, d) => `db${pad(d, 2)}`))}`);

  let privilegeGroups = 0;
  if (flavour === 'v2') {
    line('privilegeGroups:');
    for (const [name, privileges] of Object.entries(CUSTOM_GROUPS)) {
      line(`  ${name}:`);
      line(`    privileges: ${list(privileges)}`);
      privilegeGroups++;
    }
  }

  const collectionGrant = (privileges, db, collections) => {
    grants += privileges.length * collections.length;
    if (flavour === 'v1') {
      line('      - object: Collection');
      line(`        objectNames: ${list(collections)}`);
      line(`        privileges: ${list(privileges)}`);
      line(`        database: ${db}`);
    } else {
      line(`      - privileges: ${list(privileges)}`);
      line(`        database: ${db}`);
      line(`        collections: ${list(collections)}`);
    }
  };
  const databaseGrant = (privileges, dbs) => {
    if (privileges.length === 0 || dbs.length === 0) return;
    grants += privileges.length * dbs.length;
    if (flavour === 'v1') {
      line('      - object: Global');
      line(`        privileges: ${list(privileges)}`);
      line(`        databases: ${list(dbs)}`);
    } else {
      line(`      - privileges: ${list(privileges)}`);
      line('        level: database');
      line(`        databases: ${list(dbs)}`);
    }
  };
  const clusterGrant = (privileges) => {
    if (privileges.length === 0) return;
    grants += privileges.length;
    line(`      - privileges: ${list(privileges)}`);
    line('        level: cluster');
  };

  line('roles:');
  const tenantRoles = [];
  for (let t = 0; t < dim.tenants; t++) {
    const db = dbOf(t);
    const collections = collectionsOf(t);
    for (const kind of ['reader', 'writer', 'owner']) {
      const role = `tn_${tenantName(t)}_${kind}`;
      tenantRoles.push(role);
      line(`  ${role}:`);
      line('    grants:');
      collectionGrant(shape[kind], db, collections);
      if (kind === 'owner') databaseGrant(shape.ownerDatabase, [db]);
    }
  }
  const sharedRoles = [];
  for (let s = 0; s < dim.sharedRoles; s++) {
    const role = `sh_${pad(s, 4)}_reader`;
    sharedRoles.push(role);
    // Three distinct tenants, chosen by the seeded generator.
    const picked = new Set();
    while (picked.size < Math.min(3, dim.tenants)) picked.add(Math.floor(random() * dim.tenants));
    const tenants = [...picked].sort((a, b) => a - b);
    line(`  ${role}:`);
    line('    grants:');
    for (const t of tenants) collectionGrant(shape.shared, dbOf(t), collectionsOf(t));
    databaseGrant(shape.sharedDatabase, [...new Set(tenants.map(dbOf))].sort());
    clusterGrant(shape.sharedCluster);
  }

  line('users:');
  let bindings = 0;
  for (let u = 0; u < dim.users; u++) {
    const t = u % dim.tenants;
    const slot = Math.floor(u / dim.tenants);
    // Mostly readers, some writers, a few owners: the way application and analyst accounts spread.
    const kind = slot % 10 < 6 ? 'reader' : slot % 10 < 9 ? 'writer' : 'owner';
    const roles = [`tn_${tenantName(t)}_${kind}`];
    if (dim.sharedRoles > 0 && u % 10 === 0) roles.push(sharedRoles[Math.floor(random() * dim.sharedRoles)]);
    bindings += roles.length;
    line(`  u_${tenantName(t)}_${pad(slot, 4)}: { roles: ${list(roles)}, password: { env: ${PASSWORD_ENV} } }`);
  }

  return {
    yaml: `${out.join('\n')}\n`,
    dimensions: dim,
    expected: { users: dim.users, roles: tenantRoles.length + sharedRoles.length, privilegeGroups, grants, bindings },
  };
}
