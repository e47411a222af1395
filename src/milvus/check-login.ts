import { Metadata } from '@grpc/grpc-js';
import { getAuthString, METADATA } from '@zilliz/milvus2-sdk-node';
import type { MilvusClient } from '@zilliz/milvus2-sdk-node';
import { callOnPool } from './bulk-calls.js';
import { fromThrown } from './errors.js';
import { loggedCall } from './call-log.js';
import type { CallLog } from './call-log.js';

/** Whether Milvus let a call in with these credentials. */
export type LoginOutcome = 'accepted' | 'rejected';

/**
 * Logs in as `user` with `password`: one SelectUser of oneself on a channel the connection already
 * has, with that user's `authorization` header instead of the operator's. Milvus authenticates
 * every call before anything else, so UNAUTHENTICATED means the password is not the user's; any
 * answer past authentication (a result, or PERMISSION_DENIED on servers that check the privilege)
 * means it is. The password is sent only in the header, as every SDK call sends one.
 */
export async function checkLogin(client: MilvusClient, user: string, password: string, timeoutMs: number, callLog?: CallLog): Promise<LoginOutcome> {
  const metadata = new Metadata();
  metadata.set(METADATA.AUTH, getAuthString({ username: user, password }));
  metadata.set(METADATA.DATABASE, 'default');
  try {
    const request = { user: { name: user }, include_role_info: false };
    const send = (): Promise<unknown> => callOnPool(client, 'SelectUser', request, metadata, timeoutMs);
    await (callLog ? loggedCall(callLog, 'SelectUser (login check)', { username: user }, send) : send());
    return 'accepted';
  } catch (error) {
    const failure = fromThrown(error, `log in as ${user}`);
    if (failure.code === 'UNAUTHENTICATED') return 'rejected';
    if (failure.code === 'PERMISSION_DENIED') return 'accepted';
    throw failure;
  }
}
