import type { CompiledFormatter } from './log-format.js';

/** One call of the access log, as far as access control is concerned. */
export interface AccessCall {
  /** Milliseconds since the epoch; null when the line's time could not be read. */
  readonly time: number | null;
  /** '' when the log says `Unknown` (no credentials, or authorization off). */
  readonly user: string;
  readonly method: string;
  /** allowed: past the privilege check (the call itself may still have failed). */
  readonly outcome: 'allowed' | 'denied' | 'unauthenticated';
  /** Only some formats log them (Query, Search, Delete in the defaults). */
  readonly database?: string;
  readonly collection?: string;
  /** A denied call's privilege and database, as Milvus's refusal names them. */
  readonly deniedPrivilege?: string;
  readonly deniedDatabase?: string;
}

/** `PrivilegeInsert: permission deny to alice`, and from 2.4.1 `… in the \`db\` database`. */
const DENIED = /Privilege(\w+): permission deny to \S+?(?: in the `([^`]*)` database)?(?:$|[\s,;\]])/;
const TIME = /^(\d{4})\/(\d{2})\/(\d{2}) (\d{2}:\d{2}:\d{2}(?:\.\d+)?) ([+-]\d{2}:\d{2})$/;

function timeOf(text: string | undefined): number | null {
  const m = text ? TIME.exec(text.trim()) : null;
  if (!m) return null;
  const ms = Date.parse(`${m[1]}-${m[2]}-${m[3]}T${m[4]}${m[5]}`);
  return Number.isNaN(ms) ? null : ms;
}

/** What a field holds; Milvus prints `Unknown` for a value it does not have. */
function valueOf(text: string | undefined): string | undefined {
  const v = text?.trim();
  return v === undefined || v === '' || v === 'Unknown' ? undefined : v;
}

/** The method, read cheaply before any full pattern: it decides which formatters can have written the line. */
const METHOD = /> (\S+) \[status: /;
const candidates = new WeakMap<readonly CompiledFormatter[], Map<string, readonly CompiledFormatter[]>>();

/** The formatters listing the method first (longest first), then those serving every other method. */
function candidatesFor(formatters: readonly CompiledFormatter[], method: string): readonly CompiledFormatter[] {
  let byMethod = candidates.get(formatters);
  if (!byMethod) {
    byMethod = new Map();
    candidates.set(formatters, byMethod);
  }
  let list = byMethod.get(method);
  if (!list) {
    list = [...formatters.filter((f) => f.methods?.includes(method)), ...formatters.filter((f) => f.methods === null)];
    byMethod.set(method, list);
  }
  return list;
}

/**
 * A line of the access log, or null for anything else (other log lines share stdout with it).
 * The first formatter whose pattern matches and whose method list holds the line's method wins.
 */
export function parseAccessLine(line: string, formatters: readonly CompiledFormatter[]): AccessCall | null {
  if (!line.includes('[ACCESS]')) return null;
  const method = METHOD.exec(line)?.[1];
  // A format of the user's may not put the method where the defaults do: then every formatter is tried.
  for (const f of method === undefined ? formatters : candidatesFor(formatters, method)) {
    const groups = f.pattern.exec(line)?.groups;
    if (!groups) continue;
    const called = groups.method_name?.trim() ?? '';
    if (f.methods !== null && !f.methods.includes(called)) continue;
    const status = groups.method_status?.trim() ?? '';
    const message = groups.error_msg ?? '';
    const denied = DENIED.exec(message);
    const outcome = status === 'GrpcUnauthenticated' ? 'unauthenticated' : status === 'GrpcPermissionDenied' || denied ? 'denied' : 'allowed';
    const database = valueOf(groups.database_name);
    const collection = valueOf(groups.collection_name);
    return {
      time: timeOf(groups.time_now),
      user: valueOf(groups.user_name) ?? '',
      method: called,
      outcome,
      ...(database ? { database } : {}),
      ...(collection ? { collection } : {}),
      ...(outcome === 'denied' && denied?.[1] ? { deniedPrivilege: denied[1] } : {}),
      ...(outcome === 'denied' && denied?.[2] ? { deniedDatabase: denied[2] } : {}),
    };
  }
  return null;
}
