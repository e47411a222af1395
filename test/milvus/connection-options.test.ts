import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { connectionOptionsFromEnv } from '../../src/milvus/connection-settings.js';

describe('connectionOptionsFromEnv', () => {
  it('takes address and token from the environment and learns the user from a user:password token', () => {
    const o = connectionOptionsFromEnv({}, { MILVUS_ADDRESS: 'localhost:19530', MILVUS_TOKEN: 'root:Milvus1' });
    expect(o.address).toBe('localhost:19530');
    expect(o.user).toBe('root');
    expect(o.credentials.kind).toBe('token');
    expect(o.tls).toBe(false);
  });

  it('never exposes the secret when the options are serialised', () => {
    const o = connectionOptionsFromEnv({}, { MILVUS_ADDRESS: 'h:1', MILVUS_USER: 'ops', MILVUS_PASSWORD: 'pa55word-x' });
    expect(JSON.stringify(o)).not.toContain('pa55word-x');
    expect(o.credentials.kind === 'password' && o.credentials.password()).toBe('pa55word-x');
    expect(o.user).toBe('ops');
  });

  it('reads a token from the env var or file a flag names', () => {
    const fromVar = connectionOptionsFromEnv({ address: 'h:1', tokenEnv: 'MY_TOKEN' }, { MY_TOKEN: 'alice:pw123456' });
    expect(fromVar.user).toBe('alice');
    const dir = mkdtempSync(join(tmpdir(), 'rbac-token-'));
    writeFileSync(join(dir, 't'), 'bob:pw654321\n');
    const fromFile = connectionOptionsFromEnv({ address: 'h:1', tokenFile: join(dir, 't') }, {});
    expect(fromFile.credentials.kind === 'token' && fromFile.credentials.token()).toBe('bob:pw654321');
  });

  it('takes MILVUS_URI, the Milvus clients\' name, when MILVUS_ADDRESS is not set', () => {
    expect(connectionOptionsFromEnv({}, { MILVUS_URI: 'http://127.0.0.1:19530', MILVUS_TOKEN: 'root:Milvus' }).address).toBe('http://127.0.0.1:19530');
    expect(connectionOptionsFromEnv({}, { MILVUS_URI: 'http://127.0.0.1:1', MILVUS_ADDRESS: '127.0.0.1:2' }).address).toBe('127.0.0.1:2');
    expect(connectionOptionsFromEnv({}, { MILVUS_URI: 'https://127.0.0.1:443' }).tls).toBe(true);
  });

  it('fails clearly without an address or with a named variable that is unset', () => {
    expect(() => connectionOptionsFromEnv({}, {})).toThrow(/no Milvus address/);
    expect(() => connectionOptionsFromEnv({ address: 'h:1', tokenEnv: 'UNSET' }, {})).toThrow(/token environment variable UNSET is not set/);
    expect(() => connectionOptionsFromEnv({ address: 'h:1', passwordEnv: 'P' }, { P: 'secret-1' })).toThrow(/no user name/);
  });

  it('takes TLS from MILVUS_TLS and MILVUS_TLS_* when no flag gives it, flags first', () => {
    const env = { MILVUS_TLS_CA: '/env/ca.pem', MILVUS_TLS_CERT: '/env/c.pem', MILVUS_TLS_KEY: '/env/k.pem', MILVUS_TLS_SERVER_NAME: 'milvus.internal' };
    expect(connectionOptionsFromEnv({ address: 'h:1' }, env)).toMatchObject({ tls: true, caFile: '/env/ca.pem', certFile: '/env/c.pem', keyFile: '/env/k.pem', serverName: 'milvus.internal' });
    expect(connectionOptionsFromEnv({ address: 'h:1', caFile: '/flag/ca.pem' }, env).caFile).toBe('/flag/ca.pem');
    expect(connectionOptionsFromEnv({ address: 'h:1' }, { MILVUS_TLS: 'true' }).tls).toBe(true);
    expect(connectionOptionsFromEnv({ address: 'h:1' }, { MILVUS_TLS: '0' }).tls).toBe(false);
    expect(() => connectionOptionsFromEnv({ address: 'h:1' }, { MILVUS_TLS_KEY: '/k.pem' })).toThrow(/only the key was given/);
  });

  it('turns on TLS for https addresses and CA files', () => {
    expect(connectionOptionsFromEnv({ address: 'https://h:443' }, {}).tls).toBe(true);
    expect(connectionOptionsFromEnv({ address: 'h:1', caFile: '/ca.pem' }, {}).tls).toBe(true);
  });
});

describe('credential precedence', () => {
  it('lets a password flag win over a MILVUS_TOKEN left in the environment', () => {
    const o = connectionOptionsFromEnv({ address: 'h:1', user: 'ops', passwordEnv: 'OPS_PW' }, { MILVUS_TOKEN: 'root:Milvus', OPS_PW: 'ops-pass-1' });
    expect(o.credentials.kind).toBe('password');
    expect(o.user).toBe('ops');
  });

  it('prefers MILVUS_TOKEN over MILVUS_PASSWORD and connects anonymously with neither', () => {
    const both = connectionOptionsFromEnv({}, { MILVUS_ADDRESS: 'h:1', MILVUS_TOKEN: 'a:b-secret', MILVUS_USER: 'x', MILVUS_PASSWORD: 'y-secret' });
    expect([both.credentials.kind, both.user]).toEqual(['token', 'a']);
    expect(connectionOptionsFromEnv({}, { MILVUS_ADDRESS: 'h:1', MILVUS_TOKEN: 'api-key-123456', MILVUS_USER: 'svc' }).user).toBe('svc');
    expect(connectionOptionsFromEnv({}, { MILVUS_ADDRESS: 'h:1' }).credentials.kind).toBe('none');
  });
});
