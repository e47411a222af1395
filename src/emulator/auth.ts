import type { Metadata } from '@grpc/grpc-js';
import { decideAccess, requirementOf, unconditionalAccess } from '../model/access.js';
import type { RbacEngine } from '../engine/engine.js';
import type { Request } from './handlers.js';

/**
 * Who is calling, and may they: Milvus's authentication (the `authorization` header) and the
 * privilege check of its proxy interceptor. The rules themselves are the model's
 * (src/model/access.ts); this file only reads them off the wire.
 */

export function headerValue(metadata: Metadata, key: string): string {
  const value = metadata.get(key)[0];
  return typeof value === 'string' ? value : value instanceof Buffer ? value.toString('utf8') : '';
}

/**
 * The caller an API key stands for: a name no user can have. Zilliz Cloud resolves a key to a
 * Milvus identity of its own (a proprietary VerifyAPIKey hook; milvus-io/milvus
 * internal/proxy/authentication_interceptor.go) that list_users does not show; the emulator lets
 * it pass every check, as a project administrator's key.
 */
export const API_KEY_CALLER = '\u0000api-key';

/** Milvus's token: base64 of `user:password` in the `authorization` header, or an API key (no colon). */
export function authenticate(engine: RbacEngine, metadata: Metadata, apiKeys: readonly string[] = []): string | { reason: string } {
  const raw = headerValue(metadata, 'authorization');
  if (raw === '') return { reason: 'missing authorization in header' };
  const decoded = Buffer.from(raw, 'base64').toString('utf8');
  if (!decoded.includes(':') && apiKeys.includes(decoded)) return API_KEY_CALLER;
  const colon = decoded.indexOf(':');
  const user = colon < 0 ? '' : decoded.slice(0, colon);
  const password = colon < 0 ? '' : decoded.slice(colon + 1);
  if (!engine.authenticate(user, password)) return { reason: 'auth check failure, please check username and password are correct' };
  return user;
}

function subjectOf(method: string, request: Request): { user?: string; role?: string } {
  const nested = (value: unknown): Request | null => (value !== null && typeof value === 'object' ? (value as Request) : null);
  const name = (value: unknown): string | undefined => {
    const n = nested(value)?.name;
    return typeof n === 'string' ? n : undefined;
  };
  switch (method) {
    case 'SelectUser':
      return { user: name(request.user) ?? '' };
    case 'UpdateCredential':
      return { user: typeof request.username === 'string' ? request.username : '' };
    case 'SelectGrant': {
      const role = name(nested(request.entity)?.role);
      return role === undefined ? {} : { role };
    }
    default:
      return {};
  }
}

/** The privilege the caller lacks for this call, or null when it may go ahead. */
export function deniedPrivilege(engine: RbacEngine, method: string, request: Request, caller: string, dbName: string): string | null {
  if (caller === API_KEY_CALLER) return null;
  const roles = engine.rolesOf(caller);
  // Checked before the snapshot: rebuilding the access index after every write would make a long
  // run of grants by root quadratic.
  if (unconditionalAccess(caller, roles, { superUser: engine.superUser, adminRoles: [engine.adminRole] })) return null;
  const requirement = requirementOf(method, subjectOf(method, request), caller, roles);
  if (!requirement) return null;
  const decision = decideAccess(engine.snapshot(), engine.version, caller, requirement.privilege, {
    objectType: requirement.objectType,
    objectName: requirement.objectName,
    dbName,
  });
  return decision.allowed ? null : requirement.privilege;
}


