import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Password storage for the engine. Plain passwords are never kept: each is stored as a salted
 * SHA-256 digest, so a backup (BackupRBAC) or a debugger shows no secret. Milvus stores bcrypt
 * hashes; a digest is enough for a test double and keeps the engine fast.
 */
const PREFIX = 'emu-sha256$';

export function hashPassword(password: string): string {
  const salt = randomBytes(8).toString('hex');
  return `${PREFIX}${salt}$${digest(salt, password)}`;
}

export function verifyPassword(stored: string, password: string): boolean {
  const parts = stored.split('$');
  if (parts.length !== 3 || `${parts[0]}$` !== PREFIX) return false;
  const expected = Buffer.from(parts[2] as string, 'hex');
  const actual = Buffer.from(digest(parts[1] as string, password), 'hex');
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** True when `value` looks like a stored credential (used when restoring a backup). */
export function isPasswordHash(value: string): boolean {
  return value.startsWith(PREFIX) && value.split('$').length === 3;
}

function digest(salt: string, password: string): string {
  return createHash('sha256').update(salt).update('\u0000').update(password, 'utf8').digest('hex');
}
