import { randomBytes } from 'node:crypto';
import type { MilvusConnection } from '../milvus/connection.js';
import { mapWithConcurrency } from '../milvus/concurrency.js';
import { resolvePassword, SecretError } from '../milvus/secrets.js';
import type { DesiredState } from '../model/desired.js';
import type { RbacState } from '../model/types.js';

/**
 * Milvus never returns a password, so "is this user's password already the policy's?" is
 * answered the only way Milvus allows: by logging in as the user with it (docs/apply.md,
 * "Passwords"). Only users that exist, ask for `updatePassword` and whose source can be read here
 * are checked; a source that cannot be read is reported by password-sources.ts and the user gets
 * a new password, as before.
 */

export interface PasswordCheck {
  /** Users whose password already is the policy's: no new one is planned for them. */
  readonly current: ReadonlySet<string>;
  readonly warnings: readonly string[];
}

/** Logins in flight at once: the server verifies each with bcrypt when it is not cached. */
const CONCURRENCY = 8;

export async function checkPasswords(conn: MilvusConnection, desired: DesiredState, live: RbacState, env: NodeJS.ProcessEnv = process.env): Promise<PasswordCheck> {
  const existing = new Set(live.users.map((u) => u.name));
  const logins: { user: string; password: string }[] = [];
  for (const user of desired.state.users) {
    const spec = desired.users[user.name];
    if (!spec?.updatePassword || !spec.password || !existing.has(user.name)) continue;
    try {
      logins.push({ user: user.name, password: resolvePassword(spec.password, env) });
    } catch (error) {
      if (!(error instanceof SecretError)) throw error;
    }
  }
  const outcomes = await mapWithConcurrency(logins, CONCURRENCY, (l) => conn.checkLogin(l.user, l.password));
  const accepted = logins.filter((_, i) => outcomes[i] === 'accepted');
  const first = accepted[0];
  if (!first) return { current: new Set(), warnings: [] };
  // An accepted login proves the password only if a wrong one is refused: a server with
  // authorization off lets every call in. One control login with a random password settles it.
  if ((await conn.checkLogin(first.user, randomBytes(18).toString('base64'))) === 'accepted') {
    return {
      current: new Set(),
      warnings: [
        `Milvus at ${conn.address} accepts any password (authorization is off: common.security.authorizationEnabled), so whether a password is already the policy's cannot be checked: every user with updatePassword gets the policy's password again on each apply`,
      ],
    };
  }
  return { current: new Set(accepted.map((l) => l.user)), warnings: [] };
}
