import { describe, it } from 'vitest';
import { expectError, expectOk } from './expect.js';
import { ON_REAL, source, useTarget } from './target.js';

/**
 * How root-coordinator refusals read in three bands: before 2.6.6 the bare message; from 2.6.6
 * (the new DDL framework, commit 318db122b8, #45025) with its "failed to check if …" wrapper;
 * from 2.6.19 also classified through merr (commit 39c9b039d2, #50545; pkg/util/merr/utils.go).
 * Texts from internal/rootcoord/root_coord.go, meta_table.go and ddl_callbacks_rbac_*.go at
 * v2.6.4, v2.6.18 (5aee61bff0) and v2.6.19 (dac27ee1fa); the wrapped texts are composed from the
 * code's wrap chain, not seen on a server.
 */

const BANDS = [
  ['2.6.4', { chains: false, merr: false }],
  ['2.6.18', { chains: true, merr: false }],
  ['2.6.19', { chains: true, merr: true }],
] as const;

for (const [version, style] of BANDS) {
  const chained = style.merr;
  const wrap = (context: string, text: string): string => (style.chains ? `${context}: ${text}` : text);
  describe.skipIf(ON_REAL)(`refusals on ${version}`, () => {
    const target = useTarget({ milvusVersion: version, limits: { maxUsers: 100, maxRoles: 4 } });

    it(`${source('meta_table CheckIfCreateRole; merr ServiceQuotaExceeded')} the role limit is ${chained ? 'quota exceeded, code 9' : 'a plain error, 65535'}`, async () => {
      const t = target();
      const root = await t.client();
      expectOk(await root.createRole({ roleName: t.name('r1') }));
      expectOk(await root.createRole({ roleName: t.name('r2') }));
      const text = 'unable to create role because the number of roles has reached the limit';
      expectError(await root.createRole({ roleName: t.name('r3') }), {
        error_code: 'CreateRoleFailure',
        code: chained ? 9 : 65535,
        exact: chained ? `failed to check if create role: quota exceeded[reason=${text}]` : wrap('failed to check if create role', text),
      });
    });

    it(`${source('meta_table CheckIfDropRole')} dropping a role with grants is ${chained ? 'a parameter error with the chain' : 'a plain error'}`, async () => {
      const t = target();
      const root = await t.client();
      const role = t.name('held');
      expectOk(await root.createRole({ roleName: role }));
      expectOk(await root.grantPrivilegeV2({ role, privilege: 'Search', db_name: 'default', collection_name: 'c' }));
      const text = 'fail to drop the role that it has privileges. Use REVOKE API to revoke privileges';
      expectError(await root.dropRole({ roleName: role }), {
        error_code: 'DropRoleFailure',
        code: chained ? 1100 : 65535,
        exact: chained ? `failed to check if drop role: ${text}: invalid parameter` : wrap('failed to check if drop role', text),
      });
    });

    it(`${source('meta_table CheckIfOperateUserRole')} binding an unknown user is refused ${chained ? 'naming the user' : 'with the old text'}`, async () => {
      const t = target();
      const root = await t.client();
      const role = t.name('bind');
      const user = t.name('ghost');
      expectOk(await root.createRole({ roleName: role }));
      expectError(await root.addUserToRole({ username: user, roleName: role }), {
        error_code: 'OperateUserRoleFailure',
        code: chained ? 1100 : 65535,
        exact: chained
          ? `failed to check if operate user role: user "${user}" not found: invalid parameter`
          : wrap('failed to check if operate user role', "not found the user, maybe the user isn't existed or internal system error"),
      });
    });

    it(`${source('rootcoord operate privilege common check')} a grant to an unknown role is refused ${chained ? 'naming the role' : 'with the old text'}`, async () => {
      const t = target();
      const root = await t.client();
      const role = t.name('nobody');
      expectError(await root.grantPrivilegeV2({ role, privilege: 'Search', db_name: 'default', collection_name: 'c' }), {
        error_code: 'OperatePrivilegeFailure',
        code: chained ? 1100 : 65535,
        exact: chained
          ? `failed to operate privilege common check: the role "${role}" does not exist: invalid parameter`
          : wrap('failed to operate privilege common check', "not found the role, maybe the role isn't existed or internal system error"),
      });
    });
  });
}
