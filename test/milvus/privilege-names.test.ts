import { describe, expect, it } from 'vitest';
import { apiPrivilegeName, normaliseGrant } from '../../src/milvus/privilege-names.js';

const none = new Set<string>();

describe('apiPrivilegeName', () => {
  it('strips metastore prefixes only when the rest is a known name', () => {
    expect(apiPrivilegeName('PrivilegeSearch', none)).toBe('Search');
    expect(apiPrivilegeName('PrivilegeGroupClusterAdmin', none)).toBe('ClusterAdmin');
    expect(apiPrivilegeName('PrivilegeGroupmine', new Set(['mine']))).toBe('mine');
    expect(apiPrivilegeName('PrivilegeFoo', new Set(['PrivilegeFoo']))).toBe('PrivilegeFoo');
    expect(apiPrivilegeName('Search', none)).toBe('Search');
    expect(apiPrivilegeName('*', none)).toBe('*');
  });
});

describe('normaliseGrant', () => {
  it('defaults the database, forces * for Global single privileges, keeps group object names', () => {
    expect(normaliseGrant({ objectType: 'Global', objectName: 'books', dbName: '', privilege: 'PrivilegeCreateCollection' }, none)).toEqual({
      objectType: 'Global',
      objectName: '*',
      dbName: 'default',
      privilege: 'CreateCollection',
    });
    expect(normaliseGrant({ objectType: 'Global', objectName: 'books', dbName: 'db1', privilege: 'CollectionReadOnly' }, none)?.objectName).toBe('books');
    expect(normaliseGrant({ objectType: 'Collection', objectName: 'books', dbName: 'db1', privilege: 'Search' }, none)?.objectName).toBe('books');
  });

  it('refuses object types the model does not know', () => {
    expect(normaliseGrant({ objectType: 'Table', objectName: 'x', dbName: '', privilege: 'Search' }, none)).toBeNull();
  });
});
