import { InterceptingCall, Metadata } from '@grpc/grpc-js';
import type { CallOptions, Client, Interceptor, ServiceError } from '@grpc/grpc-js';
import { METADATA, OperatePrivilegeType, OperateUserRoleType } from '@zilliz/milvus2-sdk-node';
import type { MilvusClient } from '@zilliz/milvus2-sdk-node';
import type { Grant } from '../model/types.js';
import type { StatusShape } from './errors.js';
import { loggedCall } from './call-log.js';
import type { CallLog } from './call-log.js';

/**
 * The calls an apply makes by the thousand (grants, revokes, role bindings) go out on a channel
 * lent by the SDK's own pool, so with the SDK's address, TLS credentials and channel options, but
 * without the SDK's per-call interceptors. Those serialise every request and response to JSON for
 * a debug log (even when the logger is silent), wrap each call for the SDK's own retries (the
 * apply executor retries instead, knowing which steps are safe to repeat) and stamp metadata the
 * server does not need. Measured on the benchmark's 10,000-step plan they were about a quarter of
 * the client's CPU per call, and the client's CPU is what bounds an apply (docs/benchmarks.md).
 */

export interface BulkCalls {
  /**
   * A v1 grant or revoke (OperatePrivilege) with the grant's database in the request: the SDK's
   * grantPrivilege leaves it out (Milvus would use the connection's), and Milvus honours an
   * explicit one (measured on 2.3.5), so one connection serves every database.
   */
  operatePrivilege(kind: 'grant' | 'revoke', role: string, grant: Grant): Promise<StatusShape>;
  /** A v2 grant or revoke (OperatePrivilegeV2): the object name is the collection, or `*`. */
  operatePrivilegeV2(kind: 'grant' | 'revoke', role: string, grant: Grant): Promise<StatusShape>;
  operateUserRole(kind: 'bind' | 'unbind', user: string, role: string): Promise<StatusShape>;
}

type UnaryCallback = (error: ServiceError | null, response?: StatusShape) => void;
type UnaryMethod = (request: object, metadata: Metadata, options: CallOptions, callback: UnaryCallback) => unknown;

/** Given to a call, it replaces the channel's interceptors (grpc-js: call interceptors win). */
const withoutSdkInterceptors: Interceptor = (options, nextCall) => new InterceptingCall(nextCall(options));

function unaryMethod(client: Client, name: string): UnaryMethod {
  const method: unknown = Reflect.get(client, name);
  if (typeof method !== 'function') throw new Error(`the SDK's Milvus service has no method ${name}`);
  return method as UnaryMethod;
}

/** One unary call on a channel of the SDK's pool, with these headers and none of the SDK's interceptors. */
export async function callOnPool(client: MilvusClient, name: string, request: object, metadata: Metadata, timeoutMs: number): Promise<StatusShape> {
  const pool = client.channelPool;
  const channel = await pool.acquire();
  try {
    const method = unaryMethod(channel, name);
    return await new Promise<StatusShape>((resolve, reject) => {
      const options: CallOptions = { deadline: Date.now() + timeoutMs, interceptors: [withoutSdkInterceptors] };
      method.call(channel, request, metadata, options, (error, response) => (error ? reject(error) : resolve(response ?? {})));
    });
  } finally {
    void pool.release(channel);
  }
}

/**
 * @param authorization what the SDK sends as `authorization` (its `getAuthString`), '' for none
 * @param timeoutMs per-call deadline
 */
export function bulkCalls(client: MilvusClient, authorization: string, timeoutMs: number, callLog?: CallLog): BulkCalls {
  const template = new Metadata();
  if (authorization) template.set(METADATA.AUTH, authorization);
  // Requests name their database themselves; this only keeps the server from guessing.
  template.set(METADATA.DATABASE, 'default');

  const send = (name: string, request: object): Promise<StatusShape> => callOnPool(client, name, request, template.clone(), timeoutMs);
  const call = callLog ? (name: string, request: object) => loggedCall(callLog, name, request, () => send(name, request)) : send;

  const privilegeType = (kind: 'grant' | 'revoke'): OperatePrivilegeType => (kind === 'grant' ? OperatePrivilegeType.Grant : OperatePrivilegeType.Revoke);
  return {
    operatePrivilege: (kind, role, g) =>
      call('OperatePrivilege', {
        entity: { role: { name: role }, object: { name: g.objectType }, object_name: g.objectName, db_name: g.dbName, grantor: { privilege: { name: g.privilege } } },
        type: privilegeType(kind),
      }),
    operatePrivilegeV2: (kind, role, g) =>
      call('OperatePrivilegeV2', {
        role: { name: role },
        grantor: { privilege: { name: g.privilege } },
        type: privilegeType(kind),
        db_name: g.dbName,
        collection_name: g.objectName,
      }),
    operateUserRole: (kind, user, role) =>
      call('OperateUserRole', { username: user, role_name: role, type: kind === 'bind' ? OperateUserRoleType.AddUserToRole : OperateUserRoleType.RemoveUserFromRole }),
  };
}
