import { createRequire } from 'node:module';

/**
 * The proto definitions the Milvus SDK ships as JSON (no hand-copied proto): the emulator builds
 * its service from them, and `rbac usage` reads the privilege each request declares.
 */

const PROTO_JSON_PATH = '@zilliz/milvus2-sdk-node/dist/milvus/proto-json/milvus.js';

/** A namespace, message or service of the JSON, as far as its readers look. */
export interface ProtoJsonNode {
  readonly nested?: Readonly<Record<string, ProtoJsonNode>>;
  readonly methods?: Readonly<Record<string, { readonly requestType: string; readonly responseType: string }>>;
  readonly options?: Readonly<Record<string, string | number>>;
}

let loaded: ProtoJsonNode | undefined;

export function sdkProtoJson(): ProtoJsonNode {
  if (loaded) return loaded;
  const require = createRequire(import.meta.url);
  const module = require(PROTO_JSON_PATH) as { default?: ProtoJsonNode } & ProtoJsonNode;
  loaded = module.default ?? module;
  return loaded;
}
