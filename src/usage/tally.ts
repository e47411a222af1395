import { objectTypeOf } from '../model/catalogue.js';
import type { ObjectType } from '../model/types.js';
import type { AccessCall } from './parse-line.js';
import type { CallCheck } from './privilege-map.js';

/**
 * Calls counted, not kept: one entry per user, privilege and object seen, so memory grows with
 * what differs in the log, not with its size.
 */

export interface Seen {
  count: number;
  first: number | null;
  last: number | null;
}

export interface UsedEntry {
  readonly user: string;
  readonly privilege: string;
  readonly objectType: ObjectType;
  /** Absent when the log does not say (most methods' default format). */
  readonly database?: string;
  readonly collection?: string;
  readonly methods: Set<string>;
  readonly seen: Seen;
}

/** A denied call is counted as a used one is: by user, privilege and object. */
export type DeniedEntry = UsedEntry;

function see(seen: Seen, time: number | null): void {
  seen.count += 1;
  if (time === null) return;
  if (seen.first === null || time < seen.first) seen.first = time;
  if (seen.last === null || time > seen.last) seen.last = time;
}

const fresh = (): Seen => ({ count: 0, first: null, last: null });

export class UsageTally {
  readonly used = new Map<string, UsedEntry>();
  readonly denied = new Map<string, DeniedEntry>();
  readonly unauthenticated = new Map<string, Seen>();
  /** Methods the tool has no check for (a newer server's): counted, not judged. */
  readonly unknownMethods = new Map<string, number>();
  /** Calls the proxy does not check (HasCollection, Connect…). */
  unchecked = 0;
  lines = 0;
  accessLines = 0;
  readonly window: Seen = fresh();

  constructor(
    private readonly checks: ReadonlyMap<string, CallCheck | null>,
    /** The window, in milliseconds since the epoch: calls outside it are not counted (nor are calls without a time when a window is set). */
    private readonly window_: { readonly since?: number; readonly until?: number } = {},
  ) {}

  /** Whether a call's time lies in the window asked for. */
  private inWindow(time: number | null): boolean {
    const { since, until } = this.window_;
    if (since === undefined && until === undefined) return true;
    if (time === null) return false;
    return (since === undefined || time >= since) && (until === undefined || time < until);
  }

  addLine(): void {
    this.lines += 1;
  }

  add(call: AccessCall): void {
    if (!this.inWindow(call.time)) return;
    this.accessLines += 1;
    see(this.window, call.time);
    if (call.outcome === 'unauthenticated') {
      const seen = this.unauthenticated.get(call.user) ?? fresh();
      see(seen, call.time);
      this.unauthenticated.set(call.user, seen);
      return;
    }
    const check = this.checks.get(call.method);
    if (call.outcome === 'denied') {
      const privilege = call.deniedPrivilege ?? check?.privilege;
      if (!privilege) return void this.unknownMethods.set(call.method, (this.unknownMethods.get(call.method) ?? 0) + 1);
      this.record(this.denied, call, privilege, check?.objectType ?? objectTypeOf(privilege), call.deniedDatabase ?? call.database);
      return;
    }
    if (check === undefined) return void this.unknownMethods.set(call.method, (this.unknownMethods.get(call.method) ?? 0) + 1);
    if (check === null) {
      this.unchecked += 1;
      return;
    }
    this.record(this.used, call, check.privilege, check.objectType, call.database);
  }

  private record(into: Map<string, UsedEntry>, call: AccessCall, privilege: string, objectType: ObjectType, database: string | undefined): void {
    const collection = objectType === 'Collection' ? call.collection : undefined;
    const key = `${call.user}\u0000${privilege}\u0000${objectType}\u0000${database ?? ''}\u0000${collection ?? ''}`;
    let entry = into.get(key);
    if (!entry) {
      entry = { user: call.user, privilege, objectType, ...(database ? { database } : {}), ...(collection ? { collection } : {}), methods: new Set(), seen: fresh() };
      into.set(key, entry);
    }
    entry.methods.add(call.method);
    see(entry.seen, call.time);
  }
}
