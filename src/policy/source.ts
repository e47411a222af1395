import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, visit } from 'yaml';
import type { Document, Node, Pair } from 'yaml';
import type { Diagnostic } from './diagnostics.js';

/** One parsed policy file with what is needed to turn a path inside it back into file:line:col. */
export interface SourceFile {
  readonly name: string;
  readonly doc: Document.Parsed;
  readonly lines: LineCounter;
  /** The document as plain data (anchors and merge keys resolved); `undefined` when unusable. */
  readonly data: unknown;
}

export type PathSegment = string | number;
export type Path = readonly PathSegment[];

export interface Position {
  readonly line: number;
  readonly column: number;
}

/** Generous enough for policies that reuse one anchor in thousands of roles, small enough to stop an alias bomb. */
const MAX_ALIAS_COUNT = 1_000_000;

const YAML_HINTS: Partial<Record<string, string>> = {
  DUPLICATE_KEY: 'each key may appear once in a mapping; merge the two entries or rename one',
  BAD_INDENT: 'indent nested entries consistently with spaces',
  TAB_AS_INDENT: 'YAML does not allow tabs for indentation; use spaces',
  BAD_ALIAS: 'define the anchor (&name) before using it (*name)',
  MULTIPLE_DOCS: 'put each policy in its own file, or merge the documents into one',
};

function describeYamlError(code: string, message: string, text: string, pos: readonly [number, number]): string {
  if (code === 'DUPLICATE_KEY') {
    const key = text.slice(pos[0], pos[1]).split(/[:\n]/, 1)[0]?.trim();
    return key ? `duplicate key "${key}"` : 'duplicate key';
  }
  if (code === 'BAD_ALIAS') return message.split('\n', 1)[0] ?? message;
  // yaml's messages are one sentence; keep only the first line so no source text is echoed.
  const first = message.split('\n', 1)[0] ?? message;
  return `YAML syntax: ${first.replace(/ at line \d+, column \d+:?$/, '')}`;
}

export function parseSource(text: string, name: string): { file: SourceFile; diagnostics: Diagnostic[] } {
  const lines = new LineCounter();
  // yaml's own duplicate-key check compares every key with every other (quadratic on a map of
  // 10k users); findDuplicateKeys does the same job with a set per map.
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: false, merge: true, prettyErrors: false });
  const diagnostics: Diagnostic[] = [];
  for (const error of [...doc.errors, ...doc.warnings]) {
    const at = lines.linePos(error.pos[0]);
    const hint = YAML_HINTS[error.code];
    diagnostics.push({
      severity: error.name === 'YAMLWarning' ? 'warning' : 'error',
      file: name,
      line: at.line,
      column: at.col,
      message: describeYamlError(error.code, error.message, text, error.pos),
      ...(hint ? { hint } : {}),
      code: error.code === 'DUPLICATE_KEY' ? 'duplicate-key' : 'yaml-syntax',
    });
  }
  if (doc.errors.length === 0) {
    if (text.includes('!')) diagnostics.push(...findTags(doc, lines, name, text));
    diagnostics.push(...findDuplicateKeys(doc, lines, name));
    // Walking the tree for aliases costs time on big files; skip it when there is no `*alias`.
    if (/(^|[\s[{,:-])\*[^\s,\]}"']/m.test(text)) diagnostics.push(...findUnknownAliases(doc, lines, name));
  }
  let data: unknown;
  // Duplicate keys leave a usable document (the last one wins), so the other checks still run.
  if (!diagnostics.some((d) => d.severity === 'error' && d.code !== 'duplicate-key')) {
    try {
      data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (error) {
      const message = error instanceof Error ? error.message.split('\n', 1)[0] : String(error);
      diagnostics.push({ severity: 'error', file: name, line: 1, column: 1, message: `YAML: ${message}`, code: 'yaml-syntax' });
    }
  }
  return { file: { name, doc, lines, data }, diagnostics };
}

function findDuplicateKeys(doc: Document.Parsed, lines: LineCounter, name: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  const pending: unknown[] = [doc.contents];
  while (pending.length > 0) {
    const node = pending.pop();
    // One push per item: spreading 150,000 items into push() overflows the call stack.
    if (isSeq(node)) for (const item of node.items) pending.push(item);
    if (!isMap(node)) continue;
    const seen = new Map<string, Pair>();
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      pending.push(pair.value);
      const key = keyText(pair);
      if (key === undefined || key === '<<') continue;
      const first = seen.get(key);
      if (!first) {
        seen.set(key, pair);
        continue;
      }
      const at = lines.linePos((pair.key as Node).range?.[0] ?? 0);
      const firstAt = lines.linePos((first.key as Node).range?.[0] ?? 0);
      out.push({
        severity: 'error',
        file: name,
        line: at.line,
        column: at.col,
        message: `duplicate key "${key}" (first at line ${firstAt.line})`,
        hint: YAML_HINTS.DUPLICATE_KEY,
        code: 'duplicate-key',
      });
    }
  }
  return out;
}

const PLAIN_TAGS = new Set(['str', 'int', 'float', 'bool', 'null', 'map', 'seq'].map((t) => `tag:yaml.org,2002:${t}`));

/**
 * A policy is plain data: a tag such as `!!binary` or `!custom` would turn a value into something
 * no check expects (a byte buffer walked as keys), so any tag but the plain ones is an error.
 */
function findTags(doc: Document.Parsed, lines: LineCounter, name: string, text: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  visit(doc, {
    Node(_, node) {
      if (!node.tag || PLAIN_TAGS.has(node.tag)) return undefined;
      // Point at the tag itself, which stands before the value on its line.
      const start = node.range?.[0] ?? 0;
      const bang = text.lastIndexOf('!', start);
      const at = lines.linePos(bang >= 0 && !text.slice(bang, start).includes('\n') ? (text[bang - 1] === '!' ? bang - 1 : bang) : start);
      const shown = node.tag.startsWith('tag:yaml.org,2002:') ? `!!${node.tag.slice('tag:yaml.org,2002:'.length)}` : node.tag;
      out.push({ severity: 'error', file: name, line: at.line, column: at.col, message: `YAML tag ${shown} is not allowed in a policy`, hint: 'remove the tag: a policy holds plain strings, numbers, lists and mappings', code: 'yaml-tag' });
      return visit.SKIP;
    },
  });
  return out;
}

/** yaml only notices an alias without anchor when converting; this finds it with its place. */
function findUnknownAliases(doc: Document.Parsed, lines: LineCounter, name: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  visit(doc, {
    Alias(_, node) {
      if (node.resolve(doc) !== undefined) return;
      const at = lines.linePos(node.range?.[0] ?? 0);
      out.push({
        severity: 'error',
        file: name,
        line: at.line,
        column: at.col,
        message: `alias *${node.source} refers to no anchor`,
        hint: YAML_HINTS.BAD_ALIAS,
        code: 'yaml-syntax',
      });
    },
  });
  return out;
}

function resolve(file: SourceFile, node: unknown): unknown {
  let current = node;
  for (let hops = 0; isAlias(current) && hops < 100; hops++) current = current.resolve(file.doc);
  return current;
}

function keyText(pair: Pair): string | undefined {
  const key = pair.key;
  if (isScalar(key)) return String(key.value);
  return typeof key === 'string' || typeof key === 'number' ? String(key) : undefined;
}

function findPair(file: SourceFile, map: unknown, key: string, depth = 0): Pair | undefined {
  if (!isMap(map) || depth > 20) return undefined;
  // The last of duplicate keys is the one the data holds.
  for (let i = map.items.length - 1; i >= 0; i--) {
    const item = map.items[i];
    if (isPair(item) && keyText(item) === key) return item;
  }
  // Keys brought in by `<<: *anchor` merge keys live in the anchored map.
  for (const item of map.items) {
    if (!isPair(item) || keyText(item) !== '<<') continue;
    const sources = resolve(file, item.value);
    const list = isSeq(sources) ? sources.items : [sources];
    for (const source of list) {
      const found = findPair(file, resolve(file, source), key, depth + 1);
      if (found) return found;
    }
  }
  return undefined;
}

function startOf(file: SourceFile, node: unknown): Position | undefined {
  const range = (node as Node | undefined)?.range;
  if (!range) return undefined;
  const at = file.lines.linePos(range[0]);
  return { line: at.line, column: at.col };
}

/**
 * Where `path` points in the file: the value's position, or with `key` the position of the
 * mapping key naming it. Falls back to the deepest node found, so a message always has a place.
 */
export function positionOf(file: SourceFile, path: Path, options: { key?: boolean } = {}): Position {
  let node: unknown = resolve(file, file.doc.contents);
  let best = startOf(file, node) ?? { line: 1, column: 1 };
  for (let i = 0; i < path.length; i++) {
    const segment = path[i] as PathSegment;
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = findPair(file, node, String(segment));
      if (!pair) return best;
      if (last && options.key) return startOf(file, pair.key) ?? best;
      best = startOf(file, pair.value) ?? startOf(file, pair.key) ?? best;
      node = resolve(file, pair.value);
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment];
      if (item === undefined) return best;
      best = startOf(file, item) ?? best;
      node = resolve(file, item);
    } else {
      return best;
    }
  }
  return best;
}
