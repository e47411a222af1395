import type { RbacObjects } from '@zilliz/milvus2-sdk-node';
import { describe, expect, it } from 'vitest';
import { expectError, expectOk } from './expect.js';
import { ON_REAL, source, useTarget } from './target.js';
import type { Target } from './target.js';

/**
 * The privilege catalogue at each version boundary, through the real SDK: what each release's
 * ListPrivilegeGroups lists, which names a v1 and a v2 grant accept, and levels. Sources are
 * milvus-io/milvus `pkg/util/constant.go` and `internal/rootcoord/root_coord.go` at each release
 * commit, and milvus-proto `proto/common.proto` at each tag (docs/milvus-behaviour.md, "Privilege
 * catalogue 2.6 and 3.0"). On a real server only the old behaviour its version shows is checked.
 */

async function groupMembers(t: Target, group: string): Promise<string[]> {
  const root = await t.client();
  const listed = await root.listPrivilegeGroups();
  expectOk(listed);
  const found = (listed.privilege_groups ?? []).find((g) => g.group_name === group);
  if (!found) throw new Error(`${group} is not listed by Milvus ${t.versionString}`);
  return found.privileges.map((p) => p.name);
}

async function grantV1(t: Target, role: string, objectType: string, privilege: string): Promise<object> {
  const root = await t.client();
  return root.grantPrivilege({ roleName: role, object: objectType as RbacObjects, objectName: objectType === 'Global' ? '*' : 'books', privilegeName: privilege });
}

async function grantV2(t: Target, role: string, privilege: string, collection = '*'): Promise<object> {
  const root = await t.client();
  return root.grantPrivilegeV2({ role, privilege, db_name: collection === '*' ? '*' : 'default', collection_name: collection });
}

async function freshRole(t: Target, suffix: string): Promise<string> {
  const role = t.name(suffix);
  expectOk(await (await t.client()).createRole({ roleName: role }));
  return role;
}

describe.skipIf(ON_REAL)('privilege catalogue by version (emulator)', () => {
  describe('2.5.4: before the 2.6 privileges', () => {
    const target = useTarget({ milvusVersion: '2.5.4' });
    it(`${source('proto common.proto v2.5.x: enum stops at 59/68')} refuses AddCollectionField in v1 and v2 grants`, async () => {
      const t = target();
      const role = await freshRole(t, 'p25');
      expectError(await grantV1(t, role, 'Collection', 'AddCollectionField'), { reason: 'not found the privilege name[AddCollectionField] in object[Collection]' });
      expectError(await grantV2(t, role, 'AddCollectionField', 'books'), { reason: 'not found the privilege name[AddCollectionField]' });
      expect(await groupMembers(t, 'CollectionReadOnly')).not.toContain('GetImportProgress');
    });
  });

  describe('2.6.0: import progress and AddCollectionField', () => {
    const target = useTarget({ milvusVersion: '2.6.0' });
    it(`${source('constant.go @ c8789513eb (v2.6.0)')} grants them in v1 on Collection and lists them in the collection groups`, async () => {
      const t = target();
      const role = await freshRole(t, 'p260');
      for (const p of ['GetImportProgress', 'ListImport', 'AddCollectionField']) expectOk(await grantV1(t, role, 'Collection', p));
      const ro = await groupMembers(t, 'CollectionReadOnly');
      expect(ro).toEqual(expect.arrayContaining(['GetImportProgress', 'ListImport']));
      expect(ro).not.toContain('AddCollectionField');
      expect(await groupMembers(t, 'CollectionReadWrite')).toContain('AddCollectionField');
      expect(await groupMembers(t, 'ClusterAdmin')).not.toContain('UpdateReplicateConfiguration');
    });
    it(`${source('proto common.proto v2.6.0: no enum 72..74')} refuses the file-resource privileges`, async () => {
      const t = target();
      const role = await freshRole(t, 'f260');
      expectError(await grantV2(t, role, 'AddFileResource'), { reason: 'not found the privilege name[AddFileResource]' });
    });
  });

  describe('2.6.1: file resources, in the enum only', () => {
    const target = useTarget({ milvusVersion: '2.6.1' });
    it(`${source('proto v2.6.1 enum 72..74; constant.go: in no ObjectPrivileges list')} a v2 grant accepts AddFileResource, a v1 grant refuses it`, async () => {
      const t = target();
      const role = await freshRole(t, 'f261');
      expectOk(await grantV2(t, role, 'AddFileResource'));
      expectError(await grantV1(t, role, 'Global', 'AddFileResource'), { reason: 'not found the privilege name[AddFileResource] in object[Global]' });
    });
  });

  describe('2.6.6 and 2.6.16: replication', () => {
    const v266 = useTarget({ milvusVersion: '2.6.6' });
    it(`${source('2.6 commit 58f4afd3f0 (#45236), first in v2.6.6')} ClusterAdmin and legacy Admin gain UpdateReplicateConfiguration`, async () => {
      const t = v266();
      expect(await groupMembers(t, 'ClusterAdmin')).toContain('UpdateReplicateConfiguration');
      expect(await groupMembers(t, 'Admin')).toContain('UpdateReplicateConfiguration');
      expect(await groupMembers(t, 'ClusterReadOnly')).not.toContain('GetReplicateConfiguration');
    });
    const v2616 = useTarget({ milvusVersion: '2.6.16' });
    it(`${source('2.6 commit a924a2bf55 (#49276): groups no longer shipped in milvus.yaml, from v2.6.16')} ClusterReadOnly lists GetReplicateConfiguration`, async () => {
      const t = v2616();
      expect(await groupMembers(t, 'ClusterReadOnly')).toContain('GetReplicateConfiguration');
      expect(await groupMembers(t, 'ClusterAdmin')).toContain('RenameCollection');
    });
  });

  describe('2.6.22 against 3.0.0: snapshots and RenameCollection', () => {
    const v2622 = useTarget({ milvusVersion: '2.6' });
    it(`${source('proto v2.6.22: no snapshot privileges; constant.go: RenameCollection in ClusterAdmin')} refuses CreateSnapshot and keeps RenameCollection cluster-level`, async () => {
      const t = v2622();
      expect(t.versionString).toBe('v2.6.22');
      const role = await freshRole(t, 's2622');
      expectError(await grantV1(t, role, 'Collection', 'CreateSnapshot'), { reason: 'not found the privilege name[CreateSnapshot] in object[Collection]' });
      const root = await t.client();
      const group = t.name('g2622');
      expectOk(await root.createPrivilegeGroup({ group_name: group }));
      expectOk(await root.addPrivilegesToGroup({ group_name: group, privileges: ['CreateCollection'] }));
      expectError(await root.addPrivilegesToGroup({ group_name: group, privileges: ['RenameCollection'] }), { reason: 'privileges are not the same privilege level' });
    });
    const v300 = useTarget({ milvusVersion: '3.0' });
    it(`${source('constant.go @ f46a032855 (v3.0.0)')} grants snapshot privileges and makes RenameCollection database-level`, async () => {
      const t = v300();
      expect(t.versionString).toBe('v3.0.0');
      const role = await freshRole(t, 's300');
      for (const p of ['CreateSnapshot', 'DropSnapshot', 'DescribeSnapshot', 'ListSnapshots', 'RestoreSnapshot', 'AlterCollectionSchema', 'RefreshExternalCollection']) {
        expectOk(await grantV1(t, role, 'Collection', p));
      }
      for (const p of ['PinSnapshotData', 'ExportSnapshot', 'RestoreExternalSnapshot', 'Expr']) expectOk(await grantV1(t, role, 'Global', p));
      expect(await groupMembers(t, 'DatabaseAdmin')).toContain('RenameCollection');
      expect(await groupMembers(t, 'ClusterAdmin')).not.toContain('RenameCollection');
      expect(await groupMembers(t, 'ReadWrite')).not.toContain('RenameCollection');
      expect(await groupMembers(t, 'CollectionReadOnly')).toEqual(expect.arrayContaining(['DescribeSnapshot', 'ListSnapshots']));
      const root = await t.client();
      const group = t.name('g300');
      expectOk(await root.createPrivilegeGroup({ group_name: group }));
      expectOk(await root.addPrivilegesToGroup({ group_name: group, privileges: ['CreateCollection', 'RenameCollection'] }));
      expectError(await grantV2(t, role, 'SkipRLS'), { reason: 'not found the privilege name[SkipRLS]' });
    });
  });
});

describe('2.6 privileges on a server before 2.6', () => {
  const target = useTarget({ milvusVersion: '2.3' });
  it(`${source('probe 2.3.5; constant.go 2.3-era ObjectPrivileges')} a v1 grant of AddCollectionField is refused`, async (ctx) => {
    const t = target();
    if (t.profile !== '2.3') ctx.skip(`the target runs Milvus ${t.versionString}`);
    const role = await freshRole(t, 'old');
    expectError(await grantV1(t, role, 'Collection', 'AddCollectionField'), { reason: 'not found the privilege name[AddCollectionField]' });
  });
});
