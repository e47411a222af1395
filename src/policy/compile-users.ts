import { dirname, isAbsolute, resolve } from 'node:path';
import type { DesiredUser, NameMatcher } from '../model/desired.js';
import { ADMIN_ROLE, checkRoleName, checkUserName, isDefaultRole, PUBLIC_ROLE, ROOT_USER } from '../model/names.js';
import type { PasswordSource } from '../model/operations.js';
import { isZilliz, ZILLIZ_CLOUD } from '../model/platform.js';
import { matchesName } from '../model/scope.js';
import type { UserState } from '../model/types.js';
import type { CompileContext } from './context.js';
import { at, reportName } from './definitions.js';
import type { Definition, MergedPolicy } from './merge.js';
import { didYouMean } from './nearest.js';
import type { UserSpec } from './spec.js';

function passwordOf(def: Definition<UserSpec>, key: 'password' | 'oldPassword'): PasswordSource | undefined {
  const password = def.spec[key];
  if (!password) return undefined;
  if (password.env !== undefined) return { env: password.env };
  if (password.file !== undefined) {
    const file = password.file;
    return { file: isAbsolute(file) ? file : resolve(dirname(resolve(def.origin.file.name)), file) };
  }
  return undefined;
}

/** Checks users, their role bindings and password sources. */
export function compileUsers(merged: MergedPolicy, ctx: CompileContext, roleScope: NameMatcher): { users: UserState[]; desired: Record<string, DesiredUser> } {
  const users: UserState[] = [];
  const desired: Record<string, DesiredUser> = {};
  const explicitRoleScope = merged.scope.roles !== undefined;
  for (const def of merged.users.values()) {
    reportName(ctx.reporter, def, checkUserName(def.name));
    if (def.invalid) {
      users.push({ name: def.name, roles: [] });
      desired[def.name] = { updatePassword: false, protect: def.name === ROOT_USER };
      continue;
    }
    const spec: UserSpec = def.spec;
    const roles: string[] = [];
    (def.failed('roles') ? [] : spec.roles ?? []).forEach((role, i) => {
      const path = [...def.origin.path, 'roles', i];
      if (role === PUBLIC_ROLE) {
        ctx.reporter.warning(def.origin.file, path, {
          code: 'implicit-public',
          message: 'every user has the public role implicitly; listing it changes nothing',
          hint: 'remove public from the list',
        });
        return;
      }
      if (merged.roles.has(role) || isDefaultRole(role) || (isZilliz(ctx.platform) && ZILLIZ_CLOUD.builtinRoles.includes(role))) {
        roles.push(role);
        return;
      }
      if (explicitRoleScope && !matchesName(roleScope, role)) {
        const problem = checkRoleName(role);
        if (problem) {
          ctx.reporter.error(def.origin.file, path, { code: 'invalid-name', message: problem });
          return;
        }
        ctx.reporter.warning(def.origin.file, path, {
          code: 'external-role',
          message: `role "${role}" is not defined in this policy; it is outside scope.roles, so it must already exist on the server`,
        });
        roles.push(role);
        return;
      }
      ctx.reporter.error(def.origin.file, path, {
        code: 'unknown-role',
        message: `role "${role}" is not defined in this policy`,
        hint: didYouMean(role, [...merged.roles.keys(), ADMIN_ROLE], `define it under roles (an empty entry "${role}:" declares a role without grants)`),
      });
    });
    if (def.name === ROOT_USER && spec.roles !== undefined && !roles.includes(ADMIN_ROLE)) {
      ctx.reporter.warning(...at(def.origin, 'roles'), {
        code: 'root-without-admin',
        message: 'root is listed without the admin role: where root is bound to admin, the plan unbinds it',
        hint: 'add admin to root\'s roles, or leave root out of the policy',
        atKey: true,
      });
    }
    const password = def.failed('password') ? undefined : passwordOf(def, 'password');
    const oldPassword = def.failed('oldPassword') ? undefined : passwordOf(def, 'oldPassword');
    if (oldPassword && spec.updatePassword !== true) {
      ctx.reporter.warning(...at(def.origin, 'oldPassword'), {
        code: 'unused-old-password',
        message: `user "${def.name}" names an oldPassword but no updatePassword: it is never read`,
        hint: 'add updatePassword: true, or remove oldPassword',
        atKey: true,
      });
    }
    if (spec.updatePassword === true && !password && !def.failed('password')) {
      ctx.reporter.error(...at(def.origin, 'updatePassword'), {
        code: 'missing-password',
        message: `user "${def.name}" asks for a password update but has no password source`,
        hint: 'add password: { env: VARIABLE } or password: { file: path }',
        atKey: true,
      });
    }
    users.push({ name: def.name, roles });
    desired[def.name] = {
      ...(password ? { password } : {}),
      updatePassword: spec.updatePassword ?? false,
      ...(oldPassword && spec.updatePassword === true ? { oldPassword } : {}),
      protect: def.name === ROOT_USER || (spec.protect ?? false),
    };
  }
  return { users, desired };
}

