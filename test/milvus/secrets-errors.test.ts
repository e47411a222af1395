import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkResStatus, checkStatus, fromThrown, MilvusCallError } from '../../src/milvus/errors.js';
import { clearRegisteredSecrets, redact, registerSecret, resolvePassword, SecretError } from '../../src/milvus/secrets.js';

afterEach(() => clearRegisteredSecrets());

describe('resolvePassword', () => {
  it('reads an env var and remembers it for redaction', () => {
    const value = resolvePassword({ env: 'APP_PW' }, { APP_PW: 'S3cret-value' });
    expect(value).toBe('S3cret-value');
    expect(redact('server said S3cret-value is bad')).toBe('server said *** is bad');
  });

  it('names the missing or empty variable, never a value', () => {
    expect(() => resolvePassword({ env: 'NOPE' }, {})).toThrow(new SecretError('password environment variable NOPE is not set'));
    expect(() => resolvePassword({ env: 'EMPTY' }, { EMPTY: '' })).toThrow(/environment variable EMPTY is empty/);
  });

  it('reads a file without its trailing newline and names an unreadable file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rbac-secret-'));
    const file = join(dir, 'pw');
    writeFileSync(file, 'from-a-file\n');
    expect(resolvePassword({ file })).toBe('from-a-file');
    expect(() => resolvePassword({ file: join(dir, 'missing') })).toThrow(/file .*missing cannot be read \(ENOENT\)/);
  });
});

describe('redact', () => {
  it('hides the base64 form the SDK sends and the password half of a user:password token', () => {
    registerSecret('root:Milvus-pw');
    const b64 = Buffer.from('root:Milvus-pw').toString('base64');
    expect(redact(`token ${b64} and pw Milvus-pw`)).toBe('token *** and pw ***');
  });
});

describe('errors', () => {
  it('classifies UNAVAILABLE and DEADLINE_EXCEEDED as transient and others as permanent', () => {
    expect(fromThrown({ code: 14, details: 'No connection established' }, 'op').kind).toBe('transient');
    expect(fromThrown({ code: 4, details: 'Deadline exceeded' }, 'op').kind).toBe('transient');
    expect(fromThrown({ code: 13, details: 'Received RST_STREAM with code 2' }, 'op').kind).toBe('transient');
    const denied = fromThrown({ code: 7, details: 'PrivilegeCreateOwnership: permission deny to alice' }, 'create role x');
    expect(denied.kind).toBe('permanent');
    expect(denied.code).toBe('PERMISSION_DENIED');
    expect(denied.message).toBe('create role x: PrivilegeCreateOwnership: permission deny to alice (PERMISSION_DENIED)');
  });

  it('treats an empty SDK answer as unsupported, never as success', () => {
    expect(() => checkResStatus({}, 'grant v2')).toThrow(/does not support the call/);
    expect(() => checkStatus(undefined, 'list groups')).toThrow(MilvusCallError);
  });

  it('accepts Success and reports Milvus failures with code and reason', () => {
    expect(() => checkResStatus({ error_code: 'Success', code: 0, reason: '' }, 'x')).not.toThrow();
    try {
      checkResStatus({ error_code: 'CreateRoleFailure', code: 65535, reason: 'role [name:"a"] already exists' }, 'create role a');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(MilvusCallError);
      const e = error as MilvusCallError;
      expect([e.kind, e.code, e.reason]).toEqual(['permanent', 'CreateRoleFailure/65535', 'role [name:"a"] already exists']);
    }
  });

  it('never leaks a registered secret in an error', () => {
    registerSecret('hunter2-pass');
    const e = fromThrown(new Error('bad request with hunter2-pass inside'), 'create user bob');
    expect(e.message).not.toContain('hunter2-pass');
  });
});
