import { describe, expect, it } from 'vitest';
import { apiPrivilegeName, namingFor, normaliseGrant } from '../../src/milvus/privilege-names.js';

const v25 = namingFor({ major: 2, minor: 5, patch: 4 });
const none = new Set<string>();

describe('apiPrivilegeName', () => {
  it('strips metastore prefixes only when the rest is a known name', () => {
    expect(apiPrivilegeName('PrivilegeSearch', v25, none)).toBe('Search');
    expect(apiPrivilegeName('PrivilegeGroupClusterAdmin', v25, none)).toBe('ClusterAdmin');
    expect(apiPrivilegeName('PrivilegeGroupmine', v25, new Set(['mine']))).toBe('mine');
    expect(apiPrivilegeName('PrivilegeFoo', v25, new Set(['PrivilegeFoo']))).toBe('PrivilegeFoo');
    expect(apiPrivilegeName('Search', v25, none)).toBe('Search');
    expect(apiPrivilegeName('*', v25, none)).toBe('*');
  });
});

describe('normaliseGrant', () => {
  it('defaults the database, forces * for Global single privileges, keeps group object names', () => {
    expect(normaliseGrant({ objectType: 'Global', objectName: 'books', dbName: '', privilege: 'PrivilegeCreateCollection' }, v25, none)).toEqual({
      objectType: 'Global',
      objectName: '*',
      dbName: 'default',
      privilege: 'CreateCollection',
    });
    expect(normaliseGrant({ objectType: 'Global', objectName: 'books', dbName: 'db1', privilege: 'CollectionReadOnly' }, v25, none)?.objectName).toBe('books');
    expect(normaliseGrant({ objectType: 'Collection', objectName: 'books', dbName: 'db1', privilege: 'Search' }, v25, none)?.objectName).toBe('books');
  });

  it('refuses object types the model does not know', () => {
    expect(normaliseGrant({ objectType: 'Table', objectName: 'x', dbName: '', privilege: 'Search' }, v25, none)).toBeNull();
  });
});
