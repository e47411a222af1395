import { randomBytes } from 'node:crypto';
import type { MilvusConnection } from '../milvus/connection.js';
import { checkResponse, checkStatus, fromThrown, MilvusCallError } from '../milvus/errors.js';
import { applyLockName, APPLY_LOCK_PREFIX, parseApplyLockName } from '../model/apply-lock.js';
import type { ApplyLockName } from '../model/apply-lock.js';

/**
 * Two applies against one server never interleave. Milvus has no lock, so the lock is a user the
 * apply creates (CreateCredential is atomic: one name, one winner) and drops when it ends:
 * `rbac_lock_<time>_<tag>`. Taking it is "create mine, then list": the oldest lock user holds the
 * lock, so two applies that create theirs at the same moment agree on one winner and the other
 * removes its own. A crashed apply leaves its lock user behind: the next apply names it, with its
 * age, and `--break-lock` removes it (docs/apply.md, "Concurrent applies").
 */

export interface LockOptions {
  /** How long to wait for a lock someone else holds; 0 refuses at once. */
  readonly waitMs: number;
  /** Remove every lock user first (a crashed apply's). */
  readonly breakLock: boolean;
  readonly now: () => Date;
  readonly sleep: (ms: number) => Promise<void>;
  /** Ctrl-C: stop waiting for the lock. */
  readonly signal?: AbortSignal;
}

export type LockOutcome =
  | { readonly held: true; readonly name: string; release(): Promise<string | null>; readonly broke: readonly string[] }
  | { readonly held: false; readonly message: string };

const POLL_MS = 1_000;
/** A dropped connection or a busy server should not cost the lock: each call is tried up to 3 times. */
const ATTEMPTS = 3;

async function withRetry<T>(label: string, call: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      const failure = fromThrown(error, label);
      if (failure.kind !== 'transient' || attempt >= ATTEMPTS) throw failure;
      await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
    }
  }
}

async function lockUsers(conn: MilvusConnection): Promise<ApplyLockName[]> {
  const response = await withRetry('ListCredUsers', () => conn.client.listUsers());
  checkResponse(response, 'ListCredUsers');
  return (response.usernames ?? [])
    .map(parseApplyLockName)
    .filter((l): l is ApplyLockName => l !== null)
    .sort((a, b) => a.since.getTime() - b.since.getTime() || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Dropping a user that is gone is not an error in Milvus, so a repeat after a dropped connection is safe. */
async function dropUser(conn: MilvusConnection, name: string): Promise<void> {
  await withRetry(`DeleteCredential ${name}`, async () => checkStatus(await conn.client.deleteUser({ username: name }), `DeleteCredential ${name}`));
}

/** Creates the lock user; after a transient failure the first attempt may have landed, which the list shows. */
async function createLockUser(conn: MilvusConnection, name: string): Promise<void> {
  // Three character classes whatever the random part holds: Zilliz Cloud asks for three of four.
  const password = `${randomBytes(24).toString('base64url')}Aa1`;
  for (let attempt = 1; ; attempt++) {
    try {
      checkStatus(await conn.client.createUser({ username: name, password }), `CreateCredential ${name}`);
      return;
    } catch (error) {
      const failure = fromThrown(error, `CreateCredential ${name}`);
      if (failure.kind !== 'transient' || attempt >= ATTEMPTS) throw failure;
      if ((await lockUsers(conn)).some((l) => l.name === name)) return;
    }
  }
}

function heldMessage(holder: ApplyLockName, address: string, now: Date): string {
  const minutes = Math.max(0, Math.round((now.getTime() - holder.since.getTime()) / 60_000));
  return (
    `another rbac apply holds the lock on ${address}: user ${holder.name}, taken ${holder.since.toISOString()} (${minutes} min ago). ` +
    `Wait for it, or pass --lock-timeout to wait; if no apply is running (one that crashed), pass --break-lock to remove it`
  );
}

/** How often two applies that created their lock users at the same moment step back and try again, before waiting as for any holder. */
const CONTENTION_TRIES = 6;

/**
 * Takes the server's apply lock, waiting up to `waitMs` for another holder. Errors are
 * MilvusCallErrors. The lock is held only when, after creating its lock user, an apply sees no
 * other: of two applies, the one that creates second always sees the first (which keeps its lock
 * user until it ends), so two can never both hold it. Two that created theirs at the same moment
 * both step back, and try again after a random pause.
 */
export async function takeApplyLock(conn: MilvusConnection, options: LockOptions): Promise<LockOutcome> {
  const broke: string[] = [];
  if (options.breakLock) {
    for (const lock of await lockUsers(conn)) {
      await dropUser(conn, lock.name);
      broke.push(lock.name);
    }
  }
  const deadline = options.now().getTime() + options.waitMs;
  let contended = 0;
  for (;;) {
    const holder = (await lockUsers(conn))[0];
    if (!holder) {
      const mine = applyLockName(options.now(), randomBytes(3).toString('hex'));
      let alone: boolean;
      try {
        // Never used to log in: a random password Milvus accepts, forgotten at once.
        await createLockUser(conn, mine);
        alone = (await lockUsers(conn)).every((l) => l.name === mine);
      } catch (error) {
        // An attempt may have landed before the failure: leave no lock behind.
        await dropUser(conn, mine).catch(() => undefined);
        throw error;
      }
      if (alone) return { held: true, name: mine, broke, release: () => releaseLock(conn, mine) };
      await dropUser(conn, mine);
      if (++contended < CONTENTION_TRIES) {
        await options.sleep(50 + Math.floor(Math.random() * 250));
        continue;
      }
    }
    const current = holder ?? (await lockUsers(conn))[0];
    if (current && options.now().getTime() >= deadline) return { held: false, message: heldMessage(current, conn.address, options.now()) };
    await options.sleep(POLL_MS);
    if (options.signal?.aborted) return { held: false, message: 'interrupted while waiting for the apply lock: nothing was changed' };
  }
}

/** Drops the lock user; says how to clean up when it cannot. */
async function releaseLock(conn: MilvusConnection, name: string): Promise<string | null> {
  try {
    await dropUser(conn, name);
    return null;
  } catch (error) {
    const reason = error instanceof MilvusCallError ? error.reason : String(error);
    return `could not remove the apply lock (user ${name}): ${reason}. The next apply will be refused until it is gone: drop the user, or pass --break-lock`;
  }
}

/** Why the lock could not be taken at all (not "someone holds it"), said with the way out. */
export function lockFailureMessage(error: unknown): string {
  const failure = error instanceof MilvusCallError ? error : fromThrown(error, 'take the apply lock');
  const why = failure.code === 'PERMISSION_DENIED' ? 'the user running the apply may not create or list users' : failure.reason;
  return `cannot take the apply lock (a user named ${APPLY_LOCK_PREFIX}…): ${why}. Pass --no-lock to apply without it, if you are sure no other apply runs`;
}
