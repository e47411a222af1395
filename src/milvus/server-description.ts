import { Metadata } from '@grpc/grpc-js';
import { METADATA } from '@zilliz/milvus2-sdk-node';
import type { MilvusClient } from '@zilliz/milvus2-sdk-node';
import { TOOL_VERSION } from '../version.js';
import { callOnPool } from './bulk-calls.js';
import { checkResponse } from './errors.js';
import type { StatusShape } from './errors.js';

/**
 * What a server says of itself in Connect's server_info.build_tags. Milvus puts its version
 * there, as in GetVersion; Zilliz Cloud answers GetVersion with a build tag that holds no version
 * ("unknown-20260608-7ea6e3526") and Connect with a description naming the Milvus line it is
 * compatible with ("Zilliz Cloud Vector Database(Compatible with Milvus 2.6)"): real answers
 * recorded in zilliztech/milvus-backup's client tests (internal/client/milvus/grpc_test.go).
 */
export async function readServerDescription(client: MilvusClient, authorization: string, timeoutMs: number): Promise<string> {
  const metadata = new Metadata();
  if (authorization) metadata.set(METADATA.AUTH, authorization);
  const request = { client_info: { sdk_type: 'nodejs', sdk_version: `milvus-rbac ${TOOL_VERSION}`, local_time: new Date().toISOString(), user: '', reserved: {} } };
  const response = (await callOnPool(client, 'Connect', request, metadata, timeoutMs)) as { status?: StatusShape; server_info?: { build_tags?: string } };
  checkResponse(response, 'Connect');
  return response.server_info?.build_tags ?? '';
}
