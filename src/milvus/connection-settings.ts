import { readFileSync } from 'node:fs';
import type { ServerSettings } from '../model/desired.js';
import type { Platform } from '../model/platform.js';
import { registerSecret, SecretError, withoutTrailingNewline } from './secrets.js';

/**
 * Connection settings from command-line flags, the environment and secret files: where to connect
 * and as whom, before any connection is made.
 */

/**
 * Where and as whom to connect. Secrets are held behind functions so that logging or
 * JSON-serialising the options can never print them.
 */
export type Credentials =
  | { readonly kind: 'none' }
  | { readonly kind: 'token'; readonly token: () => string }
  | { readonly kind: 'password'; readonly user: string; readonly password: () => string };

export interface ConnectionOptions {
  readonly address: string;
  readonly credentials: Credentials;
  readonly tls: boolean;
  /** PEM files: the CA that signed the server's certificate; this client's certificate and key (two-way TLS). */
  readonly caFile?: string;
  readonly certFile?: string;
  readonly keyFile?: string;
  /** The name to check the server's certificate against, when it differs from the address's host. */
  readonly serverName?: string;
  /** Per-call deadline in milliseconds (also bounds the version probe). */
  readonly timeoutMs: number;
  /** Retries done by the SDK itself on retryable gRPC errors; the apply executor retries on its own, so 0 there. */
  readonly sdkRetries: number;
  /** Upper bound on concurrent calls (the SDK lends one channel per in-flight call). */
  readonly poolSize: number;
  /** The user the credentials belong to, when it can be known ('' otherwise). */
  readonly user: string;
  /** `--debug`: where each call to Milvus is logged (milvus/call-log.ts). */
  readonly callLog?: (line: string) => void;
  /** The platform a target's config declares (`platform: zilliz-cloud`); else the endpoint or the server tells. */
  readonly platform?: Platform;
  /** Server settings a target's config declares (as a policy's target.settings, which wins key by key). */
  readonly serverSettings?: ServerSettings;
}

/** Command-line flags; secrets are only ever given as an env var name or a file path. */
export interface ConnectionFlags {
  readonly address?: string;
  readonly tokenEnv?: string;
  readonly tokenFile?: string;
  readonly user?: string;
  readonly passwordEnv?: string;
  readonly passwordFile?: string;
  readonly tls?: boolean;
  readonly caFile?: string;
  readonly certFile?: string;
  readonly keyFile?: string;
  readonly serverName?: string;
  readonly timeoutMs?: number;
  readonly sdkRetries?: number;
  readonly poolSize?: number;
  /** Log each call to Milvus on stderr. */
  readonly debug?: boolean;
  readonly platform?: Platform;
  readonly serverSettings?: ServerSettings;
}

export const DEFAULT_TIMEOUT_MS = 15_000;
export const DEFAULT_POOL_SIZE = 16;

export class ConnectionError extends Error {
  override readonly name = 'ConnectionError';
  constructor(
    message: string,
    readonly reason: 'config' | 'unreachable' | 'unauthenticated' | 'not-allowed' | 'version' | 'other',
    /** One line: what to do about it. */
    readonly fix?: string,
  ) {
    super(message);
  }
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Milvus's own port when the address gives none: the SDK alone would pick 443. URIs keep their scheme's. */
export const MILVUS_DEFAULT_PORT = 19530;

export function withDefaultPort(address: string): string {
  if (address === '' || /^[a-z][a-z0-9+.-]*:\/\//i.test(address)) return address;
  if (address.startsWith('[')) return address.includes(']:') ? address : `${address}:${MILVUS_DEFAULT_PORT}`;
  return address.includes(':') ? address : `${address}:${MILVUS_DEFAULT_PORT}`;
}

/** A path with no folder in it and a colon or a space is more likely a pasted secret than a file. */
function looksLikeCredential(path: string): boolean {
  return !path.includes('/') && /[:\s]/.test(path);
}

function readSecretFile(path: string, what: string, flag: string): string {
  try {
    return withoutTrailingNewline(readFileSync(path, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    if (looksLikeCredential(path)) {
      throw new SecretError(`${flag} takes the path of a file holding the ${what}; the value given cannot be read (${code}) and looks like a credential, so it is not shown`);
    }
    throw new SecretError(`${what} file ${path} cannot be read (${code})`);
  }
}

function secretFromEnv(name: string, env: NodeJS.ProcessEnv, what: string, flag: string): string {
  if (!ENV_NAME.test(name)) {
    throw new SecretError(`${flag} takes the name of an environment variable, and the value given is not one (it is not shown, in case it is the ${what} itself): put the ${what} in a variable and pass its name`);
  }
  const value = env[name];
  if (value === undefined || value === '') throw new SecretError(`${what} environment variable ${name} is not set or empty`);
  return withoutTrailingNewline(value);
}

type ResolvedSecret = { kind: 'token'; token: string } | { kind: 'password'; user: string; password: string } | { kind: 'none' };

function passwordLogin(user: string | undefined, password: string): ResolvedSecret {
  if (!user) throw new SecretError('a password was given but no user name: set --user or MILVUS_USER');
  return { kind: 'password', user, password };
}

/**
 * Flags beat the environment, so an explicit `--password-env` is not overridden by a
 * MILVUS_TOKEN left in the shell; among flags (and among env vars) a token beats a password.
 */
function resolveSecret(flags: ConnectionFlags, env: NodeJS.ProcessEnv): ResolvedSecret {
  const user = flags.user ?? env.MILVUS_USER;
  if (flags.tokenEnv) return { kind: 'token', token: secretFromEnv(flags.tokenEnv, env, 'token', '--token-env') };
  if (flags.tokenFile) return { kind: 'token', token: readSecretFile(flags.tokenFile, 'token', '--token-file') };
  if (flags.passwordEnv) return passwordLogin(user, secretFromEnv(flags.passwordEnv, env, 'password', '--password-env'));
  if (flags.passwordFile) return passwordLogin(user, readSecretFile(flags.passwordFile, 'password', '--password-file'));
  if (env.MILVUS_TOKEN) return { kind: 'token', token: withoutTrailingNewline(env.MILVUS_TOKEN) };
  if (env.MILVUS_PASSWORD) return passwordLogin(user, withoutTrailingNewline(env.MILVUS_PASSWORD));
  return { kind: 'none' };
}

type TlsSettings = Pick<ConnectionOptions, 'tls' | 'caFile' | 'certFile' | 'keyFile' | 'serverName'>;

/** `1`, `true`, `yes` and `on` turn MILVUS_TLS on; anything else (or nothing) leaves it to the other settings. */
const TRUE_WORDS = new Set(['1', 'true', 'yes', 'on']);

/**
 * TLS from flags, else from MILVUS_TLS, MILVUS_TLS_CA, MILVUS_TLS_CERT, MILVUS_TLS_KEY and
 * MILVUS_TLS_SERVER_NAME. Any file or a server name turns TLS on; a certificate needs its key.
 */
function tlsSettingsOf(flags: ConnectionFlags, env: NodeJS.ProcessEnv): TlsSettings {
  const pick = (flag: string | undefined, name: string): string | undefined => flag ?? (env[name]?.trim() || undefined);
  const caFile = pick(flags.caFile, 'MILVUS_TLS_CA');
  const certFile = pick(flags.certFile, 'MILVUS_TLS_CERT');
  const keyFile = pick(flags.keyFile, 'MILVUS_TLS_KEY');
  const serverName = pick(flags.serverName, 'MILVUS_TLS_SERVER_NAME');
  if (Boolean(certFile) !== Boolean(keyFile)) {
    throw new ConnectionError(
      `two-way TLS needs both a client certificate and its key; only the ${certFile ? 'certificate' : 'key'} was given`,
      'config',
      'give both --cert-file and --key-file (or MILVUS_TLS_CERT and MILVUS_TLS_KEY)',
    );
  }
  const asked = Boolean(flags.tls) || TRUE_WORDS.has((env.MILVUS_TLS ?? '').trim().toLowerCase());
  return {
    tls: asked || Boolean(caFile ?? certFile ?? serverName),
    ...(caFile ? { caFile } : {}),
    ...(certFile ? { certFile } : {}),
    ...(keyFile ? { keyFile } : {}),
    ...(serverName ? { serverName } : {}),
  };
}

/**
 * Builds connection options from flags, falling back to MILVUS_ADDRESS (or MILVUS_URI, the name
 * the Milvus clients read), MILVUS_TOKEN, MILVUS_USER and MILVUS_PASSWORD. A token
 * `user:password` also tells who we are.
 */
export function connectionOptionsFromEnv(flags: ConnectionFlags = {}, env: NodeJS.ProcessEnv = process.env): ConnectionOptions {
  const address = withDefaultPort((flags.address ?? env.MILVUS_ADDRESS ?? env.MILVUS_URI ?? '').trim());
  if (!address) throw new ConnectionError('no Milvus address: pass --address or set MILVUS_ADDRESS (or MILVUS_URI)', 'config');
  const secret = resolveSecret(flags, env);
  let credentials: Credentials = { kind: 'none' };
  let user = flags.user ?? env.MILVUS_USER ?? '';
  if (secret.kind === 'token') {
    const { token } = secret;
    registerSecret(token);
    credentials = { kind: 'token', token: () => token };
    // A `user:password` token says who we are; an API key does not, so --user / MILVUS_USER may.
    const colon = token.indexOf(':');
    if (colon > 0) user = token.slice(0, colon);
  } else if (secret.kind === 'password') {
    const { password } = secret;
    registerSecret(password);
    credentials = { kind: 'password', user: secret.user, password: () => password };
    user = secret.user;
  }
  const tlsSettings = tlsSettingsOf(flags, env);
  const tls = tlsSettings.tls || address.startsWith('https://');
  return {
    address,
    credentials,
    ...tlsSettings,
    tls,
    timeoutMs: flags.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    sdkRetries: flags.sdkRetries ?? 0,
    poolSize: flags.poolSize ?? DEFAULT_POOL_SIZE,
    user,
    ...(flags.debug ? { callLog: (line: string) => void process.stderr.write(`${line}\n`) } : {}),
    ...(flags.platform ? { platform: flags.platform } : {}),
    ...(flags.serverSettings ? { serverSettings: flags.serverSettings } : {}),
  };
}
