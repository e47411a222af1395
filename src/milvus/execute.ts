import { OperatePrivilegeType, promisify } from '@zilliz/milvus2-sdk-node';
import type { Operation, PasswordSource } from '../model/operations.js';
import type { Grant } from '../model/types.js';
import type { MilvusConnection } from './connection.js';
import { describeOperation } from './describe.js';
import { checkResStatus, fromThrown, MilvusCallError } from './errors.js';
import type { StatusShape } from './errors.js';
import type { SecretResolver } from './secrets.js';
import { SecretError } from './secrets.js';

/**
 * Executes one Operation as one SDK call. Passwords are resolved here, at the last moment, and
 * never leave this function; every failure is a {@link MilvusCallError} without secrets.
 */

export interface ExecuteOptions {
  /**
   * This attempt repeats one that failed transiently, so the first may have reached Milvus:
   * "already exists" after a create and "not found" after a drop then mean the work is done.
   */
  readonly afterTransientFailure?: boolean;
}

/** Where the current password of a user whose password is being updated comes from (see docs/apply.md). */
export function oldPasswordSourceOf(source: PasswordSource): PasswordSource {
  return 'env' in source ? { env: `${source.env}_OLD` } : { file: `${source.file}.old` };
}

function resolveOldPassword(secrets: SecretResolver, source: PasswordSource): string {
  // Milvus skips the old-password check for the configured super users; for them an empty
  // old password is fine, so a missing *_OLD source is not an error here.
  try {
    return secrets.resolvePassword(oldPasswordSourceOf(source));
  } catch (error) {
    if (error instanceof SecretError) return '';
    throw error;
  }
}

/**
 * A v1 grant or revoke with its database in the request. The SDK's grantPrivilege leaves
 * `entity.db_name` out (Milvus then uses the connection's selected database), which would need
 * one client per database; Milvus honours an explicit db_name (measured on 2.3.5), so the
 * request goes through the SDK's own channel pool with the database set.
 */
function operatePrivilegeV1(conn: MilvusConnection, kind: 'grant' | 'revoke', role: string, g: Grant): Promise<StatusShape> {
  const request = {
    entity: { role: { name: role }, object: { name: g.objectType }, object_name: g.objectName, db_name: g.dbName, grantor: { privilege: { name: g.privilege } } },
    type: kind === 'grant' ? OperatePrivilegeType.Grant : OperatePrivilegeType.Revoke,
  };
  return promisify(conn.client.channelPool, 'OperatePrivilege', request, conn.client.timeout) as Promise<StatusShape>;
}

async function call(op: Operation, conn: MilvusConnection, secrets: SecretResolver): Promise<StatusShape> {
  const client = conn.client;
  switch (op.kind) {
    case 'createPrivilegeGroup':
      return client.createPrivilegeGroup({ group_name: op.group });
    case 'addPrivilegesToGroup':
      return client.addPrivilegesToGroup({ group_name: op.group, privileges: [...op.privileges] });
    case 'removePrivilegesFromGroup':
      return client.removePrivilegesFromGroup({ group_name: op.group, privileges: [...op.privileges] });
    case 'dropPrivilegeGroup':
      return client.dropPrivilegeGroup({ group_name: op.group });
    case 'createRole':
      return client.createRole({ roleName: op.role });
    case 'dropRole':
      return client.dropRole({ roleName: op.role });
    case 'grant':
    case 'revoke': {
      const g = op.grant;
      if (op.form === 'v2') {
        const request = { role: op.role, privilege: g.privilege, db_name: g.dbName, collection_name: g.objectName };
        return op.kind === 'grant' ? client.grantPrivilegeV2(request) : client.revokePrivilegeV2(request);
      }
      return operatePrivilegeV1(conn, op.kind, op.role, g);
    }
    case 'createUser':
      return client.createUser({ username: op.user, password: secrets.resolvePassword(op.password) });
    case 'updatePassword': {
      const newPassword = secrets.resolvePassword(op.password);
      return client.updateUser({ username: op.user, oldPassword: resolveOldPassword(secrets, op.password), newPassword });
    }
    case 'bindRole':
      return client.addUserToRole({ username: op.user, roleName: op.role });
    case 'unbindRole':
      return client.removeUserFromRole({ username: op.user, roleName: op.role });
    case 'dropUser':
      return client.deleteUser({ username: op.user });
  }
}

/** How Milvus words "it already exists" and "it is not there" for users, roles and privilege groups. */
export const ALREADY_EXISTS = /already exist|is defined by users/i;
export const NOT_FOUND = /not found|isn't existed|not exist|no privilege group|not a custom privilege group|is not custom/i;

/** After a transient failure, did the earlier attempt already do the work? */
function alreadyDone(op: Operation, error: MilvusCallError): boolean {
  switch (op.kind) {
    case 'createUser':
    case 'createRole':
    case 'createPrivilegeGroup':
      return ALREADY_EXISTS.test(error.reason);
    case 'dropRole':
    case 'dropPrivilegeGroup':
    case 'dropUser':
      return NOT_FOUND.test(error.reason);
    default:
      return false;
  }
}

export async function executeOperation(conn: MilvusConnection, op: Operation, secrets: SecretResolver, options: ExecuteOptions = {}): Promise<void> {
  // Described only on failure: a 10 000-step apply should not build 10 000 unused strings.
  try {
    const status = await call(op, conn, secrets);
    checkResStatus(status, '');
  } catch (error) {
    const label = describeOperation(op);
    if (error instanceof SecretError) throw new MilvusCallError('permanent', 'SECRET_UNAVAILABLE', error.message, label);
    const failure = error instanceof MilvusCallError ? new MilvusCallError(error.kind, error.code, error.reason, label) : fromThrown(error, label);
    if (options.afterTransientFailure && failure.kind === 'permanent' && alreadyDone(op, failure)) return;
    throw failure;
  }
}
