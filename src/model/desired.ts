import type { Platform } from './platform.js';
import type { ObjectLimits } from './names.js';
import type { PasswordSource } from './operations.js';
import type { RbacState } from './types.js';

/**
 * Which names a policy owns, per kind of object. An object outside the scope is never created,
 * changed or dropped; it is only reported as unmanaged. A name matches when any rule matches.
 */
export interface NameMatcher {
  /** Every object of this kind (except protected built-ins, which need explicit mention). */
  readonly all?: boolean;
  readonly names?: readonly string[];
  readonly prefixes?: readonly string[];
  /** Globs where `*` matches any run of characters and `?` one character. */
  readonly patterns?: readonly string[];
}

export interface ManagedScope {
  readonly users: NameMatcher;
  readonly roles: NameMatcher;
  readonly privilegeGroups: NameMatcher;
}

export interface DesiredUser {
  /** Where the password of a new user comes from; required to create the user. */
  readonly password?: PasswordSource;
  /** Keep an existing user's password equal to `password` (checked by logging in as the user). */
  readonly updatePassword: boolean;
  /** Where the current password is read when it must change. */
  readonly oldPassword?: PasswordSource;
  /** Never drop this user, whatever the policy or scope says. */
  readonly protect: boolean;
}

/** What a loaded, validated policy asks for: the state plus everything the state cannot say. */
export interface DesiredState {
  readonly state: RbacState;
  readonly users: Readonly<Record<string, DesiredUser>>;
  readonly protectedRoles: readonly string[];
  readonly protectedPrivilegeGroups: readonly string[];
  readonly scope: ManagedScope;
  /**
   * `scope.<kind>.protect`: names and globs never dropped, also once the policy stops defining
   * them (entry-level `protect: true` leaves with its entry).
   */
  readonly scopeProtect?: Readonly<Partial<Record<keyof ManagedScope, readonly string[]>>>;
  /** Databases the policy's grants name (besides `default` and `*`). */
  readonly databases: readonly string[];
  /** The target's raised limits the policy declares (`target.limits`); Milvus's defaults otherwise. */
  readonly limits?: Partial<ObjectLimits>;
  /**
   * Descriptions the policy sets (Milvus 2.6.19+), by role and by user name; "" clears one. A
   * role or user the policy gives no description keeps whatever the server has.
   */
  readonly descriptions?: ManagedDescriptions;
  /** Roles whose members from outside the policy stay bound (`keepOutsideMembers: true`). */
  readonly rolesKeepingOutsideMembers?: readonly string[];
  /** `target.serverPrivileges`: privileges the server has that the catalogue does not know. */
  readonly serverPrivileges?: readonly string[];
  /**
   * Server settings the policy declares (`target.settings`): the tool cannot read them from
   * Milvus, and they change what root and `public` can do. Absent: Milvus's defaults.
   */
  readonly serverSettings?: ServerSettings;
  /** Zilliz Cloud, when the policy or the run says so (absent: self-hosted Milvus). */
  readonly platform?: Platform;
}

/**
 * Milvus configuration that changes access control but that no API reports. Each field absent
 * means "not declared": Milvus's default applies (see {@link DEFAULT_SERVER_SETTINGS}).
 */
export interface ServerSettings {
  /** common.security.rootShouldBindRole (2.5.4+): root is checked like any user when true. */
  readonly rootShouldBindRole?: boolean;
  /**
   * common.security.enablePublicPrivilege (2.5.4+; proxy.enablePublicPrivilege from 2.4.3): when
   * false, Milvus does not give `public` its default grants at start-up.
   */
  readonly enablePublicPrivilege?: boolean;
  /** common.security.superUsers (2.2.1+): callers who may change a password without the old one. */
  readonly superUsers?: readonly string[];
}

/** Milvus's defaults for {@link ServerSettings}, in force when a policy declares nothing. */
export const DEFAULT_SERVER_SETTINGS: Required<ServerSettings> = Object.freeze({
  rootShouldBindRole: false,
  enablePublicPrivilege: true,
  superUsers: Object.freeze([]) as readonly string[],
});

export interface ManagedDescriptions {
  readonly roles: Readonly<Record<string, string>>;
  readonly users: Readonly<Record<string, string>>;
}
