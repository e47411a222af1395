/**
 * Name rules, limits and protected objects Milvus enforces.
 * Source: milvus-io/milvus `internal/proxy/util.go` (ValidateUsername, ValidatePassword,
 * validateName, ValidatePrivilegeGroupName, ValidateDatabaseName) and
 * `pkg/util/paramtable/component_param.go` (proxy.* defaults), see docs/milvus-behaviour.md.
 * Messages follow Milvus's wording so the emulator can return them verbatim.
 */

import type { Grant } from './types.js';
import { atLeast } from './versions.js';
import type { MilvusVersion } from './versions.js';

/** proxy.maxRoleDescriptionLength / maxUserDescriptionLength defaults (Milvus 2.6.19+), in bytes. */
export const MAX_DESCRIPTION_BYTES = 1024;

export interface NameLimits {
  /** proxy.maxUsernameLength */
  readonly maxUsernameLength: number;
  /** proxy.maxNameLength: roles, privilege groups, databases, collections */
  readonly maxNameLength: number;
  /** proxy.minPasswordLength / proxy.maxPasswordLength, in bytes */
  readonly minPasswordLength: number;
  readonly maxPasswordLength: number;
}

export interface ObjectLimits {
  /** proxy.maxUserNum; `root` counts. */
  readonly maxUsers: number;
  /** proxy.maxRoleNum; `admin` and `public` count. */
  readonly maxRoles: number;
}

export const DEFAULT_NAME_LIMITS: NameLimits = Object.freeze({
  maxUsernameLength: 32,
  maxNameLength: 255,
  minPasswordLength: 6,
  maxPasswordLength: 256,
});

/**
 * The name limits a Milvus release uses by default: from 2.4.18 and 2.5.0 proxy.maxPasswordLength
 * is 72 (bcrypt's limit; #38128 on 2.4, commit 2208b7c2ef / #37983 on 2.5), before that 256
 * with bcrypt failing past 72.
 */
export function nameLimitsOf(version: MilvusVersion): NameLimits {
  return atLeast(version, '2.4.18') ? { ...DEFAULT_NAME_LIMITS, maxPasswordLength: BCRYPT_MAX_PASSWORD_BYTES } : DEFAULT_NAME_LIMITS;
}

export const DEFAULT_OBJECT_LIMITS: ObjectLimits = Object.freeze({ maxUsers: 100, maxRoles: 10 });

export const ROOT_USER = 'root';
export const DEFAULT_ROOT_PASSWORD = 'Milvus';
export const ADMIN_ROLE = 'admin';
export const PUBLIC_ROLE = 'public';
/** util.DefaultRoles: cannot be dropped; their bindings and grants are still editable. */
export const DEFAULT_ROLES: readonly string[] = Object.freeze([ADMIN_ROLE, PUBLIC_ROLE]);
export const DEFAULT_DATABASE = 'default';

/** Grants every fresh Milvus gives `public` (measured on 2.3.5; grantor root, db `*`), in canonical order. */
export const PUBLIC_DEFAULT_GRANTS: readonly Grant[] = Object.freeze([
  { objectType: 'Collection', objectName: '*', dbName: '*', privilege: 'IndexDetail' },
  { objectType: 'Global', objectName: '*', dbName: '*', privilege: 'DescribeCollection' },
  { objectType: 'Global', objectName: '*', dbName: '*', privilege: 'ShowCollections' },
]);

const publicGrant = (objectType: Grant['objectType'], privilege: string): Grant => ({ objectType, objectName: '*', dbName: '*', privilege });

/**
 * What a fresh Milvus of this version grants `public` at start-up (root coordinator, grantor root,
 * db `*`), in canonical order; see docs/milvus-behaviour.md for the releases. Start-up only ever
 * adds them, so a server first started on an older release may still hold the older set.
 */
export function publicDefaultGrants(version: MilvusVersion): readonly Grant[] {
  const showOrList = atLeast(version, '2.4.18') ? [publicGrant('Global', 'ListAliases')] : atLeast(version, '2.4.3') ? [] : [publicGrant('Global', 'ShowCollections')];
  return [publicGrant('Collection', 'IndexDetail'), publicGrant('Global', 'DescribeCollection'), ...showOrList];
}

export function isDefaultRole(name: string): boolean {
  return DEFAULT_ROLES.includes(name);
}

/** `null` when valid, else Milvus's reason. */
export type NameProblem = string | null;

const isAsciiLetter = (c: string): boolean => /^[A-Za-z]$/.test(c);
const isDigit = (c: string): boolean => c >= '0' && c <= '9';

function firstBadChar(rest: string, allowed: (c: string) => boolean): { char: string; index: number } | null {
  for (let i = 0; i < rest.length; i++) {
    const c = rest[i] as string;
    if (!allowed(c)) return { char: c, index: i + 1 };
  }
  return null;
}

export function checkUserName(raw: string, limits: NameLimits = DEFAULT_NAME_LIMITS): NameProblem {
  const name = raw.trim();
  if (name === '') return 'username must be not empty';
  const bytes = Buffer.byteLength(name, 'utf8');
  if (bytes > limits.maxUsernameLength) {
    return `invalid username ${name} with length ${bytes}, the length of username must be less than ${limits.maxUsernameLength}`;
  }
  const first = name[0] as string;
  if (!isAsciiLetter(first)) {
    return `invalid user name ${name}, the first character must be a letter, but got ${first}`;
  }
  const bad = firstBadChar(name.slice(1), (c) => isAsciiLetter(c) || isDigit(c) || c === '_');
  if (bad) {
    return `invalid user name ${name}, username must contain only numbers, letters and underscores, but got ${bad.char}`;
  }
  return null;
}

export function checkPassword(password: string, limits: NameLimits = DEFAULT_NAME_LIMITS): NameProblem {
  const bytes = Buffer.byteLength(password, 'utf8');
  if (bytes < limits.minPasswordLength || bytes > limits.maxPasswordLength) {
    return `invalid password length: value ${bytes} out of range [${limits.minPasswordLength}, ${limits.maxPasswordLength}]`;
  }
  return null;
}

/**
 * Milvus hashes passwords with Go's bcrypt, which refuses more than 72 bytes: a longer password
 * passes the range check and then fails with UnexpectedError (measured on 2.3.5).
 */
export const BCRYPT_MAX_PASSWORD_BYTES = 72;

/** Every rule a password must meet before Milvus will store it; the message never holds the password. */
export function checkStorablePassword(password: string, limits: NameLimits = DEFAULT_NAME_LIMITS): NameProblem {
  const range = checkPassword(password, limits);
  if (range) return range;
  const bytes = Buffer.byteLength(password, 'utf8');
  if (bytes > BCRYPT_MAX_PASSWORD_BYTES) {
    return `password is ${bytes} bytes: Milvus stores passwords with bcrypt, which refuses more than ${BCRYPT_MAX_PASSWORD_BYTES} bytes`;
  }
  return null;
}

/** Milvus's validateName, shared by role, object, collection and privilege names. */
function checkGenericName(raw: string, what: string, extraAllowed: string, limits: NameLimits): NameProblem {
  const name = raw.trim();
  if (name === '') return `${what} should be not empty`;
  if (name.length > limits.maxNameLength) {
    return `the length of ${what} must be not greater than limit: value ${name.length} out of range [0, ${limits.maxNameLength}]`;
  }
  const first = name[0] as string;
  if (first !== '_' && !isAsciiLetter(first)) return `the first character of ${what} must be an underscore or letter`;
  const bad = firstBadChar(name.slice(1), (c) => isAsciiLetter(c) || isDigit(c) || c === '_' || extraAllowed.includes(c));
  if (bad) {
    const kinds = extraAllowed.includes('$') ? 'numbers, letters, dollars and underscores' : 'numbers, letters and underscores';
    return `${what} can only contain ${kinds}, found ${bad.char} at ${bad.index}`;
  }
  return null;
}

export function checkRoleName(raw: string, limits: NameLimits = DEFAULT_NAME_LIMITS): NameProblem {
  return checkGenericName(raw, 'role name', '$', limits);
}

export function checkPrivilegeGroupName(name: string, limits: NameLimits = DEFAULT_NAME_LIMITS): NameProblem {
  // Milvus does not trim privilege-group names before validating them.
  if (name === '') return 'privilege group name should not be empty';
  if (name.length > limits.maxNameLength) {
    return `the length of a privilege group name ${name} must be less than ${limits.maxNameLength} characters`;
  }
  const first = name[0] as string;
  if (first !== '_' && !isAsciiLetter(first)) {
    return `the first character of a privilege group name ${name} must be an underscore or letter`;
  }
  if (firstBadChar(name.slice(1), (c) => isAsciiLetter(c) || isDigit(c) || c === '_')) {
    return `privilege group name ${name} can only contain numbers, letters and underscores`;
  }
  return null;
}

export function checkDatabaseName(name: string, limits: NameLimits = DEFAULT_NAME_LIMITS): NameProblem {
  if (name === '') return 'database name should be not empty';
  if (name.length > limits.maxNameLength) {
    return `the length of a database name must be less than ${limits.maxNameLength} characters`;
  }
  const first = name[0] as string;
  if (first !== '_' && !isAsciiLetter(first)) return 'the first character of a database name must be an underscore or letter';
  if (firstBadChar(name.slice(1), (c) => isAsciiLetter(c) || isDigit(c) || c === '_')) {
    return 'database name can only contain numbers, letters and underscores';
  }
  return null;
}

/** Collection names in grants: `*` or a name following validateName (no `$`). */
export function checkCollectionName(name: string, limits: NameLimits = DEFAULT_NAME_LIMITS): NameProblem {
  if (name === '*') return null;
  return checkGenericName(name, 'collection name', '', limits);
}
