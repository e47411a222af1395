import { readFileSync } from 'node:fs';
import { getAuthString, MilvusClient, logger as sdkLogger } from '@zilliz/milvus2-sdk-node';
import type { ClientConfig } from '@zilliz/milvus2-sdk-node';
import { featuresOf, parseMilvusVersion } from '../model/versions.js';
import type { FeatureSet, MilvusVersion } from '../model/versions.js';
import { DEFAULT_DATABASE } from '../model/names.js';
import { bulkCalls } from './bulk-calls.js';
import type { BulkCalls } from './bulk-calls.js';
import { checkResponse, fromThrown, MilvusCallError } from './errors.js';
import type { StatusShape } from './errors.js';
import { redact, registerSecret, SecretError } from './secrets.js';

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
  readonly caFile?: string;
  /** Per-call deadline in milliseconds (also bounds the version probe). */
  readonly timeoutMs: number;
  /** Retries done by the SDK itself on retryable gRPC errors; the apply executor retries on its own, so 0 there. */
  readonly sdkRetries: number;
  /** Upper bound on concurrent calls (the SDK lends one channel per in-flight call). */
  readonly poolSize: number;
  /** The user the credentials belong to, when it can be known ('' otherwise). */
  readonly user: string;
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
  readonly timeoutMs?: number;
  readonly sdkRetries?: number;
  readonly poolSize?: number;
}

export const DEFAULT_TIMEOUT_MS = 15_000;
export const DEFAULT_POOL_SIZE = 16;

export class ConnectionError extends Error {
  override readonly name = 'ConnectionError';
  constructor(
    message: string,
    readonly reason: 'config' | 'unreachable' | 'unauthenticated' | 'not-allowed' | 'version' | 'other',
  ) {
    super(message);
  }
}

function readSecretFile(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8').replace(/\r?\n$/, '');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new SecretError(`${what} file ${path} cannot be read (${code})`);
  }
}

function secretFromEnv(name: string, env: NodeJS.ProcessEnv, what: string): string {
  const value = env[name];
  if (value === undefined || value === '') throw new SecretError(`${what} environment variable ${name} is not set or empty`);
  return value;
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
  if (flags.tokenEnv) return { kind: 'token', token: secretFromEnv(flags.tokenEnv, env, 'token') };
  if (flags.tokenFile) return { kind: 'token', token: readSecretFile(flags.tokenFile, 'token') };
  if (flags.passwordEnv) return passwordLogin(user, secretFromEnv(flags.passwordEnv, env, 'password'));
  if (flags.passwordFile) return passwordLogin(user, readSecretFile(flags.passwordFile, 'password'));
  if (env.MILVUS_TOKEN) return { kind: 'token', token: env.MILVUS_TOKEN };
  if (env.MILVUS_PASSWORD) return passwordLogin(user, env.MILVUS_PASSWORD);
  return { kind: 'none' };
}

/**
 * Builds connection options from flags, falling back to MILVUS_ADDRESS, MILVUS_TOKEN,
 * MILVUS_USER and MILVUS_PASSWORD. A token `user:password` also tells who we are.
 */
export function connectionOptionsFromEnv(flags: ConnectionFlags = {}, env: NodeJS.ProcessEnv = process.env): ConnectionOptions {
  const address = (flags.address ?? env.MILVUS_ADDRESS ?? '').trim();
  if (!address) throw new ConnectionError('no Milvus address: pass --address or set MILVUS_ADDRESS', 'config');
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
  const tls = Boolean(flags.tls) || Boolean(flags.caFile) || address.startsWith('https://');
  return {
    address,
    credentials,
    tls,
    ...(flags.caFile ? { caFile: flags.caFile } : {}),
    timeoutMs: flags.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    sdkRetries: flags.sdkRetries ?? 0,
    poolSize: flags.poolSize ?? DEFAULT_POOL_SIZE,
    user,
  };
}

export interface MilvusConnection {
  /** Client bound to the `default` database. */
  readonly client: MilvusClient;
  readonly address: string;
  readonly version: MilvusVersion;
  readonly versionString: string;
  readonly features: FeatureSet;
  /** Who we are ('' when the credentials do not say, e.g. an API key). */
  readonly user: string;
  /** Grants, revokes and role bindings, on the SDK's channels without its per-call interceptors. */
  readonly bulk: BulkCalls;
  close(): Promise<void>;
}

function silenceSdkLogger(): void {
  // The SDK logs requests (base64 passwords included) at debug level when NODE_ENV=test, and
  // prints its own warnings to stdout; the tool reports errors itself.
  sdkLogger.silent = true;
}

/** The SDK's own encoding of the credentials, for calls made without its interceptors. */
function authorizationOf(credentials: Credentials): string {
  switch (credentials.kind) {
    case 'none':
      return '';
    case 'token':
      return getAuthString({ token: credentials.token() });
    case 'password':
      return getAuthString({ username: credentials.user, password: credentials.password() });
  }
}

function clientConfig(options: ConnectionOptions): ClientConfig {
  const creds = options.credentials;
  return {
    address: options.address,
    ...(creds.kind === 'token' ? { token: creds.token() } : {}),
    ...(creds.kind === 'password' ? { username: creds.user, password: creds.password() } : {}),
    ssl: options.tls,
    ...(options.caFile ? { tls: { rootCertPath: options.caFile } } : {}),
    timeout: options.timeoutMs,
    maxRetries: options.sdkRetries,
    retryDelay: 50,
    database: DEFAULT_DATABASE,
    logLevel: 'error',
    pool: { min: 1, max: Math.max(1, options.poolSize) },
    // grpc-js waits a second before reconnecting after a failed attempt, failing calls meanwhile.
    channelOptions: { 'grpc.initial_reconnect_backoff_ms': 100, 'grpc.max_reconnect_backoff_ms': 2_000 },
    telemetry: { enabled: false },
    // We probe the server ourselves (GetVersion) and surface its errors; the SDK's background
    // Connect call would otherwise reject unobserved.
    __SKIP_CONNECT__: true,
  };
}

function classify(error: MilvusCallError, address: string): ConnectionError {
  switch (error.code) {
    case 'UNAVAILABLE':
    case 'DEADLINE_EXCEEDED':
      return new ConnectionError(`cannot reach Milvus at ${address}: ${error.reason} (${error.code})`, 'unreachable');
    case 'UNAUTHENTICATED':
      return new ConnectionError(`Milvus at ${address} rejected the credentials: ${error.reason}`, 'unauthenticated');
    case 'PERMISSION_DENIED':
      return new ConnectionError(`Milvus at ${address} refused the request: ${error.reason}`, 'not-allowed');
    default:
      return new ConnectionError(`Milvus at ${address}: ${error.message}`, 'other');
  }
}

/** Turns a connection failure into a message for people; used by the CLI for every command. */
export function describeConnectionFailure(error: unknown, address: string): string {
  // Our own messages hold no secret and server text in them is already redacted; redacting the
  // whole line again would also mask ordinary words that happen to equal a password ("Milvus").
  if (error instanceof ConnectionError || error instanceof SecretError) return error.message;
  if (error instanceof MilvusCallError) return classify(error, address).message;
  return redact(error instanceof Error ? error.message : String(error));
}

/**
 * Opens a client, asks the server its version and proves the credentials work. Errors are
 * {@link ConnectionError}s saying whether the server was unreachable, the credentials wrong, or the
 * user not allowed; none of them contains a secret.
 */
export async function connect(options: ConnectionOptions): Promise<MilvusConnection> {
  silenceSdkLogger();
  let client: MilvusClient;
  try {
    client = new MilvusClient(clientConfig(options));
  } catch (error) {
    throw new ConnectionError(`cannot create a Milvus client for ${options.address}: ${redact(String(error))}`, 'config');
  }
  // A failure to close leaves nothing to do: the process is about to move on or exit.
  const close = async (): Promise<void> => void (await client.closeConnection().catch(() => undefined));
  try {
    const versionString = await probeVersion(client, options.address);
    const version = parseMilvusVersion(versionString);
    if (!version) throw new ConnectionError(`Milvus at ${options.address} reported an unknown version "${versionString}"`, 'version');
    await proveCredentials(client, options);
    return {
      client,
      address: options.address,
      version,
      versionString,
      features: featuresOf(version),
      user: options.user,
      bulk: bulkCalls(client, authorizationOf(options.credentials), options.timeoutMs),
      close,
    };
  } catch (error) {
    await close();
    if (error instanceof ConnectionError) throw error;
    if (error instanceof MilvusCallError) throw classify(error, options.address);
    throw classify(fromThrown(error, 'connect'), options.address);
  }
}

/** Attempts of the first call, and the waits between them: see {@link probeVersion}. */
const PROBE_WAITS_MS = [200, 500];

/**
 * The first call of a connection. A fresh channel's first connection attempt has been seen to
 * fail at once ("No connection established", no error recorded) against a server that was
 * listening, a few times in hundreds of runs against the emulator on a loaded machine; the next
 * attempt connected. So an UNAVAILABLE answer to this call is tried again twice, after the
 * channel's reconnect back-off (kept short in clientConfig); an unreachable server costs 0.7 s more.
 */
async function probeVersion(client: MilvusClient, address: string): Promise<string> {
  let response;
  for (let attempt = 0; ; attempt++) {
    try {
      response = await client.getVersion();
      break;
    } catch (error) {
      const failure = fromThrown(error, 'GetVersion');
      const wait = PROBE_WAITS_MS[attempt];
      if (failure.code !== 'UNAVAILABLE' || wait === undefined) throw classify(failure, address);
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
  // The SDK's type omits the status GetVersion carries.
  checkResponse(response as { status?: StatusShape }, 'GetVersion');
  return response.version;
}

/**
 * GetVersion may be answered without authentication, so a cheap authenticated call follows:
 * describing oneself is allowed to every user; without a known user name, listing users is tried
 * and a refusal (PERMISSION_DENIED) still proves the credentials were accepted.
 */
async function proveCredentials(client: MilvusClient, options: ConnectionOptions): Promise<void> {
  try {
    if (options.user) {
      checkResponse(await client.describeUser({ username: options.user }), 'SelectUser');
    } else {
      checkResponse(await client.listUsers(), 'ListCredUsers');
    }
  } catch (error) {
    const failure = fromThrown(error, 'check credentials');
    if (failure.code === 'PERMISSION_DENIED') return;
    throw classify(failure, options.address);
  }
}
