import { describe, expect, it } from 'vitest';
import {
  checkCollectionName,
  checkDatabaseName,
  checkPassword,
  checkPrivilegeGroupName,
  checkRoleName,
  checkStorablePassword,
  checkUserName,
  DEFAULT_NAME_LIMITS,
  isDefaultRole,
} from '../../src/model/names.js';

describe('user names (internal/proxy/util.go ValidateUsername)', () => {
  it.each(['alice', 'A', 'bob_2', 'x'.repeat(32), '  padded  '])('accepts %j', (name) => {
    expect(checkUserName(name)).toBeNull();
  });
  it.each([
    ['', 'username must be not empty'],
    ['   ', 'username must be not empty'],
    ['_alice', 'the first character must be a letter'],
    ['1alice', 'the first character must be a letter'],
    ['al-ice', 'username must contain only numbers, letters and underscores, but got -'],
    ['al$ice', 'but got $'],
    ['x'.repeat(33), 'the length of username must be less than 32'],
    ['élodie', 'the first character must be a letter'],
  ])('rejects %j', (name, reason) => {
    expect(checkUserName(name)).toContain(reason);
  });
  it('honours a raised limit', () => {
    expect(checkUserName('x'.repeat(40), { ...DEFAULT_NAME_LIMITS, maxUsernameLength: 64 })).toBeNull();
  });
});

describe('passwords (ValidatePassword: 6..256 bytes)', () => {
  it.each(['Milvus', 'x'.repeat(256)])('accepts a %#th length at the bounds', (pw) => {
    expect(checkPassword(pw)).toBeNull();
  });
  it.each(['', 'short', 'x'.repeat(257)])('rejects length %#', (pw) => {
    expect(checkPassword(pw)).toContain('invalid password length');
  });
  it('counts bytes, not characters', () => {
    expect(checkPassword('ééé')).toBeNull();
    expect(checkPassword('éé')).toContain('invalid password length');
  });
});

describe('role names (validateName with $)', () => {
  it.each(['reader', '_private', 'team$1', 'R2D2', 'x'.repeat(255)])('accepts %j', (name) => {
    expect(checkRoleName(name)).toBeNull();
  });
  it.each([
    ['', 'role name should be not empty'],
    ['1role', 'the first character of role name must be an underscore or letter'],
    ['$role', 'the first character of role name must be an underscore or letter'],
    ['ro-le', 'role name can only contain numbers, letters, dollars and underscores, found - at 2'],
    ['x'.repeat(256), 'the length of role name must be not greater than limit'],
  ])('rejects %j', (name, reason) => {
    expect(checkRoleName(name)).toContain(reason);
  });
});

describe('privilege group names (ValidatePrivilegeGroupName: no $, no trimming)', () => {
  it.each(['readers', '_g', 'G_1'])('accepts %j', (name) => {
    expect(checkPrivilegeGroupName(name)).toBeNull();
  });
  it.each([
    ['', 'privilege group name should not be empty'],
    ['g$1', 'can only contain numbers, letters and underscores'],
    [' g', 'must be an underscore or letter'],
    ['9g', 'must be an underscore or letter'],
  ])('rejects %j', (name, reason) => {
    expect(checkPrivilegeGroupName(name)).toContain(reason);
  });
});

describe('database and collection names', () => {
  it('accepts ordinary names and rejects bad ones', () => {
    expect(checkDatabaseName('tenant_1')).toBeNull();
    expect(checkDatabaseName('')).toContain('not empty');
    expect(checkDatabaseName('te-nant')).toContain('only contain');
    expect(checkCollectionName('*')).toBeNull();
    expect(checkCollectionName('books')).toBeNull();
    expect(checkCollectionName('bo$oks')).toContain('collection name can only contain numbers, letters and underscores');
  });
});

describe('default roles', () => {
  it('knows admin and public, nothing else', () => {
    expect(isDefaultRole('admin')).toBe(true);
    expect(isDefaultRole('public')).toBe(true);
    expect(isDefaultRole('Admin')).toBe(false);
  });
});

describe('checkStorablePassword (range, then the bcrypt limit measured on 2.3.5)', () => {
  it('accepts 72 bytes and refuses 73 without quoting the password', () => {
    expect(checkStorablePassword('p'.repeat(72))).toBeNull();
    const problem = checkStorablePassword('q'.repeat(73));
    expect(problem).toContain('more than 72 bytes');
    expect(problem).not.toContain('qqqq');
  });
  it('still reports the range first', () => {
    expect(checkStorablePassword('abc')).toContain('invalid password length');
  });
});
