import type { ObjectLimits } from './names.js';
import { featuresOf } from './versions.js';
import type { FeatureSet, MilvusVersion } from './versions.js';

/**
 * Where the Milvus API is served: self-hosted Milvus, or Zilliz Cloud, whose RBAC differs (only
 * Dedicated clusters have users and roles; v1 grants are refused; only the built-in privilege
 * groups may be granted unless Zilliz enabled more for the organisation; other built-ins, limits
 * and name and password rules). Every rule here comes from Zilliz's documentation; docs/zilliz-cloud.md
 * gives each one's page and says what no document settles.
 */

export const PLATFORMS = ['milvus', 'zilliz-cloud'] as const;
export type PlatformName = (typeof PLATFORMS)[number];

/** Zilliz Cloud's plans: users and roles exist on Dedicated (and BYOC) clusters only. */
export const ZILLIZ_TIERS = ['dedicated', 'serverless', 'free'] as const;
export type ZillizTier = (typeof ZILLIZ_TIERS)[number];

/** Features Zilliz enables per organisation on request (a support ticket); off by default. */
export const ZILLIZ_FEATURES = ['customPrivilegeGroups', 'individualPrivileges'] as const;
export type ZillizFeature = (typeof ZILLIZ_FEATURES)[number];

export interface Platform {
  readonly name: PlatformName;
  /** Zilliz Cloud only. */
  readonly tier?: ZillizTier;
  /** Zilliz Cloud only: the features enabled for the organisation. */
  readonly enabled?: readonly ZillizFeature[];
}

export const MILVUS: Platform = Object.freeze({ name: 'milvus' });

/** What Zilliz Cloud Dedicated has in place of Milvus's root, admin and public, and its limits. */
export const ZILLIZ_CLOUD = Object.freeze({
  /** Created with every cluster; cannot be dropped. */
  defaultUser: 'db_admin',
  /** list_roles() on a fresh cluster; they cannot be edited or dropped. */
  builtinRoles: Object.freeze(['db_admin', 'db_rw', 'db_ro']),
  /** The built-in role with full control, as Milvus's admin. */
  adminRole: 'db_admin',
  /** 100 cluster users; 20 custom roles, so 23 roles with the three built-in ones. */
  limits: Object.freeze({ maxUsers: 100, maxRoles: 23 }) satisfies ObjectLimits,
  password: Object.freeze({ minLength: 8, maxLength: 64, classes: 3 }),
  /** The Milvus line a Dedicated cluster is compatible with when nothing says (the emulator's default). */
  compatibleWith: '2.6',
});

export function isZilliz(platform: Platform | undefined): boolean {
  return platform?.name === 'zilliz-cloud';
}

export function zillizFeatureEnabled(platform: Platform | undefined, feature: ZillizFeature): boolean {
  return isZilliz(platform) && (platform?.enabled ?? []).includes(feature);
}

/**
 * Zilliz Cloud from its endpoint: hosts under zillizcloud.com or cloud.zilliz.com(.cn) (pymilvus
 * tells Zilliz apart the same way, by "zilliz" in the host); `.serverless.` in the host is a
 * Free or Serverless cluster. Null for anything else.
 */
export function platformFromAddress(address: string): Platform | null {
  const host = address.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').replace(/[:/].*$/, '').toLowerCase();
  if (!/(^|\.)zillizcloud\.com$|(^|\.)zilliz\.com(\.cn)?$/.test(host)) return null;
  return { name: 'zilliz-cloud', tier: host.includes('.serverless.') ? 'serverless' : 'dedicated' };
}

/** Why nothing can be managed on this platform, or null. */
export function unmanageableReason(platform: Platform | undefined): string | null {
  if (!isZilliz(platform) || platform?.tier === undefined || platform.tier === 'dedicated') return null;
  return `Zilliz Cloud ${platform.tier === 'free' ? 'Free' : 'Serverless'} clusters have no users or roles to manage: Zilliz offers them on Dedicated (and BYOC) clusters only, and manages access to the others with API keys in its console`;
}

/** Zilliz's user and role names: a letter first, then letters, digits and underscores. */
export function zillizNameProblem(name: string): string | null {
  return /^[A-Za-z][A-Za-z0-9_]*$/.test(name) ? null : 'Zilliz Cloud names start with a letter and hold only letters, digits and underscores';
}

/** Zilliz's password rule: 8 to 64 characters, with three of upper case, lower case, digits and other characters. */
export function zillizPasswordProblem(password: string): string | null {
  const { minLength, maxLength, classes } = ZILLIZ_CLOUD.password;
  const length = [...password].length;
  if (length < minLength || length > maxLength) return `Zilliz Cloud passwords are ${minLength} to ${maxLength} characters long (this one is ${length})`;
  const held = [/[A-Z]/, /[a-z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((r) => r.test(password)).length;
  return held >= classes ? null : `Zilliz Cloud passwords hold at least ${classes} of: upper-case letters, lower-case letters, digits, other characters (this one holds ${held})`;
}

/** "Zilliz Cloud Vector Database(Compatible with Milvus 2.6)": the Milvus line Connect names. */
export function compatibleMilvusLine(description: string): string | null {
  const m = /Compatible with Milvus\s*v?(\d+\.\d+(?:\.\d+)?)/i.exec(description);
  return m?.[1] ?? null;
}

/**
 * The features of a version as the platform serves them: Zilliz Cloud refuses OperatePrivilege
 * (v1) and does not offer BackupRBAC, so grants go through v2 and the live state is read per role.
 */
export function featuresOn(version: MilvusVersion, platform: Platform | undefined): FeatureSet {
  const features = featuresOf(version);
  return isZilliz(platform) ? { ...features, v1Grants: false, backupRbac: false } : features;
}

/** Who passes every check without a grant on this platform: Zilliz Cloud's db_admin user and role. */
export function accessRulesOn(platform: Platform | undefined): { superUser?: string; adminRoles?: readonly string[] } {
  return isZilliz(platform) ? { superUser: ZILLIZ_CLOUD.defaultUser, adminRoles: [ZILLIZ_CLOUD.adminRole] } : {};
}
