/**
 * The shapes of a policy file once it has passed the JSON Schema: what the author wrote, before
 * expansion and normalisation. Field meanings are documented in docs/policy.md and the schema.
 */

export type OneOrMany<T> = T | readonly T[];

export interface TargetSpec {
  readonly minVersion?: string;
  /** Where the Milvus API is served (src/model/platform.ts). */
  readonly platform?: 'milvus' | 'zilliz-cloud';
  readonly zillizCloud?: { readonly tier?: 'dedicated' | 'serverless' | 'free'; readonly enabled?: readonly ('customPrivilegeGroups' | 'individualPrivileges')[] };
  readonly limits?: { readonly maxUsers?: number; readonly maxRoles?: number };
  readonly settings?: SettingsSpec;
  readonly serverPrivileges?: readonly string[];
}

/** `target.settings`: server configuration the tool cannot read (docs/policy.md). */
export interface SettingsSpec {
  readonly rootShouldBindRole?: boolean;
  readonly enablePublicPrivilege?: boolean;
  readonly superUsers?: readonly string[];
}

export type MatcherSpec =
  | 'all'
  | {
      readonly all?: boolean;
      readonly names?: readonly string[];
      readonly prefixes?: readonly string[];
      readonly patterns?: readonly string[];
      readonly protect?: readonly string[];
    };

export interface ScopeSpec {
  readonly users?: MatcherSpec;
  readonly roles?: MatcherSpec;
  readonly privilegeGroups?: MatcherSpec;
}

export type ObjectKind = 'Global' | 'Collection' | 'User';

/** Fields shared by both grant forms; singular and plural spellings are both accepted. */
interface GrantCommon {
  readonly privileges?: OneOrMany<string>;
  readonly privilege?: OneOrMany<string>;
  readonly databases?: OneOrMany<string>;
  readonly database?: OneOrMany<string>;
}

export interface ObjectGrantSpec extends GrantCommon {
  readonly object: ObjectKind;
  readonly objectNames?: OneOrMany<string>;
  readonly objectName?: OneOrMany<string>;
}

export interface LevelGrantSpec extends GrantCommon {
  readonly object?: undefined;
  readonly level?: 'cluster' | 'database' | 'collection';
  readonly collections?: OneOrMany<string>;
  readonly collection?: OneOrMany<string>;
}

export type GrantSpec = ObjectGrantSpec | LevelGrantSpec;

export type IncludeSpec =
  | string
  | { readonly grantSet: string; readonly databases?: OneOrMany<string>; readonly database?: OneOrMany<string> };

export interface RoleSpec {
  readonly grants?: readonly GrantSpec[];
  readonly include?: readonly IncludeSpec[];
  readonly protect?: boolean;
  readonly description?: string;
  readonly keepOutsideMembers?: boolean;
}

export interface PasswordSpec {
  readonly env?: string;
  readonly file?: string;
}

export interface UserSpec {
  readonly roles?: readonly string[];
  readonly password?: PasswordSpec;
  readonly updatePassword?: boolean;
  readonly oldPassword?: PasswordSpec;
  readonly protect?: boolean;
  readonly description?: string;
}

export interface PrivilegeGroupSpec {
  readonly privileges?: readonly string[];
  readonly protect?: boolean;
}

export interface PolicySpec {
  readonly version: number;
  readonly target?: TargetSpec;
  readonly scope?: ScopeSpec;
  readonly databases?: readonly string[];
  readonly privilegeGroups?: Readonly<Record<string, PrivilegeGroupSpec | null>>;
  readonly grantSets?: Readonly<Record<string, readonly GrantSpec[]>>;
  readonly roles?: Readonly<Record<string, RoleSpec | null>>;
  readonly users?: Readonly<Record<string, UserSpec | null>>;
}

export function toList<T>(value: OneOrMany<T> | undefined): readonly T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? (value as readonly T[]) : [value as T];
}
