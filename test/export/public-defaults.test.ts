import { afterEach, describe, expect, it } from 'vitest';
import { selectForExport } from '../../src/export/select.js';
import { startEmulator } from '../../src/emulator/index.js';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { connect } from '../../src/milvus/connection.js';
import { connectionOptionsFromEnv } from '../../src/milvus/connection-settings.js';
import { readLiveState } from '../../src/milvus/read-state.js';
import { PUBLIC_DEFAULT_GRANTS, publicDefaultGrants } from '../../src/model/names.js';
import type { Grant, RbacState } from '../../src/model/types.js';
import { parseMilvusVersion } from '../../src/model/versions.js';
import type { MilvusVersion } from '../../src/model/versions.js';

/**
 * Whether export adopts `public` depends on what a fresh server gives it: its default grants,
 * or nothing when the server runs with enablePublicPrivilege false.
 */

const withPublic = (grants: readonly Grant[]): RbacState => ({ users: [], roles: [{ name: 'public', grants: [...grants] }], privilegeGroups: [] });
const exportedRoles = (live: RbacState, options: Parameters<typeof selectForExport>[2] = {}): string[] =>
  selectForExport(live, {}, options).desired.state.roles.map((r) => r.name);

describe('selectForExport and public', () => {
  it('leaves public out when it holds a fresh server\'s defaults (enablePublicPrivilege true, the default)', () => {
    expect(exportedRoles(withPublic(PUBLIC_DEFAULT_GRANTS))).toEqual([]);
    expect(exportedRoles(withPublic(PUBLIC_DEFAULT_GRANTS), { serverSettings: { enablePublicPrivilege: true } })).toEqual([]);
    expect(exportedRoles(withPublic([]))).toEqual(['public']);
  });

  it('with enablePublicPrivilege false a fresh public has nothing: an empty public is left out, leftover defaults are adopted', () => {
    const off = { serverSettings: { enablePublicPrivilege: false } };
    expect(exportedRoles(withPublic([]), off)).toEqual([]);
    expect(exportedRoles(withPublic(PUBLIC_DEFAULT_GRANTS), off)).toEqual(['public']);
  });

  it('compares with the defaults of the server\'s release, accepting what earlier releases left behind', () => {
    const v254 = parseMilvusVersion('2.5.4') as MilvusVersion;
    const v235 = parseMilvusVersion('2.3.5') as MilvusVersion;
    const current = publicDefaultGrants(v254);
    const old = publicDefaultGrants(v235);
    const upgraded = [...old, ...current.filter((g) => !old.some((o) => o.privilege === g.privilege))];
    expect(exportedRoles(withPublic(current), { version: v254 })).toEqual([]);
    // Start-up only adds: a server first started on 2.3 keeps ShowCollections after the upgrade.
    expect(exportedRoles(withPublic(upgraded), { version: v254 })).toEqual([]);
    // A 2.5.4 start grants its own set again, so one missing from it was revoked since.
    expect(exportedRoles(withPublic(old), { version: v254 })).toEqual(['public']);
    // A 2.3.5 server never had 2.5's set.
    expect(exportedRoles(withPublic(current), { version: v235 })).toEqual(['public']);
    expect(exportedRoles(withPublic([...current, { objectType: 'Collection', objectName: '*', dbName: '*', privilege: 'Search' }]), { version: v254 })).toEqual(['public']);
  });

  it('without a version, accepts the defaults of any release', () => {
    for (const v of ['2.3.5', '2.4.5', '2.5.4', '2.6.0']) {
      expect(exportedRoles(withPublic(publicDefaultGrants(parseMilvusVersion(v) as MilvusVersion)))).toEqual([]);
    }
  });
});

describe('export selection from a live server without public grants (SDK against the emulator)', () => {
  let emulator: RunningEmulator | undefined;
  afterEach(async () => {
    await emulator?.stop();
    emulator = undefined;
  });

  it('adopts public only when the server is not declared to run with enablePublicPrivilege false', async () => {
    // A seeded emulator starts with a public role holding nothing: a server whose
    // enablePublicPrivilege was false from the start looks like this.
    emulator = await startEmulator({ port: 0, milvusVersion: '2.5', seed: { state: { users: [], roles: [], privilegeGroups: [] } } });
    const conn = await connect(connectionOptionsFromEnv({ address: emulator.address }, { MILVUS_TOKEN: 'root:Milvus' }));
    try {
      const live = await readLiveState(conn);
      expect(live.state.roles.find((r) => r.name === 'public')?.grants).toEqual([]);
      expect(exportedRoles(live.state, { version: live.version })).toEqual(['public']);
      expect(exportedRoles(live.state, { version: live.version, serverSettings: { enablePublicPrivilege: false } })).toEqual([]);
    } finally {
      await conn.close();
    }
  });
});
