import { isZilliz, ZILLIZ_CLOUD } from '../model/platform.js';
import type { Platform } from '../model/platform.js';
import { canonicalState, grantKey, sortedUnique, toGrant } from '../model/canonical.js';
import { isLegacyGroupName, objectTypeOf } from '../model/catalogue.js';
import { catalogueAt } from '../model/catalogue-at-version.js';
import type { VersionCatalogue } from '../model/catalogue-at-version.js';
import { Collections } from './collections.js';
import { hashPassword, isPasswordHash, verifyPassword } from './credentials.js';
import { requireDatabaseName, requireName, requirePrivilegeName } from './name-errors.js';
import { RbacError } from './errors.js';
import {
  ADMIN_ROLE,
  DEFAULT_DATABASE,
  nameLimitsOf,
  DEFAULT_ROOT_PASSWORD,
  MAX_DESCRIPTION_BYTES,
  publicDefaultGrants,
  PUBLIC_ROLE,
  ROOT_USER,
  checkDatabaseName,
  BCRYPT_MAX_PASSWORD_BYTES,
  checkPassword,
  checkPrivilegeGroupName,
  checkRoleName,
  checkUserName,
} from '../model/names.js';
import type { NameLimits, ObjectLimits } from '../model/names.js';
import type { Operation, PasswordSource } from '../model/operations.js';
import type { Grant, ObjectType, PrivilegeLevel, RbacState } from '../model/types.js';
import type { FeatureSet, MilvusVersion } from '../model/versions.js';
import { featuresOf } from '../model/versions.js';

/**
 * The Milvus RBAC semantics as a pure in-memory state machine: every rule Milvus applies to
 * users, roles, grants and privilege groups, version by version. The emulator serves it over
 * gRPC; plan simulation applies plan steps to it. Sources of each rule: docs/milvus-behaviour.md.
 */

export interface EngineOptions {
  readonly version: MilvusVersion;
  readonly limits: ObjectLimits;
  readonly nameLimits?: NameLimits;
  /** Zilliz Cloud's built-ins in place of Milvus's root, admin and public (its refusals: emulator/zilliz.ts). */
  readonly platform?: Platform;
}

/** A grant as SelectGrant returns it: the stored tuple plus the user who made it. */
export interface GrantRecord extends Grant {
  readonly grantor: string;
}

/** A v1 grant entity as OperatePrivilege receives it; `objectType` is free text until checked. */
export interface GrantV1Input {
  readonly role: string;
  readonly objectType: string;
  readonly objectName: string;
  readonly dbName: string;
  readonly privilege: string;
}

export interface GrantV2Input {
  readonly role: string;
  readonly privilege: string;
  readonly dbName: string;
  readonly collectionName: string;
}

export interface GrantFilter {
  /** '' means `default`. */
  readonly dbName?: string;
  /** Present when the request names an object: then only that exact object is returned. */
  readonly objectType?: string;
  readonly objectName?: string;
}

export interface PrivilegeGroupView {
  readonly name: string;
  readonly privileges: readonly string[];
  readonly builtin: boolean;
}

/** BackupRBAC's content: RBACMeta in plain data. Passwords are stored hashes, never plain text. */
export interface RbacBackup {
  readonly users: readonly { readonly name: string; readonly passwordHash: string; readonly roles: readonly string[] }[];
  readonly roles: readonly string[];
  readonly grants: readonly (GrantRecord & { readonly role: string })[];
  readonly privilegeGroups: readonly { readonly name: string; readonly privileges: readonly string[] }[];
}

export interface ApplyContext {
  /** The user running the step: recorded as grantor. */
  readonly caller: string;
  /** Reads a password; without it, users are created without one (simulation) and no password rule is checked. */
  readonly resolvePassword?: (source: PasswordSource) => string;
}

const NO_ROLE = "not found the role, maybe the role isn't existed or internal system error";
const NO_USER = "not found the user, maybe the user isn't existed or internal system error";


const OBJECT_TYPES: readonly ObjectType[] = ['Collection', 'Global', 'User'];


export class RbacEngine {
  readonly version: MilvusVersion;
  readonly features: FeatureSet;
  private readonly catalogue: VersionCatalogue;
  readonly limits: ObjectLimits;
  readonly nameLimits: NameLimits;
  /** The user no call may drop and who passes every check: Milvus's root, Zilliz Cloud's db_admin. */
  readonly superUser: string;
  /** Roles that cannot be dropped or altered: admin and public, or Zilliz Cloud's db_admin, db_rw and db_ro. */
  readonly builtinRoles: readonly string[];
  /** The role whose members pass every check: admin, or Zilliz Cloud's db_admin. */
  readonly adminRole: string;

  /** user name → password hash (null: unknown, the user cannot log in). */
  private readonly users = new Map<string, string | null>();
  private readonly bindings = new Map<string, Set<string>>();
  private readonly roles = new Set<string>();
  /** Keyed by role name and kept when the role is dropped: 2.3 leaves such grants behind. */
  private readonly grants = new Map<string, Map<string, GrantRecord>>();
  private readonly groups = new Map<string, Set<string>>();
  private readonly databases = new Set<string>([DEFAULT_DATABASE]);
  /** Non-empty descriptions only (2.6.19+): Milvus answers "" for none. */
  private readonly roleDescriptions = new Map<string, string>();
  private readonly userDescriptions = new Map<string, string>();
  /** Collections and aliases, for what they do to grants (2.6.12+). */
  private readonly collections = new Collections();
  /**
   * Privilege names a loaded live state holds that the catalogue does not know for this version
   * (a newer server's, or an old leftover): the server defines them, so its calls accept them.
   */
  private readonly serverPrivileges = new Map<string, ObjectType>();
  /** The last snapshot, dropped by every change; the emulator reads it on each authorised call. */
  private cached: RbacState | undefined;

  constructor(options: EngineOptions, initial?: RbacState, passwords?: ReadonlyMap<string, string>) {
    this.version = options.version;
    this.features = featuresOf(options.version);
    this.catalogue = catalogueAt(options.version);
    this.limits = options.limits;
    this.nameLimits = options.nameLimits ?? nameLimitsOf(options.version);
    const zilliz = isZilliz(options.platform);
    this.superUser = zilliz ? ZILLIZ_CLOUD.defaultUser : ROOT_USER;
    this.builtinRoles = zilliz ? ZILLIZ_CLOUD.builtinRoles : [ADMIN_ROLE, PUBLIC_ROLE];
    this.adminRole = zilliz ? ZILLIZ_CLOUD.adminRole : ADMIN_ROLE;
    this.users.set(this.superUser, hashPassword(passwords?.get(this.superUser) ?? DEFAULT_ROOT_PASSWORD));
    for (const role of this.builtinRoles) this.roles.add(role);
    // Zilliz binds its default user to its db_admin role (docs.zilliz.com, "Manage Cluster Users").
    if (zilliz) this.bindingsOf(this.superUser).add(ZILLIZ_CLOUD.adminRole);
    if (initial) this.load(initial, passwords);
    else if (!zilliz) for (const g of publicDefaultGrants(options.version)) this.storeGrant(PUBLIC_ROLE, g, ROOT_USER);
  }

  /** Loads a seed or live state; names must pass Milvus's rules (a real server could not hold others). */
  private load(state: RbacState, passwords?: ReadonlyMap<string, string>): void {
    const checked = (problem: string | null, what: string): void => {
      if (problem !== null) throw new RbacError('ParameterInvalid', `seed: ${what}: ${problem}`);
    };
    for (const u of state.users) checked(checkUserName(u.name, this.nameLimits), `user ${JSON.stringify(u.name)}`);
    for (const r of state.roles) checked(checkRoleName(r.name, this.nameLimits), `role ${JSON.stringify(r.name)}`);
    for (const g of state.privilegeGroups) {
      checked(checkPrivilegeGroupName(g.name, this.nameLimits), `privilege group ${JSON.stringify(g.name)}`);
    }
    for (const group of state.privilegeGroups) this.groups.set(group.name, new Set(group.privileges));
    // The object type a grant was stored under is the one the server gives that privilege.
    const named: [string, ObjectType][] = [
      ...state.privilegeGroups.flatMap((g) => g.privileges.map((p): [string, ObjectType] => [p, 'Global'])),
      ...state.roles.flatMap((r) => r.grants.map((g): [string, ObjectType] => [g.privilege, g.objectType])),
    ];
    for (const [name, objectType] of named) {
      if (name !== '*' && !this.groups.has(name) && !this.catalogue.definesName(name)) this.serverPrivileges.set(name, objectType);
    }
    for (const role of state.roles) {
      this.roles.add(role.name);
      if (role.description && this.features.descriptions) this.roleDescriptions.set(role.name, role.description);
      for (const g of role.grants) this.storeGrant(role.name, g, this.superUser);
    }
    for (const user of state.users) {
      const password = passwords?.get(user.name);
      if (user.name !== this.superUser || password !== undefined) {
        this.users.set(user.name, password === undefined ? null : hashPassword(password));
      }
      if (user.description && this.features.descriptions) this.userDescriptions.set(user.name, user.description);
      for (const role of user.roles) {
        if (!this.roles.has(role)) throw new RbacError('NotFound', `seed: user ${user.name} is bound to unknown role ${role}`);
        this.bindingsOf(user.name).add(role);
      }
    }
  }

  // ---------------------------------------------------------------- state views

  /** The observable state, canonical: roles with their grants, users with their bindings, custom groups. */
  snapshot(): RbacState {
    if (this.cached) return this.cached;
    this.cached = canonicalState({
      users: [...this.users.keys()].map((name) => ({ name, roles: [...(this.bindings.get(name) ?? [])], description: this.userDescriptions.get(name) ?? '' })),
      roles: [...this.roles].map((name) => ({ name, grants: [...(this.grants.get(name)?.values() ?? [])].map(toGrant), description: this.roleDescriptions.get(name) ?? '' })),
      privilegeGroups: [...this.groups].map(([name, privileges]) => ({ name, privileges: [...privileges] })),
    });
    return this.cached;
  }

  /** util.IsPrivilegeNameDefined on this server: its catalogue, and names its state showed it holds. */
  private definesName(name: string): boolean {
    return this.catalogue.definesName(name) || this.serverPrivileges.has(name);
  }

  private touch(): void {
    this.cached = undefined;
  }

  hasUser(name: string): boolean {
    return this.users.has(name);
  }

  hasRole(name: string): boolean {
    return this.roles.has(name);
  }

  /** Roles bound to a user, without the implicit `public`. */
  rolesOf(user: string): readonly string[] {
    return sortedUnique(this.bindings.get(user) ?? []);
  }

  listUsers(): string[] {
    return sortedUnique(this.users.keys());
  }

  /** SelectUser: unknown names give an empty list, as Milvus does. */
  selectUsers(name?: string): { name: string; roles: string[]; description: string }[] {
    const names = name === undefined || name === '' ? this.listUsers() : this.users.has(name) ? [name] : [];
    return names.map((n) => ({ name: n, roles: [...this.rolesOf(n)], description: this.userDescriptions.get(n) ?? '' }));
  }

  /** SelectRole: unknown names give an empty list, as Milvus does. */
  selectRoles(name?: string): { name: string; users: string[]; description: string }[] {
    const names = name === undefined || name === '' ? sortedUnique(this.roles) : this.roles.has(name) ? [name] : [];
    // One pass over the bindings, not one per role: a full SelectRole is a single RPC at any size.
    const usersOf = new Map<string, string[]>(names.map((role) => [role, []]));
    for (const user of this.listUsers()) {
      for (const role of this.bindings.get(user) ?? []) usersOf.get(role)?.push(user);
    }
    return names.map((role) => ({ name: role, users: usersOf.get(role) ?? [], description: this.roleDescriptions.get(role) ?? '' }));
  }

  authenticate(user: string, password: string): boolean {
    const stored = this.users.get(user);
    return typeof stored === 'string' && verifyPassword(stored, password);
  }

  listDatabases(): string[] {
    return [DEFAULT_DATABASE, ...sortedUnique([...this.databases].filter((d) => d !== DEFAULT_DATABASE))];
  }

  // ---------------------------------------------------------------- databases

  createDatabase(name: string): void {
    requireDatabaseName(checkDatabaseName(name, this.nameLimits), name);
    if (this.databases.has(name)) throw new RbacError('AlreadyExists', `database already exist: ${name}`, { layer: 'coord' });
    this.databases.add(name);
  }

  /** Grants in a dropped database stay stored (measured on 2.3.5: they come back with the database). */
  dropDatabase(name: string): void {
    if (name === DEFAULT_DATABASE) {
      throw new RbacError('ParameterInvalid', 'can not drop default database', { layer: 'coord', typed: false });
    }
    this.databases.delete(name);
  }

  // ---------------------------------------------------------------- users

  createUser(rawName: string, password: string | undefined, description = ''): void {
    this.touch();
    const name = this.userName(rawName);
    if (password !== undefined) this.checkNewPassword(password);
    if (description && this.features.descriptions) this.checkUserDescription(description);
    if (this.users.has(name)) throw new RbacError('AlreadyExists', `user already exists: ${name}`, { layer: 'coord' });
    if (this.users.size >= this.limits.maxUsers) {
      throw new RbacError('QuotaExceeded', 'unable to add user because the number of users has reached the limit', { context: 'failed to check if add credential' });
    }
    this.users.set(name, password === undefined ? null : hashPassword(password));
    // Before 2.6.19 the field is not in the server's protocol and is dropped unread.
    if (description && this.features.descriptions) this.userDescriptions.set(name, description);
  }

  /**
   * UpdateCredential carrying only a description (2.6.19+): no password check. An unknown user is
   * refused; an empty description clears it.
   */
  updateUserDescription(rawName: string, description: string): void {
    this.touch();
    const name = this.userName(rawName);
    this.checkUserDescription(description);
    if (!this.users.has(name)) throw new RbacError('NotFound', 'user not found', { layer: 'coord', context: 'failed to check if update credential', plainFrom2619: true });
    if (description) this.userDescriptions.set(name, description);
    else this.userDescriptions.delete(name);
  }

  private checkUserDescription(description: string): void {
    const length = Buffer.byteLength(description, 'utf8');
    if (length > MAX_DESCRIPTION_BYTES) {
      throw new RbacError(
        'ParameterInvalid',
        `invalid user description with length ${length}, the length of user description must be less than or equal to ${MAX_DESCRIPTION_BYTES}`,
      );
    }
  }

  private checkRoleDescription(description: string): void {
    const length = Buffer.byteLength(description, 'utf8');
    if (length > MAX_DESCRIPTION_BYTES) {
      throw new RbacError('ParameterInvalid', 'the length of role description must be not greater than limit', {
        detail: `[${length} out of range 0 <= value <= ${MAX_DESCRIPTION_BYTES}]`,
      });
    }
  }

  /**
   * UpdateCredential. `oldPassword` undefined skips the old-password check (a superuser, or plan
   * simulation); otherwise a wrong one is refused as Milvus does, also for unknown users.
   */
  updatePassword(rawName: string, oldPassword: string | undefined, newPassword: string | undefined): void {
    const name = this.userName(rawName);
    if (oldPassword !== undefined && !this.authenticate(name, oldPassword)) {
      throw new RbacError('NotAuthenticated', `old password not correct for ${name}`);
    }
    if (newPassword !== undefined) this.checkNewPassword(newPassword);
    if (!this.users.has(name)) throw new RbacError('NotFound', NO_USER);
    this.users.set(name, newPassword === undefined ? null : hashPassword(newPassword));
  }

  /** DeleteCredential: root is protected; an unknown user is not an error; bindings go with the user. */
  deleteUser(rawName: string): void {
    this.touch();
    const name = this.userName(rawName);
    if (name === this.superUser) throw new RbacError('ProtectedObject', `${name} user cannot be deleted`);
    this.users.delete(name);
    this.userDescriptions.delete(name);
    this.bindings.delete(name);
  }

  private checkNewPassword(password: string): void {
    const problem = checkPassword(password, this.nameLimits);
    requireName(problem, '');
    if (Buffer.byteLength(password, 'utf8') > BCRYPT_MAX_PASSWORD_BYTES) {
      throw new RbacError('Internal', 'encrypt password failed: bcrypt: password length exceeds 72 bytes', {
        layer: 'proxy',
        typed: false,
      });
    }
  }

  // ---------------------------------------------------------------- roles

  createRole(rawName: string, description = ''): void {
    this.touch();
    const name = this.roleName(rawName);
    if (description && this.features.descriptions) this.checkRoleDescription(description);
    if (this.roles.has(name)) throw new RbacError('AlreadyExists', `role [name:"${name}"] already exists`);
    if (this.roles.size >= this.limits.maxRoles) {
      throw new RbacError('QuotaExceeded', 'unable to create role because the number of roles has reached the limit', { context: 'failed to check if create role' });
    }
    this.roles.add(name);
    if (description && this.features.descriptions) this.roleDescriptions.set(name, description);
  }

  /** AlterRole (2.6.19+): replaces the description; an empty one clears it. */
  alterRole(rawName: string, description: string): void {
    this.touch();
    this.requireFeature(this.features.descriptions, 'AlterRole');
    const name = this.roleName(rawName);
    if (this.builtinRoles.includes(name)) throw new RbacError('ProtectedObject', `the role[${name}] is a default role, which can't be altered`);
    this.checkRoleDescription(description);
    if (!this.roles.has(name)) throw new RbacError('NotFound', 'role not exists', { layer: 'coord', context: 'failed to check if alter role', plainFrom2619: true });
    if (description) this.roleDescriptions.set(name, description);
    else this.roleDescriptions.delete(name);
  }

  /**
   * DropRole. admin/public are protected. A role with grants is refused unless `force` on
   * versions that honour force_drop (2.5+, which then delete its grants). 2.3 looks only at grants
   * in db `default` and `*`, and leaves grants in other databases behind (measured on 2.3.5).
   */
  dropRole(rawName: string, force: boolean): void {
    this.touch();
    const name = this.roleName(rawName);
    if (this.builtinRoles.includes(name)) throw new RbacError('ProtectedObject', `the role[${name}] is a default role, which can't be dropped`);
    if (!this.roles.has(name)) throw new RbacError('NotFound', NO_ROLE);
    const held = [...(this.grants.get(name)?.values() ?? [])];
    const blocking = this.features.selectGrantAllDatabases
      ? held
      : held.filter((g) => g.dbName === DEFAULT_DATABASE || g.dbName === '*');
    const honoursForce = this.features.forceDrop && force;
    if (blocking.length > 0 && !honoursForce) {
      throw new RbacError('InUse', 'fail to drop the role that it has privileges. Use REVOKE API to revoke privileges', { context: 'failed to check if drop role' });
    }
    if (honoursForce) this.grants.delete(name);
    this.roles.delete(name);
    this.roleDescriptions.delete(name);
    for (const roles of this.bindings.values()) roles.delete(name);
  }

  bindUser(rawUser: string, rawRole: string): void {
    this.touch();
    const user = this.userName(rawUser);
    const role = this.roleName(rawRole);
    if (!this.roles.has(role)) throw new RbacError('NotFound', NO_ROLE);
    if (!this.users.has(user)) {
      throw new RbacError('NotFound', NO_USER, { context: 'failed to check if operate user role', messageFrom2619: `user "${user}" not found` });
    }
    this.bindingsOf(user).add(role);
  }

  /** Removing an absent binding, or a binding of an unknown user, succeeds (measured on 2.3.5). */
  unbindUser(rawUser: string, rawRole: string): void {
    this.touch();
    const user = this.userName(rawUser);
    const role = this.roleName(rawRole);
    if (!this.roles.has(role)) throw new RbacError('NotFound', NO_ROLE);
    this.bindings.get(user)?.delete(role);
  }

  /** Validates a user name; versions from 2.4 store it trimmed, 2.3 as given (FeatureSet.trimsNames). */
  private userName(raw: string): string {
    requireName(checkUserName(raw, this.nameLimits), raw);
    return this.features.trimsNames ? raw.trim() : raw;
  }

  private roleName(raw: string): string {
    requireName(checkRoleName(raw, this.nameLimits), raw);
    return this.features.trimsNames ? raw.trim() : raw;
  }

  private bindingsOf(user: string): Set<string> {
    let roles = this.bindings.get(user);
    if (!roles) {
      roles = new Set();
      this.bindings.set(user, roles);
    }
    return roles;
  }

  // ---------------------------------------------------------------- v1 grants

  grantV1(raw: GrantV1Input, grantor: string): void {
    this.touch();
    const input = { ...raw, role: this.roleName(raw.role) };
    for (const g of this.resolveV1(input, grantor)) this.storeGrant(input.role, g, grantor);
  }

  revokeV1(raw: GrantV1Input, grantor: string): void {
    this.touch();
    const input = { ...raw, role: this.roleName(raw.role) };
    for (const g of this.resolveV1(input, grantor)) this.grants.get(input.role)?.delete(grantKey(g));
  }

  /** Validates a v1 entity and returns the grants it stands for (the privilege plus related ones). */
  private resolveV1(input: GrantV1Input, grantor: string): Grant[] {
    this.checkGrantEntity(input.role, input.objectType, input.objectName, input.privilege);
    if (!OBJECT_TYPES.includes(input.objectType as ObjectType)) {
      if (this.features.objectEntityWording) {
        throw new RbacError('ParameterInvalid', 'the object entity in the request is nil or invalid', { layer: 'coord', context: 'failed to operate privilege common check' });
      }
      throw new RbacError(
        'ParameterInvalid',
        `not found the object type[name: ${input.objectType}], supported the object types: [Collection Global User]`,
        { layer: 'coord' },
      );
    }
    const objectType = input.objectType as ObjectType;
    this.checkRoleAndGrantor(input.role, grantor);
    this.checkV1Privilege(input.privilege, objectType);
    const isGroup = this.catalogue.builtinGroup(input.privilege) !== undefined;
    const dbName = input.dbName === '' ? DEFAULT_DATABASE : input.dbName;
    // 2.6.12+: a v1 grant on a Collection object naming an alias lands on the collection.
    const named = objectType === 'Collection' ? this.throughAlias(dbName, input.objectName) : input.objectName;
    const objectName = objectType === 'Global' && !isGroup ? '*' : named;
    const names = [input.privilege, ...this.catalogue.relatedPrivileges(input.privilege)];
    return names.map((privilege) => ({ objectType, objectName, dbName, privilege }));
  }

  private checkV1Privilege(privilege: string, objectType: ObjectType): void {
    if (privilege === '*') return;
    const modern = this.features.privilegeGroups;
    if (modern && this.groups.has(privilege)) {
      throw new RbacError('ParameterInvalid', `can not operate the custom privilege group [${privilege}]`, { layer: 'coord' });
    }
    if (modern && isLegacyGroupName(privilege)) {
      throw new RbacError('ParameterInvalid', `can not operate the built-in privilege group [${privilege}]`, { layer: 'coord' });
    }
    if (!this.catalogue.acceptsOnObjectType(privilege, objectType) && !this.serverPrivileges.has(privilege)) {
      const message = modern
        ? `not found the privilege name[${privilege}] in object[${objectType}]`
        : `not found the privilege name[${privilege}]`;
      throw new RbacError('ParameterInvalid', message, { layer: 'coord' });
    }
  }

  /** Proxy checks shared by v1 grant, revoke and select (2.3.5 labels object-name problems "role name"). */
  private checkGrantEntity(role: string, objectType: string, objectName: string, privilege: string): void {
    requireName(checkRoleName(objectType, this.nameLimits), objectType);
    if (objectName !== '*') requireName(checkRoleName(objectName, this.nameLimits), objectName);
    requireName(checkRoleName(role, this.nameLimits), role);
    requirePrivilegeName(privilege);
  }

  private checkRoleAndGrantor(role: string, grantor: string): void {
    if (!this.roles.has(role)) {
      throw new RbacError('NotFound', NO_ROLE, { context: 'failed to operate privilege common check', messageFrom2619: `the role "${role}" does not exist` });
    }
    if (!this.users.has(grantor)) throw new RbacError('NotFound', NO_USER);
  }

  // ---------------------------------------------------------------- v2 grants

  grantV2(raw: GrantV2Input, grantor: string): void {
    this.touch();
    const input = { ...raw, role: this.roleName(raw.role) };
    this.storeGrant(input.role, this.resolveV2(input, grantor), grantor);
  }

  revokeV2(raw: GrantV2Input, grantor: string): void {
    this.touch();
    const input = { ...raw, role: this.roleName(raw.role) };
    const g = this.resolveV2(input, grantor);
    this.grants.get(input.role)?.delete(grantKey(g));
  }

  private resolveV2(input: GrantV2Input, grantor: string): Grant {
    this.requireFeature(this.features.grantV2, 'OperatePrivilegeV2');
    requireName(checkRoleName(input.role, this.nameLimits), input.role);
    requirePrivilegeName(input.privilege);
    const dbName = input.dbName === '' ? DEFAULT_DATABASE : input.dbName;
    const collectionName = input.collectionName === '' ? '*' : input.collectionName;
    if (dbName !== '*') requireDatabaseName(checkDatabaseName(dbName, this.nameLimits), dbName);
    if (collectionName !== '*') requireName(checkRoleName(collectionName, this.nameLimits), collectionName);
    this.checkRoleAndGrantor(input.role, grantor);
    const { privilege } = input;
    if (privilege !== '*' && !this.groups.has(privilege) && !this.definesName(privilege)) {
      throw new RbacError('ParameterInvalid', `not found the privilege name[${privilege}]`, { layer: 'coord' });
    }
    this.checkV2Level(privilege, dbName, collectionName);
    // 2.6.12+: any collection name that is an alias lands on its collection.
    return { objectType: this.serverPrivileges.get(privilege) ?? objectTypeOf(privilege), objectName: this.throughAlias(dbName, collectionName), dbName, privilege };
  }

  /** Only groups are level-checked; the level is that of the group's first member. */
  private checkV2Level(privilege: string, dbName: string, collectionName: string): void {
    const members = this.catalogue.builtinGroup(privilege)?.privileges ?? [...(this.groups.get(privilege) ?? [])];
    if (members.length === 0) return;
    const level: PrivilegeLevel | null = this.catalogue.levelOf(members[0] as string);
    const invalid = (message: string): RbacError => new RbacError('ParameterInvalid', message, { layer: 'coord', typed: true });
    if (level === 'cluster' && (dbName !== '*' || collectionName !== '*')) {
      throw invalid(`dbName and collectionName should be * for the cluster level privilege: ${privilege}`);
    }
    if (level === 'database' && collectionName !== '*') {
      throw invalid(`collectionName should be * for the database level privilege: ${privilege}`);
    }
    if (level === 'collection' && dbName === '*' && collectionName !== '*') {
      throw invalid(`please specify database name for the collection level privilege: ${privilege}`);
    }
    if (level === null) throw invalid('not found the privilege level');
  }

  /** Granting twice keeps the first grantor (kv catalog: the stored grantor is not overwritten). */
  private storeGrant(role: string, grant: Grant, grantor: string): void {
    let held = this.grants.get(role);
    if (!held) {
      held = new Map();
      this.grants.set(role, held);
    }
    const key = grantKey(grant);
    if (!held.has(key)) held.set(key, { ...toGrant(grant), grantor });
  }

  // ---------------------------------------------------------------- reading grants

  /**
   * SelectGrant. Empty db means `default`. A grant stored with db `*` matches every database;
   * asking for db `*` returns every database on 2.5+ and only `*`-stored grants before
   * (measured on 2.3.5). With an object type and name, only that exact object is returned.
   */
  selectGrants(rawRole: string, filter: GrantFilter = {}): GrantRecord[] {
    // With an object in the request, its type and name must pass the name rule, before the role is looked at.
    const byObject = filter.objectType !== undefined;
    if (byObject) {
      requireName(checkRoleName(filter.objectType ?? '', this.nameLimits), filter.objectType ?? '');
      const objectName = filter.objectName ?? '';
      if (objectName !== '*') requireName(checkRoleName(objectName, this.nameLimits), objectName);
    }
    const role = this.roleName(rawRole);
    if (!this.roles.has(role)) throw new RbacError('NotFound', NO_ROLE);
    const db = filter.dbName === undefined || filter.dbName === '' ? DEFAULT_DATABASE : filter.dbName;
    const everyDb = db === '*' && this.features.selectGrantAllDatabases;
    return [...(this.grants.get(role)?.values() ?? [])]
      .filter((g) => everyDb || g.dbName === db || g.dbName === '*')
      .filter((g) => !byObject || (g.objectType === filter.objectType && g.objectName === filter.objectName))
      .sort(byStorageKey);
  }


  // ---------------------------------------------------------------- collections (2.6.12+ effects on grants)

  /** The collection an alias names, on versions that resolve aliases in grants; the name itself otherwise. */
  private throughAlias(db: string, name: string): string {
    if (!this.features.grantsFollowCollection || name === '*' || db === '*') return name;
    return this.collections.resolveAlias(db, name) ?? name;
  }

  /** Collection-typed grants on `db.name`, by role: what 2.6.12+ deletes or moves with the collection. */
  private grantsOnCollection(db: string, name: string): [string, GrantRecord][] {
    const out: [string, GrantRecord][] = [];
    for (const [role, grants] of this.grants) {
      for (const g of grants.values()) if (g.objectType === 'Collection' && g.dbName === db && g.objectName === name) out.push([role, g]);
    }
    return out;
  }

  createCollection(db: string, name: string): void {
    requireDatabaseName(checkDatabaseName(db, this.nameLimits), db);
    requireName(checkRoleName(name, this.nameLimits), name);
    this.collections.create(db, name);
  }

  dropCollection(db: string, name: string): void {
    this.touch();
    if (!this.collections.drop(db, name) || !this.features.grantsFollowCollection) return;
    for (const [role, g] of this.grantsOnCollection(db, name)) this.grants.get(role)?.delete(grantKey(g));
  }

  renameCollection(db: string, name: string, newDb: string, newName: string): void {
    this.touch();
    requireName(checkRoleName(newName, this.nameLimits), newName);
    this.collections.rename(db, name, newDb, newName);
    if (!this.features.grantsFollowCollection) return;
    for (const [role, g] of this.grantsOnCollection(db, name)) {
      const grants = this.grants.get(role);
      grants?.delete(grantKey(g));
      const moved: GrantRecord = { ...g, dbName: newDb, objectName: newName };
      grants?.set(grantKey(moved), moved);
    }
  }

  createAlias(db: string, alias: string, collection: string): void {
    requireName(checkRoleName(alias, this.nameLimits), alias);
    this.collections.createAlias(db, alias, collection);
  }

  alterAlias(db: string, alias: string, collection: string): void {
    this.collections.alterAlias(db, alias, collection);
  }

  dropAlias(db: string, alias: string): void {
    this.collections.dropAlias(db, alias);
  }

  describeAlias(db: string, alias: string): string | undefined {
    return this.collections.resolveAlias(db, alias);
  }

  listCollections(db: string): string[] {
    return this.collections.list(db);
  }

  listAliases(db: string, collection?: string): string[] {
    return this.collections.listAliases(db, collection);
  }

  // ---------------------------------------------------------------- privilege groups

  createPrivilegeGroup(name: string): void {
    this.touch();
    this.requireFeature(this.features.privilegeGroups, 'CreatePrivilegeGroup');
    requireName(checkPrivilegeGroupName(name, this.nameLimits), name);
    const invalid = (message: string): RbacError => new RbacError('ParameterInvalid', message, { layer: 'coord', typed: true });
    if (this.groups.has(name)) throw invalid(`privilege group name [${name}] is defined by users`);
    if (this.definesName(name)) {
      throw invalid(`privilege group name [${name}] is defined by built in privileges or privilege groups in system`);
    }
    this.groups.set(name, new Set());
  }

  dropPrivilegeGroup(name: string): void {
    this.touch();
    this.requireFeature(this.features.privilegeGroups, 'DropPrivilegeGroup');
    requireName(checkPrivilegeGroupName(name, this.nameLimits), name);
    if (!this.groups.has(name)) throw new RbacError('NotFound', 'not a custom privilege group');
    for (const role of sortedUnique(this.roles)) {
      for (const g of this.grants.get(role)?.values() ?? []) {
        if (g.privilege === name) {
          throw new RbacError('InUse', `privilege group [${name}] is used by role [${role}], Use REVOKE API to revoke it first`, {
            typed: true,
          });
        }
      }
    }
    this.groups.delete(name);
  }

  addPrivilegesToGroup(name: string, privileges: readonly string[]): void {
    this.touch();
    const members = this.alterableGroup(name, privileges);
    const levels = new Set([...members, ...privileges].map((p) => this.catalogue.levelOf(p) ?? ''));
    if (levels.size > 1) {
      throw new RbacError('ParameterInvalid', 'privileges are not the same privilege level', { layer: 'coord', typed: true });
    }
    for (const p of privileges) members.add(p);
  }

  /** Removing privileges the group lacks is a no-op (set difference). */
  removePrivilegesFromGroup(name: string, privileges: readonly string[]): void {
    this.touch();
    const members = this.alterableGroup(name, privileges);
    for (const p of privileges) members.delete(p);
  }

  private alterableGroup(name: string, privileges: readonly string[]): Set<string> {
    this.requireFeature(this.features.privilegeGroups, 'OperatePrivilegeGroup');
    requireName(checkPrivilegeGroupName(name, this.nameLimits), name);
    const invalid = (message: string): RbacError => new RbacError('ParameterInvalid', message, { layer: 'coord', typed: true });
    const members = this.groups.get(name);
    if (!members) throw invalid(`there is no privilege group name [${name}] defined in system to operate`);
    if (privileges.length === 0) throw invalid('privileges is empty when alter the privilege group');
    for (const p of privileges) {
      if (!this.definesName(p) && !this.groups.has(p)) {
        throw invalid(`there is no privilege name or privilege group name [${p}] defined in system to operate`);
      }
    }
    return members;
  }

  /** ListPrivilegeGroups: the built-in groups of this version, then the custom ones. */
  listPrivilegeGroups(): PrivilegeGroupView[] {
    this.requireFeature(this.features.privilegeGroups, 'ListPrivilegeGroups');
    const builtin = this.catalogue.builtinGroups.map((g) => ({ name: g.name, privileges: [...g.privileges], builtin: true }));
    const custom = sortedUnique(this.groups.keys()).map((name) => ({
      name,
      privileges: sortedUnique(this.groups.get(name) ?? []),
      builtin: false,
    }));
    return [...builtin, ...custom];
  }

  /** Members of a custom or built-in group; undefined when `name` is no group. */
  groupMembers(name: string): readonly string[] | undefined {
    const custom = this.groups.get(name);
    if (custom) return [...custom];
    return this.catalogue.builtinGroup(name)?.privileges;
  }

  // ---------------------------------------------------------------- backup / restore

  backup(): RbacBackup {
    this.requireFeature(this.features.backupRbac, 'BackupRBAC');
    const users = this.listUsers()
      .filter((u) => u !== this.superUser)
      .map((name) => ({ name, passwordHash: this.users.get(name) ?? '', roles: [...this.rolesOf(name)] }));
    const roles = sortedUnique(this.roles).filter((r) => !this.builtinRoles.includes(r));
    const grants = sortedUnique(this.roles).flatMap((role) =>
      [...(this.grants.get(role)?.values() ?? [])].sort(byStorageKey).map((g) => ({ role, ...g })),
    );
    const privilegeGroups = sortedUnique(this.groups.keys()).map((name) => ({
      name,
      privileges: sortedUnique(this.groups.get(name) ?? []),
    }));
    return { users, roles, grants, privilegeGroups };
  }

  /**
   * RestoreRBAC: refuses the whole backup when any role, group or user in it already exists, or
   * it names an unknown privilege or role (meta_table.go CheckIfRBACRestorable); then adds all.
   */
  restore(backup: RbacBackup): void {
    this.touch();
    this.requireFeature(this.features.backupRbac, 'RestoreRBAC');
    const invalid = (message: string): RbacError => new RbacError('ParameterInvalid', message, { layer: 'coord', typed: true });
    if (backup.users.length + backup.roles.length + backup.grants.length + backup.privilegeGroups.length === 0) {
      throw invalid('rbac meta is empty');
    }
    for (const role of backup.roles) if (this.roles.has(role)) throw invalid(`role [${role}] already exists`);
    const rolesAfter = new Set([...this.roles, ...backup.roles]);
    for (const g of backup.privilegeGroups) if (this.groups.has(g.name)) throw invalid(`privilege group [${g.name}] already exists`);
    const groupsAfter = new Set([...this.groups.keys(), ...backup.privilegeGroups.map((g) => g.name)]);
    for (const g of backup.grants) {
      if (!OBJECT_TYPES.includes(g.objectType)) throw invalid(`object type [${g.objectType}] does not exist`);
      if (g.privilege !== '*' && !groupsAfter.has(g.privilege) && !this.definesName(g.privilege)) {
        throw invalid(`privilege [${g.privilege}] does not exist`);
      }
      if (!rolesAfter.has(g.role)) throw invalid(`role [${g.role}] does not exist`);
    }
    for (const u of backup.users) {
      if (this.users.has(u.name)) throw invalid(`user [${u.name}] already exists`);
      for (const r of u.roles) if (!rolesAfter.has(r)) throw invalid(`role [${r}] does not exist`);
    }
    for (const role of backup.roles) this.roles.add(role);
    for (const g of backup.privilegeGroups) this.groups.set(g.name, new Set(g.privileges));
    for (const g of backup.grants) this.storeGrant(g.role, g, g.grantor);
    for (const u of backup.users) {
      this.users.set(u.name, isPasswordHash(u.passwordHash) ? u.passwordHash : null);
      for (const r of u.roles) this.bindingsOf(u.name).add(r);
    }
  }

  // ---------------------------------------------------------------- plan steps

  /** Applies one plan step with the same rules as the matching Milvus call. */
  apply(op: Operation, ctx: ApplyContext): void {
    const password = (source: PasswordSource): string | undefined => ctx.resolvePassword?.(source);
    switch (op.kind) {
      case 'createPrivilegeGroup':
        return this.createPrivilegeGroup(op.group);
      case 'addPrivilegesToGroup':
        return this.addPrivilegesToGroup(op.group, op.privileges);
      case 'removePrivilegesFromGroup':
        return this.removePrivilegesFromGroup(op.group, op.privileges);
      case 'dropPrivilegeGroup':
        return this.dropPrivilegeGroup(op.group);
      case 'createRole':
        return this.createRole(op.role);
      case 'setRoleDescription':
        return this.alterRole(op.role, op.description);
      case 'setUserDescription':
        return this.updateUserDescription(op.user, op.description);
      case 'dropRole':
        return this.dropRole(op.role, false);
      case 'grant':
      case 'revoke': {
        const g = op.grant;
        if (op.form === 'v1') {
          const input = { role: op.role, ...toGrant(g) };
          return op.kind === 'grant' ? this.grantV1(input, ctx.caller) : this.revokeV1(input, ctx.caller);
        }
        const input = { role: op.role, privilege: g.privilege, dbName: g.dbName, collectionName: g.objectName };
        return op.kind === 'grant' ? this.grantV2(input, ctx.caller) : this.revokeV2(input, ctx.caller);
      }
      case 'createUser':
        return this.createUser(op.user, password(op.password));
      case 'updatePassword':
        return this.updatePassword(op.user, undefined, password(op.password));
      case 'dropUser':
        return this.deleteUser(op.user);
      case 'bindRole':
        return this.bindUser(op.user, op.role);
      case 'unbindRole':
        return this.unbindUser(op.user, op.role);
    }
  }

  /** Whether this Milvus version has the RPC at all (older versions answer "unknown method"). */
  supportsCall(method: string): boolean {
    switch (method) {
      case 'OperatePrivilegeV2':
        return this.features.grantV2;
      case 'CreatePrivilegeGroup':
      case 'DropPrivilegeGroup':
      case 'ListPrivilegeGroups':
      case 'OperatePrivilegeGroup':
        return this.features.privilegeGroups;
      case 'BackupRBAC':
      case 'RestoreRBAC':
        return this.features.backupRbac;
      case 'AlterRole':
        return this.features.descriptions;
      default:
        return true;
    }
  }

  private requireFeature(present: boolean, method: string): void {
    if (!present) {
      throw new RbacError('Unimplemented', `unknown method ${method} for service milvus.proto.milvus.MilvusService`);
    }
  }
}

/** The order Milvus's key-value catalog lists grants in: object type, then `<db>.<object>`, then privilege. */
function byStorageKey(a: GrantRecord, b: GrantRecord): number {
  const ka = `${a.objectType}/${a.dbName}.${a.objectName}/${a.privilege}`;
  const kb = `${b.objectType}/${b.dbName}.${b.objectName}/${b.privilege}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}
