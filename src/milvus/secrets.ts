import { readFileSync } from 'node:fs';
import type { PasswordSource } from '../model/operations.js';

/**
 * Secrets (tokens, passwords) are read from env vars or files at the moment they are needed and
 * registered here, so every message the tool prints can be scrubbed of them: a server error that
 * echoes a request, or an SDK error that quotes its config, must never reveal a credential.
 */

const MASK = '***';
/** Shorter values would mask ordinary words in messages; Milvus passwords are at least 6 bytes. */
const MIN_SECRET_LENGTH = 4;

const registered = new Set<string>();

/** Remembers a secret (and the encodings the SDK sends on the wire) so {@link redact} hides it. */
export function registerSecret(value: string): void {
  if (value.length < MIN_SECRET_LENGTH) return;
  registered.add(value);
  registered.add(Buffer.from(value, 'utf8').toString('base64'));
  // `user:password` tokens: the password half alone is secret too.
  const colon = value.indexOf(':');
  if (colon >= 0 && value.length - colon - 1 >= MIN_SECRET_LENGTH) registerSecret(value.slice(colon + 1));
}

/** Replaces every registered secret in `text` with `***`. Longest first, so a secret containing another is fully hidden. */
export function redact(text: string): string {
  let out = text;
  for (const secret of [...registered].sort((a, b) => b.length - a.length)) {
    if (out.includes(secret)) out = out.split(secret).join(MASK);
  }
  return out;
}

/** For tests: forget registered secrets. */
export function clearRegisteredSecrets(): void {
  registered.clear();
}

export class SecretError extends Error {
  override readonly name = 'SecretError';
}

export function describePasswordSource(source: PasswordSource): string {
  return 'env' in source ? `environment variable ${source.env}` : `file ${source.file}`;
}

/**
 * One rule for every secret, from a file or an environment variable: a single trailing newline
 * is not part of it. Editors and `echo` add one to files, and a Kubernetes secret made from such
 * a file carries it into the variable.
 */
export function withoutTrailingNewline(value: string): string {
  return value.replace(/\r?\n$/, '');
}

/**
 * Reads a password from the environment variable or file the policy names. The error names the
 * variable or the file, never the value.
 */
export function resolvePassword(source: PasswordSource, env: NodeJS.ProcessEnv = process.env): string {
  let value: string | undefined;
  if ('env' in source) {
    const raw = env[source.env];
    if (raw === undefined) throw new SecretError(`password ${describePasswordSource(source)} is not set`);
    value = withoutTrailingNewline(raw);
  } else {
    try {
      value = withoutTrailingNewline(readFileSync(source.file, 'utf8'));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
      throw new SecretError(`password ${describePasswordSource(source)} cannot be read (${code})`);
    }
  }
  if (value === '') throw new SecretError(`password ${describePasswordSource(source)} is empty`);
  registerSecret(value);
  return value;
}

/** Where executors get passwords: resolved lazily so they exist in memory only while needed. */
export interface SecretResolver {
  resolvePassword(source: PasswordSource): string;
}

export function envSecretResolver(env: NodeJS.ProcessEnv = process.env): SecretResolver {
  return { resolvePassword: (source) => resolvePassword(source, env) };
}
