import { sdkProtoJson } from '../milvus/proto-json.js';
import type { ObjectType } from '../model/types.js';
import { atLeast } from '../model/versions.js';
import type { MilvusVersion } from '../model/versions.js';

/**
 * Which privilege Milvus's proxy checks for each call, on each version. The proxy reads it from
 * an option on the call's request message (`privilege_ext_obj` in milvus-proto's milvus.proto);
 * the map starts from the copy the SDK bundles (a milvus-proto snapshot after v3.0.0) and applies
 * what earlier releases said differently, each from milvus-proto's history at the release tags.
 */

export interface CallCheck {
  readonly objectType: ObjectType;
  /** The privilege's API name: `Load`, not the enum's `PrivilegeLoad`. */
  readonly privilege: string;
}

const OPTION = '(common.privilege_ext_obj)';

let bundled: ReadonlyMap<string, CallCheck | null> | undefined;

/** method → the check its request declares in the SDK's proto (null: no option, not checked). */
function bundledChecks(): ReadonlyMap<string, CallCheck | null> {
  if (bundled) return bundled;
  const milvus = sdkProtoJson().nested?.milvus?.nested?.proto?.nested?.milvus;
  const service = milvus?.nested?.MilvusService;
  const out = new Map<string, CallCheck | null>();
  for (const [method, { requestType }] of Object.entries(service?.methods ?? {})) {
    const options = milvus?.nested?.[requestType]?.options;
    const privilege = options?.[`${OPTION}.object_privilege`];
    const objectType = options?.[`${OPTION}.object_type`];
    out.set(method, typeof privilege === 'string' && typeof objectType === 'string' ? { objectType: objectType as ObjectType, privilege: privilege.replace(/^Privilege/, '') } : null);
  }
  bundled = out;
  return out;
}

/**
 * What earlier releases checked differently (milvus-proto at the release tags; docs/usage.md):
 * - v2.3.2 – v2.4.9: GetLoadState and GetLoadingProgress need Load (milvus-proto 0c43e82,
 *   "Use the Load privilege when getting the load state"); before v2.3.2 each its own privilege;
 *   from v2.4.10 both need GetLoadState (milvus-proto 7da64b0).
 * - before v2.4.1: ShowCollections needs ShowCollections and ListDatabases ListDatabases, both
 *   Global (removed by milvus-proto 7626f1d); 2.3's SearchV2 needs Search.
 * - 2.3: AlterAlias carries no option, so it is not checked.
 */
function overridesAt(version: MilvusVersion): Map<string, CallCheck | null> {
  const out = new Map<string, CallCheck | null>();
  if (!atLeast(version, '2.4.10')) {
    const early = !atLeast(version, '2.3.2');
    out.set('GetLoadState', { objectType: 'Collection', privilege: early ? 'GetLoadState' : 'Load' });
    out.set('GetLoadingProgress', { objectType: 'Collection', privilege: early ? 'GetLoadingProgress' : 'Load' });
  }
  if (!atLeast(version, '2.4.1')) {
    out.set('ShowCollections', { objectType: 'Global', privilege: 'ShowCollections' });
    out.set('ListDatabases', { objectType: 'Global', privilege: 'ListDatabases' });
  }
  if (!atLeast(version, '2.4.0')) {
    out.set('SearchV2', { objectType: 'Collection', privilege: 'Search' });
    out.set('AlterAlias', null);
  }
  return out;
}

/**
 * RESTful calls are logged by URL path (2.4.6+); those the default formats list map to the gRPC
 * call the proxy runs for them (internal/distributed/proxy/httpserver/handler_v2.go).
 */
const REST_CALLS: Readonly<Record<string, string>> = {
  '/query': 'Query',
  '/search': 'Search',
  '/v2/vectordb/entities/query': 'Query',
  '/v2/vectordb/entities/get': 'Query',
  '/v2/vectordb/entities/delete': 'Delete',
  '/v2/vectordb/entities/insert': 'Insert',
  '/v2/vectordb/entities/upsert': 'Upsert',
  '/v2/vectordb/entities/search': 'Search',
  '/v2/vectordb/entities/advanced_search': 'HybridSearch',
  '/v2/vectordb/entities/hybrid_search': 'HybridSearch',
};

const byVersion = new Map<string, ReadonlyMap<string, CallCheck | null>>();

/** method → what the proxy of `version` checks for it; a method absent from the map is unknown to the tool. */
export function callChecksAt(version: MilvusVersion): ReadonlyMap<string, CallCheck | null> {
  const key = `${version.major}.${version.minor}.${version.patch}`;
  const known = byVersion.get(key);
  if (known) return known;
  const map = new Map(bundledChecks());
  for (const [method, check] of overridesAt(version)) map.set(method, check);
  for (const [path, method] of Object.entries(REST_CALLS)) map.set(path, map.get(method) ?? null);
  byVersion.set(key, map);
  return map;
}
