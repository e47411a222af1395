import type { Grant } from './types.js';

/**
 * Every write Milvus RBAC offers, as plain data. A plan is an ordered list of these; the emulator's
 * engine applies them to an in-memory state (plan simulation uses the same engine), and
 * `milvus/` turns each into one SDK call. Passwords are never carried: only where to read them.
 */

export type PasswordSource = { readonly env: string } | { readonly file: string };

/** `v1` = OperatePrivilege (object type + name), `v2` = OperatePrivilegeV2 (db + collection, Milvus >= 2.5). */
export type GrantForm = 'v1' | 'v2';

export type Operation =
  | { readonly kind: 'createPrivilegeGroup'; readonly group: string }
  | { readonly kind: 'addPrivilegesToGroup'; readonly group: string; readonly privileges: readonly string[] }
  | { readonly kind: 'createRole'; readonly role: string }
  | { readonly kind: 'setRoleDescription'; readonly role: string; readonly description: string }
  | { readonly kind: 'grant'; readonly role: string; readonly grant: Grant; readonly form: GrantForm }
  | { readonly kind: 'createUser'; readonly user: string; readonly password: PasswordSource }
  | { readonly kind: 'setUserDescription'; readonly user: string; readonly description: string }
  /**
   * `oldPassword` is where the current password is read (Milvus checks it); without one the
   * operator must be one of the server's superUsers, whom Milvus does not ask for it.
   */
  | { readonly kind: 'updatePassword'; readonly user: string; readonly password: PasswordSource; readonly oldPassword?: PasswordSource }
  | { readonly kind: 'bindRole'; readonly user: string; readonly role: string }
  | { readonly kind: 'unbindRole'; readonly user: string; readonly role: string }
  | { readonly kind: 'revoke'; readonly role: string; readonly grant: Grant; readonly form: GrantForm }
  | { readonly kind: 'removePrivilegesFromGroup'; readonly group: string; readonly privileges: readonly string[] }
  | { readonly kind: 'dropRole'; readonly role: string }
  | { readonly kind: 'dropPrivilegeGroup'; readonly group: string }
  | { readonly kind: 'dropUser'; readonly user: string };

export type OperationKind = Operation['kind'];

/** The safe order of docs/architecture.md: dependencies first, additive before subtractive. */
export const PHASE_ORDER: readonly OperationKind[] = Object.freeze([
  'createPrivilegeGroup',
  'addPrivilegesToGroup',
  'createRole',
  'setRoleDescription',
  'grant',
  'createUser',
  'setUserDescription',
  'updatePassword',
  'bindRole',
  'unbindRole',
  'revoke',
  'removePrivilegesFromGroup',
  'dropRole',
  'dropPrivilegeGroup',
  'dropUser',
]);
