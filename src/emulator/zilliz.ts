import { status as GrpcStatus } from '@grpc/grpc-js';
import type { RbacEngine } from '../engine/engine.js';
import { isBuiltinGroupName } from '../model/catalogue.js';
import { ZILLIZ_CLOUD, zillizFeatureEnabled, zillizNameProblem, zillizPasswordProblem } from '../model/platform.js';
import type { Platform } from '../model/platform.js';
import type { Request } from './handlers.js';
import { customStatus } from './status.js';
import type { WireStatus } from './status.js';

/**
 * What the emulator's Zilliz Cloud profile refuses before Milvus's own rules run, as Zilliz's
 * documentation describes a Dedicated cluster (docs/zilliz-cloud.md gives each page): no v1
 * grants, privilege groups only unless enabled, no custom groups unless enabled, no BackupRBAC,
 * its built-in user and roles left alone, its name and password rules. Zilliz's own error texts
 * are not published, so each refusal here says what it refuses in the emulator's words, with
 * Milvus's generic error code; what the tool relies on is that the call is refused, not the text.
 */

/** A refusal: answered as a status (like Milvus's own errors) or as a gRPC error. */
export type ZillizRefusal = { readonly status: WireStatus } | { readonly grpcCode: number; readonly message: string };

const refused = (reason: string): ZillizRefusal => ({ status: customStatus('UnexpectedError', 65535, `${reason} (Zilliz Cloud, as played by the milvus-rbac emulator)`) });

const obj = (value: unknown): Request | null => (value !== null && typeof value === 'object' ? (value as Request) : null);
const str = (value: unknown): string => (typeof value === 'string' ? value : '');
const nameOf = (value: unknown): string => str(obj(value)?.name);
const decoded = (value: unknown): string => Buffer.from(str(value), 'base64').toString('utf8');

const BUILTIN_ROLES: readonly string[] = ZILLIZ_CLOUD.builtinRoles;

export function zillizRefusal(platform: Platform, engine: RbacEngine, method: string, request: Request): ZillizRefusal | null {
  switch (method) {
    case 'OperatePrivilege':
      return refused('OperatePrivilege (v1 grant and revoke) is refused: use OperatePrivilegeV2');
    case 'BackupRBAC':
    case 'RestoreRBAC':
      return { grpcCode: GrpcStatus.PERMISSION_DENIED, message: `Privilege${method}: permission deny (not offered on Zilliz Cloud)` };
    case 'CreatePrivilegeGroup':
    case 'DropPrivilegeGroup':
    case 'OperatePrivilegeGroup':
      return zillizFeatureEnabled(platform, 'customPrivilegeGroups') ? null : refused('custom privilege groups are not enabled for this organisation');
    case 'OperatePrivilegeV2': {
      const role = nameOf(request.role);
      if (BUILTIN_ROLES.includes(role)) return refused(`the built-in role ${role} cannot be edited`);
      const privilege = nameOf(obj(request.grantor)?.privilege);
      if (privilege === 'BackupRBAC' || privilege === 'RestoreRBAC') return refused(`${privilege} is not offered`);
      const group = isBuiltinGroupName(privilege) || engine.groupMembers(privilege) !== undefined;
      if (group || zillizFeatureEnabled(platform, 'individualPrivileges')) return null;
      return refused(`granting the single privilege ${privilege} is not enabled for this organisation: grant a privilege group`);
    }
    case 'CreateCredential': {
      const problem = zillizNameProblem(str(request.username)) ?? zillizPasswordProblem(decoded(request.password));
      return problem ? refused(problem) : null;
    }
    case 'UpdateCredential': {
      const password = decoded(request.newPassword);
      const problem = password === '' ? null : zillizPasswordProblem(password);
      return problem ? refused(problem) : null;
    }
    case 'CreateRole': {
      const problem = zillizNameProblem(nameOf(request.entity));
      return problem ? refused(problem) : null;
    }
    case 'OperateUserRole':
      return str(request.username) === ZILLIZ_CLOUD.defaultUser && str(request.role_name) === ZILLIZ_CLOUD.adminRole && request.type === 'RemoveUserFromRole'
        ? refused(`${ZILLIZ_CLOUD.defaultUser} keeps the ${ZILLIZ_CLOUD.adminRole} role`)
        : null;
    default:
      return null;
  }
}
