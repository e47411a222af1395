/**
 * The name of the user `rbac apply` creates as its lock on a server (apply/lock.ts): the time it
 * was taken and a random tag, in a name Milvus accepts (24 bytes, under the 32 of
 * proxy.maxUsernameLength). The live-state reader leaves such users out, so a plan made while
 * an apply runs neither lists nor drops its lock.
 */

export const APPLY_LOCK_PREFIX = 'rbac_lock_';
const PATTERN = /^rbac_lock_([0-9a-z]{1,8})_([0-9a-z]{6})$/;

export interface ApplyLockName {
  readonly name: string;
  readonly since: Date;
  readonly tag: string;
}

export function applyLockName(since: Date, tag: string): string {
  return `${APPLY_LOCK_PREFIX}${Math.floor(since.getTime() / 1000).toString(36)}_${tag}`;
}

export function parseApplyLockName(name: string): ApplyLockName | null {
  const m = PATTERN.exec(name);
  if (!m) return null;
  return { name, since: new Date(parseInt(m[1] as string, 36) * 1000), tag: m[2] as string };
}

export function isApplyLockUser(name: string): boolean {
  return PATTERN.test(name);
}
