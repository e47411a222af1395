import { RbacObjects } from '@zilliz/milvus2-sdk-node';
import { credentials, makeGenericClientConstructor, Metadata } from '@grpc/grpc-js';
import type { ServiceError } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { milvusServiceDefinition } from '../../src/emulator/proto.js';
import { PROFILE_VERSION_STRING, VERSION_PROFILES, featuresOf, parseMilvusVersion } from '../../src/model/versions.js';
import type { FeatureSet } from '../../src/model/versions.js';
import type { VersionProfile } from '../../src/model/versions.js';
import { expectError, expectOk } from './expect.js';
import { ON_REAL, sdkCall, source, useTarget } from './target.js';
import type { Target } from './target.js';

/**
 * Behaviour that differs between Milvus versions. On the emulator every profile runs; against a
 * real server only the block matching its version runs, the others skip saying why.
 */

function onProfile(t: Target, profile: VersionProfile, skip: (reason: string) => void): void {
  if (t.profile !== profile) skip(`the target runs Milvus ${t.versionString}, not ${profile}`);
}

/** A raw grpc-js call (no SDK): the SDK turns UNIMPLEMENTED into an empty success, hiding the message. */
async function rawCall(address: string, method: string, request: object): Promise<ServiceError | null> {
  const Client = makeGenericClientConstructor(milvusServiceDefinition(), 'MilvusService');
  const client = new Client(address, credentials.createInsecure());
  const metadata = new Metadata();
  metadata.set('authorization', Buffer.from('root:Milvus').toString('base64'));
  type Unary = (req: object, md: Metadata, cb: (error: ServiceError | null) => void) => void;
  const call = (client as unknown as Record<string, Unary>)[method] as Unary;
  try {
    return await new Promise<ServiceError | null>((resolve) => call.call(client, request, metadata, (error) => resolve(error)));
  } finally {
    client.close();
  }
}

function featuresOfProfile(profile: VersionProfile): FeatureSet {
  const version = parseMilvusVersion(PROFILE_VERSION_STRING[profile]);
  if (!version) throw new Error(`bad profile ${profile}`);
  return featuresOf(version);
}

for (const profile of VERSION_PROFILES) {
  const has = featuresOfProfile(profile);
  describe(`Milvus ${profile} profile`, () => {
    const target = useTarget({ milvusVersion: profile });

    it(`${source('GetVersion')} reports a ${profile}.x version`, async (ctx) => {
      const t = target();
      onProfile(t, profile, (r) => ctx.skip(r));
      const root = await t.client();
      const { version } = await root.getVersion();
      expect(version.startsWith(`v${profile}.`)).toBe(true);
      if (t.kind === 'emulator') expect(version).toBe(PROFILE_VERSION_STRING[profile]);
    });

    it(`${source('OperatePrivilegeV2 exists from 2.5; probe 2.3.5: unknown method')} v2 grants ${has.grantV2 ? 'work' : 'are an unknown method'}`, async (ctx) => {
      const t = target();
      onProfile(t, profile, (r) => ctx.skip(r));
      const root = await t.client();
      const role = t.name('v2');
      await root.createRole({ roleName: role });
      const answer = await root.grantPrivilegeV2({ role, privilege: 'Search', db_name: 'default', collection_name: 'col1' });
      if (t.features.grantV2) expectOk(answer);
      // The SDK answers UNIMPLEMENTED with an empty object: no status at all.
      else expect((answer as { error_code?: string }).error_code).toBeUndefined();
    });

    it(`${source('grpc-go: unknown method; probe 2.3.5')} privilege-group calls ${has.privilegeGroups ? 'exist' : 'answer gRPC UNIMPLEMENTED "unknown method"'}`, async (ctx) => {
      const t = target();
      onProfile(t, profile, (r) => ctx.skip(r));
      const error = await rawCall(t.address, 'ListPrivilegeGroups', {});
      if (t.features.privilegeGroups) expect(error).toBeNull();
      else {
        expect(error?.code).toBe(12);
        expect(error?.details).toBe('unknown method ListPrivilegeGroups for service milvus.proto.milvus.MilvusService');
      }
    });

    it(`${source('kv_catalog ListGrant db filter; probe 2.3.5')} SelectGrant with db * ${has.selectGrantAllDatabases ? 'returns every database' : 'returns only grants stored with db *'}`, async (ctx) => {
      const t = target();
      onProfile(t, profile, (r) => ctx.skip(r));
      const root = await t.client();
      const role = t.name('dbstar');
      await root.createRole({ roleName: role });
      await root.grantPrivilege({ roleName: role, object: RbacObjects.Collection, objectName: 'col1', privilegeName: 'Search' });
      const inAny = await t.client({ user: 'root', password: 'Milvus', database: '*' });
      await inAny.grantPrivilege({ roleName: role, object: RbacObjects.Collection, objectName: 'col1', privilegeName: 'Query' });
      const listed = (await root.listGrants({ roleName: role })).entities.map((e) => `${e.db_name}/${e.grantor.privilege.name}`);
      expect(listed.sort()).toEqual(t.features.selectGrantAllDatabases ? ['*/Query', 'default/Search'] : ['*/Query']);
    });

    it(`${source('RelatedPrivileges in the proxy (2.4+); probe 2.3.5 adds none')} v1 Load ${has.relatedPrivileges ? 'adds' : 'does not add'} GetLoadState / GetLoadingProgress`, async (ctx) => {
      const t = target();
      onProfile(t, profile, (r) => ctx.skip(r));
      const root = await t.client();
      const role = t.name('rel');
      await root.createRole({ roleName: role });
      await root.grantPrivilege({ roleName: role, object: RbacObjects.Collection, objectName: 'c', privilegeName: 'Load' });
      const names = (await root.listGrants({ roleName: role, db_name: 'default' })).entities.map((e) => e.grantor.privilege.name);
      expect(names.length).toBe(t.features.relatedPrivileges ? 3 : 1);
    });

    it(`${source('rootcoord DropRole force_drop (2.5+); probe 2.3.5 ignores it')} force_drop is ${has.forceDrop ? 'honoured' : 'ignored'}`, async (ctx) => {
      const t = target();
      onProfile(t, profile, (r) => ctx.skip(r));
      const root = await t.client();
      const role = t.name('force');
      await root.createRole({ roleName: role });
      await root.grantPrivilege({ roleName: role, object: RbacObjects.Global, objectName: '*', privilegeName: 'CreateCollection' });
      const answer = await sdkCall<{ error_code: string; reason: string }>(root, 'DropRole', { role_name: role, force_drop: true });
      if (t.features.forceDrop) expectOk(answer);
      else expectError(answer, { error_code: 'DropRoleFailure', exact: 'fail to drop the role that it has privileges. Use REVOKE API to revoke privileges' });
    });

    it(`${source('probe 2.3.5: dropRole with grants only in db1')} dropping a role whose grants are all in another database ${has.selectGrantAllDatabases ? 'is refused' : 'succeeds and leaves them behind'}`, async (ctx) => {
      const t = target();
      onProfile(t, profile, (r) => ctx.skip(r));
      const root = await t.client();
      const role = t.name('orph');
      const db = t.name('odb');
      t.track('database', db);
      await root.createDatabase({ db_name: db });
      await root.createRole({ roleName: role });
      const inDb = await t.client({ user: 'root', password: 'Milvus', database: db });
      await inDb.grantPrivilege({ roleName: role, object: RbacObjects.Collection, objectName: 'col1', privilegeName: 'Insert' });
      const answer = await root.dropRole({ roleName: role });
      if (t.features.selectGrantAllDatabases) {
        expectError(answer, { reason: 'fail to drop the role that it has privileges' });
      } else {
        expectOk(answer);
        await root.createRole({ roleName: role });
        const back = (await root.listGrants({ roleName: role, db_name: db })).entities.map((e) => e.grantor.privilege.name);
        expect(back).toEqual(['Insert']);
      }
    });
  });
}

describe.skipIf(ON_REAL)('version option (emulator only: a real server has one version)', () => {
  const target = useTarget({ milvusVersion: 'v2.4.5' });
  it(`${source('featuresOf')} a full version string selects features by version`, async () => {
    const t = target();
    expect(t.versionString).toBe('v2.4.5');
    expect(t.features.grantV2).toBe(false);
  });
});
