import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { compileFormatters, DEFAULT_FORMATTERS, formattersFromMilvusYaml } from '../../src/usage/log-format.js';
import { parseAccessLine } from '../../src/usage/parse-line.js';
import { callChecksAt } from '../../src/usage/privilege-map.js';
import { logFiles, logLines } from '../../src/usage/read-logs.js';

/**
 * Access-log lines of each version, built from the format strings Milvus ships in
 * configs/milvus.yaml (2.3.4 to 3.0; docs/usage.md gives the commits), parsed back; and the
 * privilege each call is checked against, per version, from milvus-proto's history.
 */

const formatters = compileFormatters(DEFAULT_FORMATTERS);
const P = (user: string, method: string, status: string, msg = '') => `[2026/12/01 17:59:06.438 +00:00] [ACCESS] <${user}: tcp-127.0.0.1:44696> ${method} [status: ${status}] [code: ${status === 'OK' || status === 'Successful' ? 0 : 65535}] [sdk: Python-2.5.4] [msg: ${msg}] [traceID: 4bf92f3577b34da6a3ce929d0e0e4736] [timeCost: 377.989µs]`;
const D = (db: string, collection: string) => `[database: ${db}] [collection: ${collection}] [partitions: []]`;

describe('access-log lines of each version', () => {
  it('2.3.5: the base format (no collection) and the query format (with one), as the real server writes them', () => {
    const denied = parseAccessLine(`${P('alice', 'Insert', 'GrpcPermissionDenied', 'rpc error: code = PermissionDenied desc = PrivilegeInsert: permission deny to alice')}`, formatters);
    expect(denied).toEqual({ time: Date.parse('2026-12-01T17:59:06.438Z'), user: 'alice', method: 'Insert', outcome: 'denied', deniedPrivilege: 'Insert' });
    const query = parseAccessLine(`${P('bob', 'Query', 'OK')} ${D('default', 'docs')} [expr: id > 0]`, formatters);
    expect(query).toMatchObject({ user: 'bob', method: 'Query', outcome: 'allowed', database: 'default', collection: 'docs' });
  });

  it('2.4.1+: a refusal names the database', () => {
    const line = `${P('carol', 'Search', 'GrpcPermissionDenied', 'rpc error: code = PermissionDenied desc = PrivilegeSearch: permission deny to carol in the `sales` database')} ${D('sales', 'orders')} [expr: ]`;
    expect(parseAccessLine(line, formatters)).toMatchObject({ outcome: 'denied', deniedPrivilege: 'Search', deniedDatabase: 'sales', collection: 'orders' });
  });

  it('2.5.14 – 2.6.18: the search format with nq and params, and the query format with params', () => {
    expect(parseAccessLine(`${P('dan', 'Search', 'Successful')} ${D('db1', 'docs')} [expr: ] [nq: 2] [params: [{key:topk value:10}]]`, formatters)).toMatchObject({ method: 'Search', database: 'db1', collection: 'docs' });
    expect(parseAccessLine(`${P('dan', 'Delete', 'Successful')} ${D('db1', 'docs')} [expr: id in [1]] [params: []]`, formatters)).toMatchObject({ method: 'Delete', collection: 'docs' });
    expect(parseAccessLine(`${P('dan', 'Upsert', 'Successful')} ${D('db1', 'docs')} [partial_update: false]`, formatters)).toMatchObject({ method: 'Upsert', collection: 'docs' });
  });

  it('2.6.19 – 3.0: error_type on every line, and REST paths', () => {
    expect(parseAccessLine(`${P('erin', 'CreateCollection', 'Successful')} [error_type: ]`, formatters)).toMatchObject({ method: 'CreateCollection', outcome: 'allowed' });
    const rest = parseAccessLine(`${P('erin', '/v2/vectordb/entities/query', 'Successful')} ${D('default', 'docs')} [expr: ] [params: ] [error_type: ]`, formatters);
    expect(rest).toMatchObject({ method: '/v2/vectordb/entities/query', collection: 'docs' });
    expect(callChecksAt({ major: 3, minor: 0, patch: 0 }).get('/v2/vectordb/entities/query')).toEqual({ objectType: 'Collection', privilege: 'Query' });
  });

  it('an unauthenticated call, and lines that are not the access log', () => {
    expect(parseAccessLine(P('Unknown', 'ListCredUsers', 'GrpcUnauthenticated', 'auth check failure'), formatters)).toMatchObject({ user: '', outcome: 'unauthenticated' });
    expect(parseAccessLine('[2026/12/01 17:59:06.438 +00:00] [INFO] [proxy/impl.go:100] ["Insert received"]', formatters)).toBeNull();
  });

  it('a format the user gives, and the formatters of a milvus.yaml', () => {
    const own = compileFormatters([{ name: 'given', methods: null, format: '$time_now|$user_name|$method_name|$method_status|$database_name|$collection_name|$error_msg' }]);
    expect(parseAccessLine('2026/12/01 17:59:06.438 +00:00|frank|Query|OK|db2|c9|', own)).toBeNull();
    const withMarker = compileFormatters([{ name: 'given', methods: null, format: '[ACCESS] $time_now|$user_name|$method_name|$method_status|$database_name|$collection_name|$error_msg' }]);
    expect(parseAccessLine('[ACCESS] 2026/12/01 17:59:06.438 +00:00|frank|Query|OK|db2|c9|', withMarker)).toMatchObject({ user: 'frank', database: 'db2', collection: 'c9' });
    const yaml = 'proxy:\n  accessLog:\n    formatters:\n      base:\n        format: "[ACCESS] $user_name $method_name [status: $method_status] [msg: $error_msg]"\n      q:\n        format: "[ACCESS] $user_name $method_name [status: $method_status] [msg: $error_msg] [c: $collection_name]"\n        methods: "Query, Search"\n';
    const fromYaml = compileFormatters(formattersFromMilvusYaml(yaml));
    expect(parseAccessLine('[ACCESS] gina Search [status: OK] [msg: ] [c: docs]', fromYaml)).toMatchObject({ method: 'Search', collection: 'docs' });
    expect(() => formattersFromMilvusYaml('proxy: {}\n')).toThrow('no proxy.accessLog.formatters');
  });
});

describe('the privilege each call needs, per version (milvus-proto at the release tags)', () => {
  const at = (v: string) => {
    const [major, minor, patch] = v.split('.').map(Number);
    return callChecksAt({ major: major ?? 0, minor: minor ?? 0, patch: patch ?? 0 });
  };
  it('GetLoadState and GetLoadingProgress: Load on 2.3.2 – 2.4.9, GetLoadState from 2.4.10', () => {
    expect(at('2.3.5').get('GetLoadState')?.privilege).toBe('Load');
    expect(at('2.3.5').get('GetLoadingProgress')?.privilege).toBe('Load');
    expect(at('2.4.9').get('GetLoadState')?.privilege).toBe('Load');
    expect(at('2.4.10').get('GetLoadingProgress')?.privilege).toBe('GetLoadState');
    expect(at('2.3.1').get('GetLoadingProgress')?.privilege).toBe('GetLoadingProgress');
  });
  it('ShowCollections and ListDatabases checked before 2.4.1 only; AlterAlias unchecked on 2.3; the rest from the SDK\'s proto', () => {
    expect(at('2.3.5').get('ShowCollections')).toEqual({ objectType: 'Global', privilege: 'ShowCollections' });
    expect(at('2.5.4').get('ShowCollections')).toBeNull();
    expect(at('2.3.5').get('AlterAlias')).toBeNull();
    expect(at('2.5.4').get('AlterAlias')).toEqual({ objectType: 'Global', privilege: 'CreateAlias' });
    expect(at('2.5.4').get('Insert')).toEqual({ objectType: 'Collection', privilege: 'Insert' });
    expect(at('2.5.4').get('HasCollection')).toBeNull();
    expect(at('2.5.4').get('NoSuchCall')).toBeUndefined();
  });
});

describe('reading logs', () => {
  it('opens folders, rotated and gzip-compressed files, in name order, streaming every line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rbac-logs-'));
    writeFileSync(join(dir, 'access.2026-12-01T10-00-00.000.log'), 'one\ntwo\n');
    writeFileSync(join(dir, 'access.2026-12-01T11-00-00.000.log.gz'), gzipSync('three\nfour\n'));
    writeFileSync(join(dir, 'access.log'), 'five\n');
    const seen: string[] = [];
    let last = { bytes: 0, totalBytes: 0 as number | null, lines: 0 };
    for await (const line of logLines(await logFiles([dir]), (p) => (last = p))) seen.push(line);
    expect(seen).toEqual(['one', 'two', 'three', 'four', 'five']);
    expect(last.lines).toBe(5);
    expect(last.bytes).toBe(last.totalBytes);
  });

  it('names a file it cannot read', async () => {
    await expect(logFiles([join(tmpdir(), 'no-such-access.log')])).rejects.toThrow(/cannot read .*no-such-access\.log: ENOENT/);
  });
});
