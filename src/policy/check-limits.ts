import { ADMIN_ROLE, DEFAULT_OBJECT_LIMITS, PUBLIC_ROLE, ROOT_USER } from '../model/names.js';
import type { MergedPolicy } from './merge.js';
import type { Reporter } from './report.js';

/**
 * Milvus refuses users and roles past proxy.maxUserNum / proxy.maxRoleNum. Past the defaults this
 * is a warning naming the setting; past limits the policy declares for its target, an error.
 */
export function checkLimits(merged: MergedPolicy, reporter: Reporter): void {
  const limits = merged.target?.value.limits;
  const checks = [
    { kind: 'users' as const, builtins: [ROOT_USER], declared: limits?.maxUsers, fallback: DEFAULT_OBJECT_LIMITS.maxUsers, setting: 'proxy.maxUserNum', field: 'maxUsers', counted: 'root' },
    { kind: 'roles' as const, builtins: [ADMIN_ROLE, PUBLIC_ROLE], declared: limits?.maxRoles, fallback: DEFAULT_OBJECT_LIMITS.maxRoles, setting: 'proxy.maxRoleNum', field: 'maxRoles', counted: 'admin and public' },
  ];
  for (const c of checks) {
    const names = new Set([...merged[c.kind].keys(), ...c.builtins]);
    const limit = c.declared ?? c.fallback;
    if (names.size <= limit) continue;
    const section = merged.sections.get(c.kind);
    if (!section) continue;
    const label = c.kind === 'users' ? 'users' : 'roles';
    if (c.declared !== undefined && merged.target) {
      reporter.error(merged.target.origin.file, [...merged.target.origin.path, 'limits', c.field], {
        code: 'limit-exceeded',
        message: `the policy defines ${names.size} ${label} (counting ${c.counted}), more than the declared limit of ${limit}`,
        hint: `raise ${c.setting} on the server and target.limits.${c.field} here, or define fewer ${label}`,
      });
    } else {
      reporter.warning(section.file, section.path, {
        code: 'limit-exceeded',
        message: `the policy defines ${names.size} ${label} (counting ${c.counted}), more than Milvus's default limit of ${limit}`,
        hint: `raise ${c.setting} in the Milvus configuration and declare it as target.limits.${c.field}`,
        atKey: true,
      });
    }
  }
}

