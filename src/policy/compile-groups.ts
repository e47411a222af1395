import { checkPrivilegeGroupName } from '../model/names.js';
import type { PrivilegeLevel } from '../model/types.js';
import { checkPlatformGroup } from './check-platform.js';
import { requireFeature } from './context.js';
import type { CompileContext, GroupInfo } from './context.js';
import { at, reportName } from './definitions.js';
import type { MergedPolicy } from './merge.js';
import { builtinGroup, isLegacyGroup, isReservedPrivilegeName, levelOfPrivilege } from './privileges.js';
import type { PrivilegeGroupSpec } from './spec.js';

/**
 * Checks the custom privilege groups (names, members of one level, version) and records each
 * group's level for the grant checks. Returns name → member privileges.
 */
export function compileGroups(merged: MergedPolicy, ctx: CompileContext): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const def of merged.privilegeGroups.values()) {
    const nameOk = reportName(ctx.reporter, def, checkPrivilegeGroupName(def.name));
    if (nameOk && isReservedPrivilegeName(def.name)) {
      const builtin = builtinGroup(def.name);
      ctx.reporter.error(...at(def.origin), {
        code: 'protected-object',
        message: builtin || isLegacyGroup(def.name)
          ? `"${def.name}" is a built-in privilege group; it cannot be redefined`
          : `"${def.name}" is a built-in privilege name; a custom group cannot take it`,
        hint: builtin ? `grant ${builtin.name} directly, or give the custom group another name` : 'give the custom group another name',
        atKey: true,
      });
    }
    requireFeature(ctx, 'privilegeGroups', 'a custom privilege group', ...at(def.origin), true);
    checkPlatformGroup(ctx, ...at(def.origin), def.name);
    if (def.invalid || def.failed('privileges')) {
      ctx.groups.set(def.name, { level: undefined, external: false });
      continue;
    }
    const spec: PrivilegeGroupSpec = def.spec;
    const members = spec.privileges ?? [];
    let level: PrivilegeLevel | undefined;
    let first: string | undefined;
    let consistent = true;
    const describe = (privilege: string): string => {
      const l = levelOfPrivilege(privilege, ctx.target?.version);
      return l ? `${privilege} is ${l}-level` : `${privilege} has no level`;
    };
    members.forEach((member, i) => {
      // The level of a privilege only the server knows cannot be checked here.
      if (ctx.serverPrivileges.has(member)) return;
      if (first === undefined) {
        first = member;
        level = levelOfPrivilege(member, ctx.target?.version);
        return;
      }
      if (levelOfPrivilege(member, ctx.target?.version) !== level && consistent) {
        consistent = false;
        ctx.reporter.error(...at(def.origin, 'privileges', i), {
          code: 'group-levels',
          message: `members of a privilege group must share one level, but ${describe(first)} and ${describe(member)}`,
          hint: 'split the privileges into one group per level (Milvus refuses mixed levels)',
        });
      }
    });
    ctx.groups.set(def.name, { level: consistent ? level : undefined, external: false } satisfies GroupInfo);
    out.set(def.name, [...new Set(members)]);
  }
  return out;
}

