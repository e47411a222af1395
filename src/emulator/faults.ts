import type { WireStatus } from './status.js';
import { customStatus } from './status.js';

/**
 * Fault injection, per emulator: latency, failing chosen calls with a chosen error, dropping
 * the connection. Rules are checked in the order they were added; the first that fires wins.
 * Calls are counted per rule from the moment the rule is added, so "fail the 3rd call" means the
 * 3rd matching call after `failNth` was called.
 */

/** A method name, a list of names, or a pattern; omitted = every method. */
export type MethodMatcher = string | readonly string[] | RegExp;

export type InjectedError =
  /** Answer with this Milvus status (the call "fails" the way Milvus reports errors). */
  | { readonly status: WireStatus }
  /** End the call with a gRPC status code (14 UNAVAILABLE, 4 DEADLINE_EXCEEDED, 8 RESOURCE_EXHAUSTED…). */
  | { readonly grpcCode: number; readonly message: string };

export type FaultAction =
  | { readonly type: 'fail'; readonly error: InjectedError }
  | { readonly type: 'drop' };

interface Rule {
  readonly methods: MethodMatcher | undefined;
  /** Fires on the nth matching call (1-based); undefined = on every matching call. */
  readonly nth: number | undefined;
  /** How many more times the rule may fire; Infinity = unlimited. */
  remaining: number;
  seen: number;
  readonly action: FaultAction;
}

interface LatencyRule {
  readonly methods: MethodMatcher | undefined;
  readonly ms: number;
}

export interface FailOptions {
  readonly method?: MethodMatcher;
  /** How many times the rule fires (default: once for failNth, always for failMatching). */
  readonly times?: number;
}

export class FaultController {
  private rules: Rule[] = [];
  private latencies: LatencyRule[] = [];
  private readonly counts = new Map<string, number>();

  /** Adds `ms` of delay before every matching call is handled. */
  setLatency(ms: number, method?: MethodMatcher): void {
    if (!Number.isFinite(ms) || ms < 0) throw new Error(`latency must be a non-negative number of milliseconds, got ${ms}`);
    this.latencies.push({ methods: method, ms });
  }

  /** Fails the nth matching call from now on (1-based). */
  failNth(n: number, error: InjectedError, options: FailOptions = {}): void {
    if (!Number.isInteger(n) || n < 1) throw new Error(`n must be a positive integer, got ${n}`);
    this.add(options.method, n, options.times ?? 1, { type: 'fail', error });
  }

  /** Fails every matching call (or the next `times` ones). */
  failMatching(method: MethodMatcher, error: InjectedError, options: Omit<FailOptions, 'method'> = {}): void {
    this.add(method, undefined, options.times ?? Infinity, { type: 'fail', error });
  }

  /** Drops every client connection when the nth matching call arrives (default: the next call). */
  dropConnection(options: { readonly method?: MethodMatcher; readonly nth?: number; readonly times?: number } = {}): void {
    this.add(options.method, options.nth ?? 1, options.times ?? 1, { type: 'drop' });
  }

  /** Removes every rule and latency; call counts are kept. */
  clear(): void {
    this.rules = [];
    this.latencies = [];
  }

  /** How many calls of `method` (or of all methods) the emulator has received. */
  callCount(method?: string): number {
    if (method !== undefined) return this.counts.get(method) ?? 0;
    let total = 0;
    for (const n of this.counts.values()) total += n;
    return total;
  }

  /** Called by the server for each call: records it and tells what to do. */
  onCall(method: string): { readonly delayMs: number; readonly action: FaultAction | undefined } {
    this.counts.set(method, (this.counts.get(method) ?? 0) + 1);
    const delayMs = this.latencies.filter((l) => matches(l.methods, method)).reduce((sum, l) => sum + l.ms, 0);
    let action: FaultAction | undefined;
    for (const rule of this.rules) {
      if (!matches(rule.methods, method) || rule.remaining <= 0) continue;
      rule.seen += 1;
      if (action !== undefined) continue;
      if (rule.nth === undefined || rule.seen >= rule.nth) {
        rule.remaining -= 1;
        action = rule.action;
      }
    }
    this.rules = this.rules.filter((r) => r.remaining > 0);
    return { delayMs, action };
  }

  private add(methods: MethodMatcher | undefined, nth: number | undefined, times: number, action: FaultAction): void {
    if (!(times > 0)) throw new Error(`times must be positive, got ${times}`);
    this.rules.push({ methods, nth, remaining: times, seen: 0, action });
  }
}

function matches(matcher: MethodMatcher | undefined, method: string): boolean {
  if (matcher === undefined) return true;
  if (typeof matcher === 'string') return matcher === method;
  if (matcher instanceof RegExp) return matcher.test(method);
  return (matcher as readonly string[]).includes(method);
}

/** Convenience: a Milvus-style failure status to inject. */
export function injectedStatus(reason: string, errorCode = 'UnexpectedError', code = 65535): InjectedError {
  return { status: customStatus(errorCode, code, reason) };
}
