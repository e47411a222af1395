import { sdkProtoJson } from '../milvus/proto-json.js';
import type { ProtoJsonNode } from '../milvus/proto-json.js';
import { loadPackageDefinition } from '@grpc/grpc-js';
import type { GrpcObject, ServiceDefinition } from '@grpc/grpc-js';
import { fromJSON } from '@grpc/proto-loader';

/**
 * Milvus's service definition, taken from the proto JSON the SDK ships (no hand-copied proto).
 * The loader options are the SDK's own, so both ends agree on enums as strings, int64 as
 * strings and default values present.
 */

export const MILVUS_SERVICE = 'milvus.proto.milvus.MilvusService';

export const LOADER_OPTIONS = { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true } as const;

type ProtoJson = Parameters<typeof fromJSON>[0];

let cached: ServiceDefinition | undefined;
let statusOnly: ReadonlySet<string> | undefined;

function loadJson(): ProtoJson {
  return sdkProtoJson() as unknown as ProtoJson;
}

/** Methods whose response is a bare common.Status (CreateCredential…), not a message holding one. */
export function statusOnlyMethods(): ReadonlySet<string> {
  if (statusOnly) return statusOnly;
  const service = MILVUS_SERVICE.split('.').reduce<ProtoJsonNode | undefined>((node, part) => node?.nested?.[part], sdkProtoJson());
  const methods = Object.entries(service?.methods ?? {});
  statusOnly = new Set(methods.filter(([, m]) => m.responseType === 'common.Status').map(([name]) => name));
  return statusOnly;
}

export function milvusServiceDefinition(): ServiceDefinition {
  if (cached) return cached;
  const definition = fromJSON(loadJson(), LOADER_OPTIONS);
  const root = loadPackageDefinition(definition);
  const service = MILVUS_SERVICE.split('.').reduce<GrpcObject | undefined>(
    (node, part) => (node?.[part] as GrpcObject | undefined),
    root,
  ) as unknown as { service?: ServiceDefinition } | undefined;
  if (!service?.service) throw new Error(`the SDK's proto definitions have no ${MILVUS_SERVICE}`);
  cached = service.service;
  return cached;
}
