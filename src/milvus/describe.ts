import type { Grant } from '../model/types.js';
import type { Operation } from '../model/operations.js';
import { describePasswordSource } from './secrets.js';

/** One line per operation for progress and error messages. Carries no secret: only where a password comes from. */

function describeGrantTarget(g: Grant): string {
  return `${g.objectType} ${g.dbName}.${g.objectName}`;
}

export function describeOperation(op: Operation): string {
  switch (op.kind) {
    case 'createPrivilegeGroup':
      return `create privilege group ${op.group}`;
    case 'addPrivilegesToGroup':
      return `add ${op.privileges.join(', ')} to privilege group ${op.group}`;
    case 'createRole':
      return `create role ${op.role}`;
    case 'setRoleDescription':
      return `set the description of role ${op.role} to ${JSON.stringify(op.description)}`;
    case 'setUserDescription':
      return `set the description of user ${op.user} to ${JSON.stringify(op.description)}`;
    case 'grant':
      return `grant ${op.grant.privilege} on ${describeGrantTarget(op.grant)} to role ${op.role} (${op.form})`;
    case 'createUser':
      return `create user ${op.user} (password from ${describePasswordSource(op.password)})`;
    case 'updatePassword':
      return `update password of user ${op.user} (from ${describePasswordSource(op.password)}${op.oldPassword ? `, current one from ${describePasswordSource(op.oldPassword)}` : ''})`;
    case 'bindRole':
      return `bind user ${op.user} to role ${op.role}`;
    case 'unbindRole':
      return `unbind user ${op.user} from role ${op.role}`;
    case 'revoke':
      return `revoke ${op.grant.privilege} on ${describeGrantTarget(op.grant)} from role ${op.role} (${op.form})`;
    case 'removePrivilegesFromGroup':
      return `remove ${op.privileges.join(', ')} from privilege group ${op.group}`;
    case 'dropRole':
      return `drop role ${op.role}`;
    case 'dropPrivilegeGroup':
      return `drop privilege group ${op.group}`;
    case 'dropUser':
      return `drop user ${op.user}`;
  }
}
