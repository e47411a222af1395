import type { Operation, PasswordSource } from '../model/operations.js';
import type { MilvusConnection } from './connection.js';
import { describeOperation } from './describe.js';
import { checkResStatus, fromThrown, MilvusCallError } from './errors.js';
import type { StatusShape } from './errors.js';
import type { SecretResolver } from './secrets.js';
import { SecretError } from './secrets.js';

/**
 * Executes one Operation as one call to Milvus: grants, revokes and role bindings through
 * {@link MilvusConnection.bulk}, the rest through the SDK client. Passwords are resolved here, at
 * the last moment, and never leave this function; every failure is a {@link MilvusCallError}
 * without secrets.
 */

export interface ExecuteOptions {
  /**
   * This attempt repeats one that failed transiently, so the first may have reached Milvus:
   * "already exists" after a create and "not found" after a drop then mean the work is done.
   */
  readonly afterTransientFailure?: boolean;
}

/** Without an old-password source the operator is one of the server's superUsers, whom Milvus does not ask for it. */
function resolveOldPassword(secrets: SecretResolver, source: PasswordSource | undefined): string {
  return source ? secrets.resolvePassword(source) : '';
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
    case 'setRoleDescription':
      return client.alterRole({ roleName: op.role, description: op.description });
    case 'setUserDescription':
      // Milvus 2.6.19+ takes a description without a password change (no old password needed).
      return client.updateUser({ username: op.user, description: op.description });
    case 'dropRole':
      return client.dropRole({ roleName: op.role });
    case 'grant':
    case 'revoke':
      return op.form === 'v2' ? conn.bulk.operatePrivilegeV2(op.kind, op.role, op.grant) : conn.bulk.operatePrivilege(op.kind, op.role, op.grant);
    case 'createUser':
      return client.createUser({ username: op.user, password: secrets.resolvePassword(op.password) });
    case 'updatePassword': {
      const newPassword = secrets.resolvePassword(op.password);
      return client.updateUser({ username: op.user, oldPassword: resolveOldPassword(secrets, op.oldPassword), newPassword });
    }
    case 'bindRole':
      return conn.bulk.operateUserRole('bind', op.user, op.role);
    case 'unbindRole':
      return conn.bulk.operateUserRole('unbind', op.user, op.role);
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

/**
 * A password change repeated after a transient failure is refused ("old password not correct")
 * when the first attempt did land: the user then logs in with the new password.
 */
async function passwordAlreadyChanged(conn: MilvusConnection, op: Operation, secrets: SecretResolver): Promise<boolean> {
  if (op.kind !== 'updatePassword') return false;
  try {
    return (await conn.checkLogin(op.user, secrets.resolvePassword(op.password))) === 'accepted';
  } catch {
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
    if (options.afterTransientFailure && failure.kind === 'permanent' && (alreadyDone(op, failure) || (await passwordAlreadyChanged(conn, op, secrets)))) return;
    throw failure;
  }
}
