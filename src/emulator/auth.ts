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

/** Milvus's token: base64 of `user:password` in the `authorization` header. */
export function authenticate(engine: RbacEngine, metadata: Metadata): string | { reason: string } {
  const raw = headerValue(metadata, 'authorization');
  if (raw === '') return { reason: 'missing authorization in header' };
  const decoded = Buffer.from(raw, 'base64').toString('utf8');
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
  const roles = engine.rolesOf(caller);
  // Checked before the snapshot: rebuilding the access index after every write would make a long
  // run of grants by root quadratic.
  if (unconditionalAccess(caller, roles)) return null;
  const requirement = requirementOf(method, subjectOf(method, request), caller, roles);
  if (!requirement) return null;
  const decision = decideAccess(engine.snapshot(), engine.version, caller, requirement.privilege, {
    objectType: requirement.objectType,
    objectName: requirement.objectName,
    dbName,
  });
  return decision.allowed ? null : requirement.privilege;
}


