import { isBuiltinGroupName, isDefinedPrivilegeName } from '../model/catalogue.js';
import { DEFAULT_DATABASE } from '../model/names.js';
import type { Grant, ObjectType } from '../model/types.js';

/**
 * Normalising what a server returns into the form the policy loader produces, so equal access
 * never shows up as a difference: API privilege names, `default` for an empty database, `*` as the
 * object name of Global single-privilege grants, no grantor.
 */

const GROUP_PREFIX = 'PrivilegeGroup';
const PRIVILEGE_PREFIX = 'Privilege';

/**
 * Milvus stores privileges as `Privilege<Name>` / `PrivilegeGroup<Name>`; SelectGrant converts
 * them, but backups and privilege-group listings may carry the stored form. A prefix is only
 * stripped when what remains is a name the server knows, so a custom group that happens to be
 * called `PrivilegeFoo` keeps its name. The names of every version are used whatever the server's
 * version: a server never holds a custom group named like a built-in one (it refuses to create
 * it), so knowing more names than an old server does cannot misread its answers.
 */
export function apiPrivilegeName(raw: string, customGroups: ReadonlySet<string>): string {
  if (raw === '*' || isDefinedPrivilegeName(raw) || customGroups.has(raw)) return raw;
  if (raw.startsWith(GROUP_PREFIX)) {
    const rest = raw.slice(GROUP_PREFIX.length);
    if (isBuiltinGroupName(rest) || customGroups.has(rest)) return rest;
  }
  if (raw.startsWith(PRIVILEGE_PREFIX)) {
    const rest = raw.slice(PRIVILEGE_PREFIX.length);
    if (isDefinedPrivilegeName(rest)) return rest;
  }
  return raw;
}

const OBJECT_TYPES: ReadonlySet<string> = new Set<ObjectType>(['Global', 'Collection', 'User']);

export function isObjectType(value: string): value is ObjectType {
  return OBJECT_TYPES.has(value);
}

export interface RawGrant {
  readonly objectType: string;
  readonly objectName: string;
  readonly dbName: string;
  readonly privilege: string;
}

/** `null` for an object type this tool does not model (reported by the caller, never guessed). */
export function normaliseGrant(raw: RawGrant, customGroups: ReadonlySet<string>): Grant | null {
  if (!isObjectType(raw.objectType)) return null;
  const privilege = apiPrivilegeName(raw.privilege, customGroups);
  const isGroup = isBuiltinGroupName(privilege) || customGroups.has(privilege);
  // Milvus stores Global single privileges under `*` whatever name the grant gave (v1 forces it;
  // a v2 grant may keep a collection name that has no meaning for a Global privilege).
  const objectName = raw.objectType === 'Global' && !isGroup ? '*' : raw.objectName || '*';
  return { objectType: raw.objectType, objectName, dbName: raw.dbName || DEFAULT_DATABASE, privilege };
}
