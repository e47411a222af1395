import { resolvePassword, SecretError } from '../milvus/secrets.js';
import type { PlanStep } from '../plan/types.js';
import { isZilliz, zillizPasswordProblem } from '../model/platform.js';
import type { Platform } from '../model/platform.js';

/**
 * Password sources the plan's steps will read at apply time and that cannot be read here (an
 * unset variable, a missing file): said when planning, so a pull request shows it before the
 * merge tries to apply. Nothing read is kept.
 */
export function unavailablePasswordSources(steps: readonly PlanStep[], env: NodeJS.ProcessEnv = process.env, platform?: Platform): string[] {
  const out: string[] = [];
  for (const step of steps) {
    const op = step.operation;
    if (op.kind !== 'createUser' && op.kind !== 'updatePassword') continue;
    const sources = op.kind === 'updatePassword' && op.oldPassword ? [op.password, op.oldPassword] : [op.password];
    for (const source of sources) {
      try {
        const value = resolvePassword(source, env);
        const problem = source === op.password && isZilliz(platform) ? zillizPasswordProblem(value) : null;
        if (problem) out.push(`apply will refuse the password of user ${op.user}: ${problem}`);
      } catch (error) {
        if (!(error instanceof SecretError)) throw error;
        const which = source === op.password ? 'password' : 'current password';
        out.push(`apply will need the ${which} of user ${op.user}, and here the ${error.message}`);
      }
    }
  }
  return out;
}
