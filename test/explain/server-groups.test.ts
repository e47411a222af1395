import { describe, expect, it } from 'vitest';
import {
  buildQuery,
  effectiveAccess,
  explainJson,
  explainUser,
  renderExplainText,
  renderWhoCanText,
  whoCan,
  whoCanFor,
} from '../../src/explain/index.js';
import type { ExplainSource } from '../../src/explain/index.js';
import { AccessIndex } from '../../src/model/access.js';
import { catalogueAt } from '../../src/model/catalogue-at-version.js';
import { canonicalState } from '../../src/model/canonical.js';
import type { RbacState } from '../../src/model/types.js';
import type { MilvusVersion } from '../../src/model/versions.js';
import { parseMilvusVersion } from '../../src/model/versions.js';
import { randomState, USERS } from './random-state.js';

/**
 * Built-in group members as a live server lists them (milvus.yaml overrides, unknown releases)
 * against the catalogue's. The emulator's groups are the catalogue's, so a differing server is
 * built here from the catalogue's lists.
 */

const V2616 = parseMilvusVersion('2.6.16') as MilvusVersion;
const catalogueGroups = (version: MilvusVersion): Map<string, readonly string[]> =>
  new Map(catalogueAt(version).builtinGroups.map((g) => [g.name, g.privileges]));

/** The catalogue's lists with one group's members changed. */
function serverWith(group: string, change: (members: readonly string[]) => readonly string[], version = V2616): Map<string, readonly string[]> {
  const groups = catalogueGroups(version);
  const members = groups.get(group);
  if (!members) throw new Error(`no built-in group ${group} at this version`);
  groups.set(group, change(members));
  return groups;
}

const STATE: RbacState = canonicalState({
  users: [
    { name: 'watcher', roles: ['cluster_ro'] },
    { name: 'reader', roles: ['legacy_ro'] },
    { name: 'analyst', roles: ['coll_ro'] },
  ],
  roles: [
    { name: 'cluster_ro', grants: [{ objectType: 'Global', objectName: '*', dbName: '*', privilege: 'ClusterReadOnly' }] },
    { name: 'legacy_ro', grants: [{ objectType: 'Collection', objectName: 'books', dbName: 'default', privilege: 'ReadOnly' }] },
    { name: 'coll_ro', grants: [{ objectType: 'Global', objectName: 'books', dbName: 'default', privilege: 'CollectionReadOnly' }] },
  ],
  privilegeGroups: [],
});

const holders = (index: AccessIndex, privilege: string, collection?: string): string[] =>
  whoCan(index, buildQuery({ privilege, ...(collection ? { collection } : {}) }))
    .roles.map((r) => r.role)
    .sort();

describe('effective access with the server built-in group lists', () => {
  it('follows a v2 group the server lists without a member (who-can ListDatabases changes)', () => {
    const server = serverWith('ClusterReadOnly', (m) => m.filter((p) => p !== 'ListDatabases'));
    expect(holders(new AccessIndex(STATE, V2616), 'ListDatabases')).toContain('cluster_ro');
    const overridden = new AccessIndex(STATE, V2616, server);
    expect(holders(overridden, 'ListDatabases')).not.toContain('cluster_ro');
    // The rest of the group still counts, and groups it did not change keep their members.
    expect(holders(overridden, 'SelectUser')).toContain('cluster_ro');
    expect(holders(overridden, 'Search', 'books')).toEqual(expect.arrayContaining(['coll_ro', 'legacy_ro']));
    expect(overridden.decide('watcher', { privilege: 'ListDatabases', objectType: 'Global', objectName: '*', dbName: 'default' }).allowed).toBe(false);
  });

  it('follows a v2 group the server lists with an extra member', () => {
    const server = serverWith('CollectionReadOnly', (m) => [...m, 'Insert']);
    expect(holders(new AccessIndex(STATE, V2616), 'Insert', 'books')).not.toContain('coll_ro');
    const paths = new AccessIndex(STATE, V2616, server).rolePaths('coll_ro', buildQuery({ privilege: 'Insert', collection: 'books' }));
    expect(paths.map((p) => p.via)).toEqual([['CollectionReadOnly']]);
  });

  it('follows the legacy groups as the server lists them, in the matcher and in explain', () => {
    const server = serverWith('ReadOnly', (m) => m.filter((p) => p !== 'Search'));
    expect(holders(new AccessIndex(STATE, V2616), 'Search', 'books')).toContain('legacy_ro');
    const index = new AccessIndex(STATE, V2616, server);
    expect(holders(index, 'Search', 'books')).not.toContain('legacy_ro');
    const listed = effectiveAccess(index, 'reader').entries.map((e) => e.privilege);
    expect(listed).toContain('Query');
    expect(listed).not.toContain('Search');
  });

  it('uses the catalogue for a group the server does not list', () => {
    const server = new Map([['ClusterReadOnly', ['SelectUser']]]);
    const index = new AccessIndex(STATE, V2616, server);
    expect(holders(index, 'ListDatabases')).not.toContain('cluster_ro');
    expect(holders(index, 'Search', 'books')).toEqual(expect.arrayContaining(['coll_ro', 'legacy_ro']));
  });

  it('answers exactly as without it when the server lists the catalogue (random states, 2.6.16 and 2.5.4)', () => {
    for (const text of ['2.6.16', '2.5.4']) {
      const version = parseMilvusVersion(text) as MilvusVersion;
      for (let seed = 1; seed <= 10; seed++) {
        const state = randomState(seed * 7919);
        const plain = new AccessIndex(state, version);
        const served = new AccessIndex(state, version, catalogueGroups(version));
        for (const user of USERS) expect(effectiveAccess(served, user)).toEqual(effectiveAccess(plain, user));
      }
    }
  });

  it('carries a privilege the catalogue does not know by name, from a group list or a grant, without failing', () => {
    const server = serverWith('ClusterReadOnly', (m) => [...m, 'FutureClusterPeek']);
    server.set('ReadOnly', [...(server.get('ReadOnly') ?? []), 'FutureCollectionPeek']);
    const state = canonicalState({
      ...STATE,
      roles: [...STATE.roles, { name: 'future', grants: [{ objectType: 'Global', objectName: '*', dbName: 'default', privilege: 'FutureDirectGrant' }] }],
      users: [...STATE.users, { name: 'newcomer', roles: ['future'] }],
    });
    const index = new AccessIndex(state, V2616, server);
    const watcher = effectiveAccess(index, 'watcher');
    expect(watcher.entries.find((e) => e.privilege === 'FutureClusterPeek')).toMatchObject({ objectType: 'Global', via: ['ClusterReadOnly'] });
    expect(effectiveAccess(index, 'reader').entries.find((e) => e.privilege === 'FutureCollectionPeek')).toMatchObject({ dbName: 'default', via: ['ReadOnly'] });
    // A grant of an unknown name is shown as giving nothing the tool can match, not a crash.
    const newcomer = effectiveAccess(index, 'newcomer');
    expect(newcomer.ineffective.map((i) => i.grant.privilege)).toEqual(['FutureDirectGrant']);
    expect(renderExplainText(watcher)).toMatch(/^ {4}FutureClusterPeek {2}<- role cluster_ro: grant ClusterReadOnly on Global \* in db \* \(via ClusterReadOnly\)$/m);
    expect(watcher.notes?.join('\n')).toMatch(/FutureClusterPeek is unknown to the tool and taken as Global/);
  });
});

describe('the note when the server lists differ from the catalogue', () => {
  const server = serverWith('ClusterReadOnly', (m) => [...m.filter((p) => p !== 'ListDatabases'), 'FlushAll']);
  const source: ExplainSource = { state: STATE, version: V2616, origin: 'test', builtinGroups: server };
  const NOTE =
    "Note: on this server ClusterReadOnly also has FlushAll and lacks ListDatabases (milvus.yaml common.security.rbac.cluster.readonly.privileges overrides it, or the release is one the tool does not know); effective access uses the server's lists";

  it('names the group and what it gains and lacks, in explain text and JSON', () => {
    const access = explainUser(source, 'watcher');
    expect(access.notes).toEqual([NOTE]);
    const text = renderExplainText(access);
    expect(text.split('\n')[1]).toBe(NOTE);
    expect(text).toMatch(/^ {4}FlushAll {2}<- role cluster_ro/m);
    expect(text).not.toMatch(/^ {4}ListDatabases /m);
    const json = JSON.parse(JSON.stringify(explainJson(access))) as { notes: string[]; builtinGroupDifferences: unknown[] };
    expect(json.notes).toEqual([NOTE]);
    expect(json.builtinGroupDifferences).toEqual([{ group: 'ClusterReadOnly', added: ['FlushAll'], missing: ['ListDatabases'] }]);
  });

  it('appears with who-can too, and the answer follows the server', () => {
    const answer = whoCanFor(source, { privilege: 'ListDatabases' });
    expect(answer.notes).toEqual([NOTE]);
    expect(answer.roles.map((r) => r.role)).not.toContain('cluster_ro');
    expect(renderWhoCanText(answer).split('\n')[1]).toBe(NOTE);
  });

  it('says a legacy group cannot come from milvus.yaml', () => {
    const legacy: ExplainSource = { ...source, builtinGroups: serverWith('Admin', (m) => m.filter((p) => p !== 'BackupRBAC')) };
    expect(explainUser(legacy, 'reader').notes).toEqual([
      "Note: on this server Admin lacks BackupRBAC (a release the tool does not know); effective access uses the server's lists",
    ]);
  });

  it('is absent when the lists match, and from a policy source, so those answers keep their shape', () => {
    const same: ExplainSource = { ...source, builtinGroups: catalogueGroups(V2616) };
    const policy: ExplainSource = { state: STATE, version: V2616, origin: 'policy' };
    for (const s of [same, policy]) {
      const access = explainUser(s, 'watcher');
      expect(access.notes).toBeUndefined();
      expect(Object.keys(explainJson(access))).toEqual(['formatVersion', 'user', 'unconditional', 'roles', 'privileges', 'ineffective']);
      expect(renderExplainText(access)).not.toContain('Note:');
      expect(Object.keys(whoCanFor(s, { privilege: 'ListDatabases' }))).toEqual(['query', 'users', 'roles']);
    }
  });

  it('puts the source notes first (e.g. the groups could not be listed)', () => {
    const refused: ExplainSource = { state: STATE, version: V2616, origin: 'test', notes: ['Note: could not list'] };
    expect(explainUser(refused, 'watcher').notes).toEqual(['Note: could not list']);
    expect(explainUser({ ...source, notes: ['Note: first'] }, 'watcher').notes).toEqual(['Note: first', NOTE]);
    expect(whoCanFor(refused, { privilege: 'ListDatabases' }).notes).toEqual(['Note: could not list']);
  });
});
