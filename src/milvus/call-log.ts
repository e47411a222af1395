import type { MilvusClient } from '@zilliz/milvus2-sdk-node';

/**
 * `-v` / `--debug`: one line per call to Milvus on stderr, with the method, what it is about,
 * how long it took and how it ended. What a call is about is taken from a short list of fields
 * that name things (users, roles, groups, databases, collections, privileges); nothing else of a
 * request is ever written, so passwords and tokens cannot appear.
 */

export type CallLog = (line: string) => void;

/** Request fields that name the object of a call, in the SDK's and the wire's spellings. */
const NAMING_FIELDS: readonly (readonly [string, string])[] = [
  ['username', 'user'],
  ['roleName', 'role'],
  ['role_name', 'role'],
  ['group_name', 'group'],
  ['db_name', 'db'],
  ['collection_name', 'collection'],
  ['object_name', 'object'],
];

function nested(value: unknown, ...path: string[]): unknown {
  let at: unknown = value;
  for (const key of path) at = at !== null && typeof at === 'object' ? (at as Record<string, unknown>)[key] : undefined;
  return at;
}

/** `user=alice role=reader privilege=Search`: the names a request carries, nothing else. */
export function describeCallTarget(request: unknown): string {
  if (request === null || typeof request !== 'object') return '';
  const parts: string[] = [];
  const add = (label: string, value: unknown): void => {
    if (typeof value === 'string' && value !== '') parts.push(`${label}=${value}`);
  };
  for (const [field, label] of NAMING_FIELDS) add(label, (request as Record<string, unknown>)[field]);
  add('role', nested(request, 'role', 'name'));
  add('role', nested(request, 'entity', 'role', 'name'));
  add('object', nested(request, 'entity', 'object_name'));
  add('db', nested(request, 'entity', 'db_name'));
  add('privilege', nested(request, 'grantor', 'privilege', 'name'));
  add('privilege', nested(request, 'entity', 'grantor', 'privilege', 'name'));
  const privileges = (request as { privileges?: unknown }).privileges;
  if (Array.isArray(privileges)) add('privileges', privileges.filter((p) => typeof p === 'string').join(','));
  return parts.join(' ');
}

function outcomeOf(value: unknown): string {
  const status = nested(value, 'status') ?? value;
  const code = nested(status, 'error_code');
  if (code !== undefined && code !== 'Success' && code !== 0) return `failed: ${String(code)} ${String(nested(status, 'reason') ?? '')}`.trim();
  return 'ok';
}

function errorOutcome(error: unknown): string {
  const code = nested(error, 'code');
  return typeof code === 'number' ? `failed: gRPC ${code}` : 'failed';
}

/** Logs one call: `debug: ListCredUsers → ok in 3.1 ms`. */
export async function loggedCall<T>(log: CallLog, method: string, request: unknown, call: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const target = describeCallTarget(request);
  const line = (outcome: string): void => log(`debug: ${method}${target ? ` ${target}` : ''} → ${outcome} in ${(performance.now() - started).toFixed(1)} ms`);
  try {
    const value = await call();
    line(outcomeOf(value));
    return value;
  } catch (error) {
    line(errorOutcome(error));
    throw error;
  }
}

/** The SDK client with every public method call logged (internal helpers, named `_…`, are not). */
export function withCallLog(client: MilvusClient, log: CallLog): MilvusClient {
  return new Proxy(client, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function' || typeof property !== 'string' || property.startsWith('_') || property === 'constructor') return value;
      return (...args: unknown[]) => {
        const result: unknown = Reflect.apply(value, target, args);
        if (!(result instanceof Promise)) return result;
        return loggedCall(log, property, args[0], () => result);
      };
    },
  });
}
