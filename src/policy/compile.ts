import { canonicalState } from '../model/canonical.js';
import type { DesiredState, ManagedScope } from '../model/desired.js';
import { checkDatabaseName, DEFAULT_DATABASE } from '../model/names.js';
import { isZilliz, ZILLIZ_CLOUD } from '../model/platform.js';
import type { Platform } from '../model/platform.js';
import { matchesName } from '../model/scope.js';
import { checkPlatformObjects, resolvePlatform } from './check-platform.js';
import { compareVersions, formatVersion, parseMilvusVersion } from '../model/versions.js';
import { checkLimits } from './check-limits.js';
import { checkScope, scopeOf } from './check-scope.js';
import type { Kind } from './check-scope.js';
import { compileGroups } from './compile-groups.js';
import { compileRoles } from './compile-roles.js';
import { compileDescriptions } from './compile-descriptions.js';
import { compileServerSettings } from './compile-settings.js';
import { compileUsers } from './compile-users.js';
import type { CompileContext } from './context.js';
import { at } from './definitions.js';
import type { GrantOrigins } from './locate.js';
import type { Definition, MergedPolicy } from './merge.js';
import type { Reporter } from './report.js';

export interface CompileOptions {
  /** The Milvus version the policy is checked against; overrides the policy's target.minVersion. */
  readonly targetVersion?: string | undefined;
  /** The platform the run knows (a target's config, the endpoint); the policy's target.platform wins. */
  readonly platform?: Platform | undefined;
}

function resolveTarget(merged: MergedPolicy, options: CompileOptions, reporter: Reporter): CompileContext['target'] {
  const declared = merged.target?.value.minVersion;
  const declaredVersion = declared === undefined ? null : parseMilvusVersion(declared);
  if (options.targetVersion !== undefined) {
    const version = parseMilvusVersion(options.targetVersion);
    if (!version) throw new Error(`target version "${options.targetVersion}" is not a Milvus version (write it as 2.5 or 2.5.4)`);
    if (merged.target && declaredVersion && compareVersions(version, declaredVersion) < 0) {
      reporter.error(...at(merged.target.origin, 'minVersion'), {
        code: 'target-too-old',
        message: `the policy needs Milvus ${declared} or newer, but the target is ${formatVersion(version)}`,
        hint: 'upgrade the server, or lower target.minVersion and do without the newer features',
      });
    }
    return { version, source: 'the target server' };
  }
  return declaredVersion ? { version: declaredVersion, source: 'target.minVersion' } : undefined;
}

function checkDeclaredDatabases(merged: MergedPolicy, reporter: Reporter): Set<string> | undefined {
  if (merged.databases.length === 0 && !merged.sections.has('databases')) return undefined;
  const out = new Set<string>();
  for (const { value, origin } of merged.databases) {
    const problem = value === '*' ? 'databases lists real databases; "*" is not one' : checkDatabaseName(value);
    if (problem) reporter.error(origin.file, origin.path, { code: 'invalid-name', message: problem });
    else out.add(value);
  }
  return out;
}

function keepingOutsideMembers(merged: MergedPolicy): { rolesKeepingOutsideMembers?: string[] } {
  const roles = [...merged.roles.values()].filter((d) => !d.invalid && d.spec?.keepOutsideMembers === true).map((d) => d.name).sort();
  return roles.length > 0 ? { rolesKeepingOutsideMembers: roles } : {};
}

/** Semantic checks over the merged files and normalisation into the model's desired state. */
/** `origins`, when given, learns which policy entry produced each stored grant. */
export function compilePolicy(merged: MergedPolicy, options: CompileOptions, reporter: Reporter, origins?: GrantOrigins): DesiredState {
  const scope: ManagedScope = {
    users: scopeOf(merged, 'users'),
    roles: scopeOf(merged, 'roles'),
    privilegeGroups: scopeOf(merged, 'privilegeGroups'),
  };
  const declaredDatabases = checkDeclaredDatabases(merged, reporter);
  const ctx: CompileContext = {
    reporter,
    target: resolveTarget(merged, options, reporter),
    groups: new Map(),
    isExternalGroup: (name) => merged.scope.privilegeGroups !== undefined && !matchesName(scope.privilegeGroups, name),
    declaredDatabases,
    usedDatabases: new Set(),
    serverPrivileges: new Set(merged.target?.value.serverPrivileges ?? []),
    platform: resolvePlatform(merged, options.platform, reporter),
  };
  checkPlatformObjects(merged, ctx);
  for (const kind of ['users', 'roles', 'privilegeGroups'] as const) checkScope(merged, kind, scope[kind], reporter);
  const groups = compileGroups(merged, ctx);
  const roles = compileRoles(merged, ctx, origins);
  const { users, desired } = compileUsers(merged, ctx, scope.roles);
  const descriptions = compileDescriptions(merged, ctx);
  const serverSettings = compileServerSettings(merged, ctx);
  checkLimits(merged, reporter);

  const flagged = <T extends { protect?: boolean }>(defs: Map<string, Definition<T>>): string[] =>
    [...defs.values()].filter((d) => d.spec.protect === true).map((d) => d.name).sort();
  // As the model defines it: the databases grants name; `databases:` itself is only a check.
  const databases = new Set(ctx.usedDatabases);
  databases.delete(DEFAULT_DATABASE);
  databases.delete('*');
  return {
    state: canonicalState({
      users,
      roles,
      privilegeGroups: [...groups].map(([name, privileges]) => ({ name, privileges })),
    }),
    users: Object.fromEntries(Object.entries(desired).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
    protectedRoles: flagged(merged.roles),
    protectedPrivilegeGroups: flagged(merged.privilegeGroups),
    scope,
    ...scopeProtectOf(merged, ctx.platform),
    databases: [...databases].sort(),
    ...limitsOf(merged, ctx.platform),
    ...(isZilliz(ctx.platform) ? { platform: ctx.platform } : {}),
    ...(descriptions ? { descriptions } : {}),
    ...(ctx.serverPrivileges.size > 0 ? { serverPrivileges: [...ctx.serverPrivileges].sort() } : {}),
    ...keepingOutsideMembers(merged),
    ...(serverSettings ? { serverSettings } : {}),
  };
}

/**
 * `scope.<kind>.protect`, when any kind declares one. On Zilliz Cloud its built-in user and roles
 * are protected as well: Zilliz refuses to drop or edit them, so no plan may try.
 */
function scopeProtectOf(merged: MergedPolicy, platform: Platform): Pick<DesiredState, 'scopeProtect'> {
  const out: Partial<Record<Kind, readonly string[]>> = {};
  const builtin: Partial<Record<Kind, readonly string[]>> = isZilliz(platform) ? { users: [ZILLIZ_CLOUD.defaultUser], roles: ZILLIZ_CLOUD.builtinRoles } : {};
  for (const kind of ['users', 'roles', 'privilegeGroups'] as const) {
    const spec = merged.scope[kind]?.value;
    const declared = spec && spec !== 'all' ? (spec.protect ?? []) : [];
    const names = [...declared, ...(builtin[kind] ?? [])];
    if (names.length > 0) out[kind] = [...new Set(names)].sort();
  }
  return Object.keys(out).length > 0 ? { scopeProtect: out } : {};
}

/** `target.limits`; on Zilliz Cloud its own limits where the policy declares none. */
function limitsOf(merged: MergedPolicy, platform: Platform): Pick<DesiredState, 'limits'> {
  const declared = merged.target?.value.limits;
  if (isZilliz(platform)) return { limits: { ...ZILLIZ_CLOUD.limits, ...declared } };
  return declared ? { limits: { ...declared } } : {};
}
