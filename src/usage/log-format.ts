import { parseDocument } from 'yaml';

/**
 * The proxy access log's line formats. From 2.3.4 every line is a format string of
 * `proxy.accessLog.formatters` with `$field`s filled in; a method listed under a formatter's
 * `methods` uses it, any other `base`. The defaults below are those Milvus ships in
 * configs/milvus.yaml, 2.3.4 to 3.0 (docs/usage.md gives the versions of each). A format the user
 * gives, or reads from a milvus.yaml, replaces them.
 */

export interface Formatter {
  readonly name: string;
  /** Methods that use this formatter; null for `base`, which serves the rest. */
  readonly methods: readonly string[] | null;
  readonly format: string;
}

export interface CompiledFormatter extends Formatter {
  readonly pattern: RegExp;
  /** Literal characters: longer formats are tried first, so a shorter one never swallows a longer line. */
  readonly weight: number;
}

const P = '[$time_now] [ACCESS] <$user_name: $user_addr> $method_name [status: $method_status] [code: $error_code] [sdk: $sdk_version] [msg: $error_msg] [traceID: $trace_id] [timeCost: $time_cost]';
const D = '[database: $database_name] [collection: $collection_name] [partitions: $partition_name]';
const REST_QUERY = ['/query', '/v2/vectordb/entities/query', '/v2/vectordb/entities/get', '/v2/vectordb/entities/delete'];
const REST_SEARCH = ['/search', '/v2/vectordb/entities/search', '/v2/vectordb/entities/advanced_search', '/v2/vectordb/entities/hybrid_search'];

/** Every default Milvus has shipped: a line of any version matches one of them. */
export const DEFAULT_FORMATTERS: readonly Formatter[] = Object.freeze([
  // 2.3.4 – 2.6.18
  { name: 'base', methods: null, format: P },
  { name: 'query', methods: ['Query', 'Search', 'Delete'], format: `${P} ${D} [expr: $method_expr]` },
  // 2.5.13
  { name: 'search', methods: ['HybridSearch', 'Search'], format: `${P} ${D} [anns_field: $anns_field] [expr: $method_expr]` },
  // 2.5.14 – 2.6.18
  { name: 'query', methods: ['Query', 'Delete'], format: `${P} ${D} [expr: $method_expr] [params: $query_params]` },
  { name: 'search', methods: ['HybridSearch', 'Search'], format: `${P} ${D} [expr: $method_expr] [nq: $nq] [params: $search_params]` },
  // 2.6.16 – 2.6.18
  { name: 'upsert', methods: ['Upsert'], format: `${P} ${D} [partial_update: $partial_update]` },
  // 2.6.19 – 3.0
  { name: 'base', methods: null, format: `${P} [error_type: $error_type]` },
  { name: 'query', methods: ['Query', 'Delete', ...REST_QUERY], format: `${P} ${D} [expr: $method_expr] [params: $query_params] [error_type: $error_type]` },
  { name: 'search', methods: ['HybridSearch', 'Search', ...REST_SEARCH], format: `${P} ${D} [expr: $method_expr] [nq: $nq] [params: $search_params] [error_type: $error_type]` },
  { name: 'upsert', methods: ['Upsert'], format: `${P} ${D} [partial_update: $partial_update] [error_type: $error_type]` },
]);

const FIELD = /\$([a-z_]+)/g;

/** A format string as an anchored pattern: each `$field` a named group. */
export function compileFormatter(f: Formatter): CompiledFormatter {
  let source = '';
  let last = 0;
  let weight = 0;
  const seen = new Set<string>();
  for (const m of f.format.matchAll(FIELD)) {
    const literal = f.format.slice(last, m.index);
    source += literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    weight += literal.length;
    const name = m[1] ?? '';
    // A field twice in one format: the second is matched but not captured again.
    source += seen.has(name) ? '(?:.*?)' : `(?<${name}>.*?)`;
    seen.add(name);
    last = (m.index ?? 0) + m[0].length;
  }
  const tail = f.format.slice(last);
  source += tail.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  weight += tail.length;
  return { ...f, pattern: new RegExp(`^${source}$`, 's'), weight };
}

export function compileFormatters(formatters: readonly Formatter[]): CompiledFormatter[] {
  return formatters.map(compileFormatter).sort((a, b) => b.weight - a.weight);
}

/** `proxy.accessLog.formatters` of a milvus.yaml; throws when it has none. */
export function formattersFromMilvusYaml(text: string): Formatter[] {
  const doc = parseDocument(text);
  const node = doc.getIn(['proxy', 'accessLog', 'formatters']) as unknown;
  const formatters = (node && typeof node === 'object' && 'toJSON' in node ? (node as { toJSON(): unknown }).toJSON() : undefined) as Record<string, { format?: string; methods?: string | string[] }> | undefined;
  if (!formatters || Object.keys(formatters).length === 0) throw new Error('no proxy.accessLog.formatters in it');
  return Object.entries(formatters).flatMap(([name, f]) => {
    if (typeof f?.format !== 'string') return [];
    const methods = Array.isArray(f.methods) ? f.methods : typeof f.methods === 'string' ? f.methods.split(',') : [];
    return [{ name, methods: name === 'base' ? null : methods.map((m) => m.trim()).filter((m) => m !== ''), format: f.format }];
  });
}
