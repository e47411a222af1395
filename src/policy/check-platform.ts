import { isZilliz, MILVUS, platformFromAddress, ZILLIZ_CLOUD, zillizFeatureEnabled, zillizNameProblem } from '../model/platform.js';
import type { Platform } from '../model/platform.js';
import type { CompileContext } from './context.js';
import { at } from './definitions.js';
import type { Resolved } from './grant-fields.js';
import type { MergedPolicy } from './merge.js';
import type { Reporter } from './report.js';
import type { Path, SourceFile } from './source.js';

/**
 * What Zilliz Cloud refuses that Milvus accepts, checked offline with the place in the policy:
 * v1 grants, single privileges and custom groups unless Zilliz enabled them, BackupRBAC, its
 * built-in users and roles, and its name rule. Sources in docs/zilliz-cloud.md.
 */

/**
 * The platform the policy is checked for: its own `target.platform` first, else the one the run
 * knows (a target's config, or the endpoint), else Milvus.
 */
export function resolvePlatform(merged: MergedPolicy, known: Platform | undefined, reporter: Reporter): Platform {
  const target = merged.target;
  const declared = target?.value.platform;
  const zilliz = target?.value.zillizCloud;
  if (zilliz && declared !== 'zilliz-cloud' && target) {
    reporter.error(...at(target.origin, 'zillizCloud'), {
      code: 'platform-settings',
      message: 'target.zillizCloud applies to Zilliz Cloud only',
      hint: 'add platform: zilliz-cloud to target, or remove zillizCloud',
      atKey: true,
    });
  }
  if (declared === 'milvus') return MILVUS;
  if (declared === 'zilliz-cloud') {
    return { name: 'zilliz-cloud', tier: zilliz?.tier ?? known?.tier ?? 'dedicated', enabled: [...(zilliz?.enabled ?? known?.enabled ?? [])].sort() };
  }
  return known ?? MILVUS;
}

/** The platform a run against `address` assumes, when a config declares `declared` (or nothing). */
export function platformOfTarget(address: string, declared?: Platform): Platform | undefined {
  return declared ?? platformFromAddress(address) ?? undefined;
}

const NOT_OFFERED = new Set(['BackupRBAC', 'RestoreRBAC']);

/** Zilliz's built-in users and roles, and its name rule, at the entries that break them. */
export function checkPlatformObjects(merged: MergedPolicy, ctx: CompileContext): void {
  if (!isZilliz(ctx.platform)) return;
  for (const def of merged.users.values()) {
    if (def.name === ZILLIZ_CLOUD.defaultUser) {
      ctx.reporter.error(...at(def.origin), {
        code: 'protected-object',
        message: `"${def.name}" is Zilliz Cloud's default user: Zilliz creates it with every cluster, binds it to its db_admin role and does not let it be dropped`,
        hint: 'leave it out of the policy; the tool never changes it',
        atKey: true,
      });
      continue;
    }
    const problem = zillizNameProblem(def.name);
    if (problem) ctx.reporter.error(...at(def.origin), { code: 'invalid-name', message: `user "${def.name}": ${problem}`, atKey: true });
  }
  for (const def of merged.roles.values()) {
    if (ZILLIZ_CLOUD.builtinRoles.includes(def.name)) {
      ctx.reporter.error(...at(def.origin), {
        code: 'protected-object',
        message: `"${def.name}" is a built-in role of Zilliz Cloud: it cannot be edited or dropped`,
        hint: 'bind users to it without defining it, or define a custom role with another name',
        atKey: true,
      });
      continue;
    }
    const problem = zillizNameProblem(def.name);
    if (problem) ctx.reporter.error(...at(def.origin), { code: 'invalid-name', message: `role "${def.name}": ${problem}`, atKey: true });
  }
}

/** A custom privilege group, where Zilliz has not enabled them. */
export function checkPlatformGroup(ctx: CompileContext, file: SourceFile, path: Path, name: string): void {
  if (!isZilliz(ctx.platform) || zillizFeatureEnabled(ctx.platform, 'customPrivilegeGroups')) return;
  ctx.reporter.error(file, path, {
    code: 'platform-feature',
    message: `custom privilege group "${name}": Zilliz Cloud offers custom privilege groups only where it enabled them for the organisation (a support request)`,
    hint: 'grant built-in privilege groups (CollectionReadOnly, DatabaseReadWrite…), or declare target.zillizCloud.enabled: [customPrivilegeGroups] once Zilliz has enabled them',
    atKey: true,
  });
}

/** A grant written with object: (OperatePrivilege), which Zilliz Cloud refuses. */
export function checkPlatformObjectGrant(ctx: CompileContext, file: SourceFile, path: Path): boolean {
  if (!isZilliz(ctx.platform)) return true;
  ctx.reporter.error(file, path, {
    code: 'platform-v1-grant',
    message: 'Zilliz Cloud refuses grants by object (OperatePrivilege, v1): it takes grants by level only (OperatePrivilegeV2)',
    hint: 'write the grant by level: remove object/objectNames and give privileges with collections, databases or level',
  });
  return false;
}

/** A privilege of a grant by level that Zilliz Cloud would refuse, reported at its name. */
export function checkPlatformPrivilege(ctx: CompileContext, file: SourceFile, path: Path, resolved: Resolved): boolean {
  if (!isZilliz(ctx.platform)) return true;
  if (NOT_OFFERED.has(resolved.name)) {
    ctx.reporter.error(file, path, { code: 'platform-privilege', message: `${resolved.name} is not offered on Zilliz Cloud: no built-in group holds it and Zilliz does not grant it` });
    return false;
  }
  if (resolved.kind !== 'single' || zillizFeatureEnabled(ctx.platform, 'individualPrivileges')) return true;
  ctx.reporter.error(file, path, {
    code: 'platform-privilege',
    message: `${resolved.name} is a single privilege: Zilliz Cloud grants privilege groups only, unless it enabled single privileges for the organisation (a support request)`,
    hint: 'grant the built-in group that holds it (CollectionReadOnly, CollectionReadWrite, DatabaseReadOnly…), or declare target.zillizCloud.enabled: [individualPrivileges] once Zilliz has enabled them',
  });
  return false;
}
