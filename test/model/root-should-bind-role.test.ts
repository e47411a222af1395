import { describe, expect, it } from 'vitest';
import { AccessIndex, decideAccess, isAllowed, unconditionalAccess } from '../../src/model/access.js';
import type { RbacState } from '../../src/model/types.js';
import type { MilvusVersion } from '../../src/model/versions.js';
import { parseMilvusVersion } from '../../src/model/versions.js';

/**
 * common.security.rootShouldBindRole (Milvus 2.5.4+): the proxy skips the privilege check for
 * root only while it is false (internal/proxy/privilege_interceptor.go).
 */

const V254 = parseMilvusVersion('2.5.4') as MilvusVersion;
const GLOBAL = { objectType: 'Global', objectName: '*', dbName: 'default' } as const;
const books = { objectType: 'Collection', objectName: 'books', dbName: 'default' } as const;

function state(rootRoles: string[]): RbacState {
  return {
    users: [{ name: 'root', roles: rootRoles }],
    roles: [
      { name: 'reader', grants: [{ objectType: 'Collection', objectName: 'books', dbName: 'default', privilege: 'Search' }] },
      { name: 'public', grants: [{ objectType: 'Global', objectName: '*', dbName: '*', privilege: 'DescribeCollection' }] },
    ],
    privilegeGroups: [],
  };
}

describe('rootShouldBindRole', () => {
  it('by default root passes every check without any role (unchanged behaviour)', () => {
    expect(decideAccess(state([]), V254, 'root', 'DropDatabase', GLOBAL)).toEqual({ allowed: true, because: 'root' });
    expect(decideAccess(state([]), V254, 'root', 'DropDatabase', GLOBAL, { rootShouldBindRole: false })).toEqual({ allowed: true, because: 'root' });
    expect(unconditionalAccess('root', [])).toBe('root');
  });

  it('when true, root holds only what its roles and public give', () => {
    const rules = { rootShouldBindRole: true };
    const s = state(['reader']);
    expect(isAllowed(s, V254, 'root', 'DropDatabase', GLOBAL, rules)).toBe(false);
    expect(decideAccess(s, V254, 'root', 'Search', books, rules)).toMatchObject({ allowed: true, because: 'grant', role: 'reader' });
    expect(decideAccess(s, V254, 'root', 'DescribeCollection', GLOBAL, rules)).toMatchObject({ allowed: true, because: 'grant', role: 'public' });
    expect(isAllowed(s, V254, 'root', 'Insert', books, rules)).toBe(false);
    // The self rule holds for root as for anyone.
    expect(decideAccess(s, V254, 'root', 'UpdateUser', { objectType: 'User', objectName: 'root', dbName: 'default' }, rules)).toEqual({ allowed: true, because: 'self' });
  });

  it('when true, root bound to admin passes every check as an admin member', () => {
    const rules = { rootShouldBindRole: true };
    expect(decideAccess(state(['admin']), V254, 'root', 'DropDatabase', GLOBAL, rules)).toEqual({ allowed: true, because: 'admin' });
    expect(unconditionalAccess('root', ['admin'], rules)).toBe('admin');
    expect(unconditionalAccess('root', [], rules)).toBeNull();
  });

  it('keeps answers for one state apart per setting (the index cache is keyed by it)', () => {
    const s = state([]);
    expect(isAllowed(s, V254, 'root', 'DropDatabase', GLOBAL, { rootShouldBindRole: true })).toBe(false);
    expect(isAllowed(s, V254, 'root', 'DropDatabase', GLOBAL)).toBe(true);
    expect(isAllowed(s, V254, 'root', 'DropDatabase', GLOBAL, { rootShouldBindRole: true })).toBe(false);
  });

  it('is an AccessIndex option too, used by unconditionalReason and decide', () => {
    const index = new AccessIndex(state([]), V254, undefined, { rootShouldBindRole: true });
    expect(index.unconditionalReason('root')).toBeNull();
    expect(index.decide('root', { privilege: 'Search', ...books }).allowed).toBe(false);
    expect(new AccessIndex(state([]), V254).unconditionalReason('root')).toBe('root');
  });
});
