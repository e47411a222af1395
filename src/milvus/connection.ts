import { readFileSync } from 'node:fs';
import { getAuthString, MilvusClient, logger as sdkLogger } from '@zilliz/milvus2-sdk-node';
import type { ClientConfig } from '@zilliz/milvus2-sdk-node';
import { compatibleMilvusLine, featuresOn, isZilliz, platformFromAddress } from '../model/platform.js';
import type { Platform } from '../model/platform.js';
import type { ServerSettings } from '../model/desired.js';
import { parseMilvusVersion } from '../model/versions.js';
import { readServerDescription } from './server-description.js';
import { pemHolds } from './pem.js';
import type { FeatureSet, MilvusVersion } from '../model/versions.js';
import { DEFAULT_DATABASE } from '../model/names.js';
import { bulkCalls } from './bulk-calls.js';
import type { BulkCalls } from './bulk-calls.js';
import { withCallLog } from './call-log.js';
import { checkLogin } from './check-login.js';
import type { LoginOutcome } from './check-login.js';
import { checkResponse, fromThrown, MilvusCallError } from './errors.js';
import type { StatusShape } from './errors.js';
import { ConnectionError } from './connection-settings.js';
import type { ConnectionOptions, Credentials } from './connection-settings.js';
import { redact, SecretError } from './secrets.js';
import { explainConnectionFailure } from './connection-failure.js';

export interface MilvusConnection {
  /** Client bound to the `default` database. */
  readonly client: MilvusClient;
  readonly address: string;
  readonly version: MilvusVersion;
  readonly versionString: string;
  readonly features: FeatureSet;
  /** Zilliz Cloud, when the config, the endpoint or the server says so; undefined for Milvus. */
  readonly platform?: Platform;
  /** Server settings a target's config declares; a policy's own target.settings win key by key. */
  readonly serverSettings?: ServerSettings;
  /** Who we are ('' when the credentials do not say, e.g. an API key). */
  readonly user: string;
  /** Grants, revokes and role bindings, on the SDK's channels without its per-call interceptors. */
  readonly bulk: BulkCalls;
  /** Whether Milvus accepts this user with this password (one call; see check-login.ts). */
  checkLogin(user: string, password: string): Promise<LoginOutcome>;
  close(): Promise<void>;
}

let ipServernameWarningIgnored = false;

/**
 * grpc-js names the server for TLS by the address it was given, so every TLS connection to an IP
 * address makes Node print DEP0123 ("Setting the TLS ServerName to an IP address is not permitted
 * by RFC 6066"). Connecting by IP is a legitimate choice and the certificate is still checked
 * against the IP, so that one warning, and only it, is dropped.
 */
function ignoreIpServernameWarning(): void {
  if (ipServernameWarningIgnored) return;
  ipServernameWarningIgnored = true;
  const emit = process.emitWarning.bind(process);
  const filtered = (warning: string | Error, ...rest: unknown[]): void => {
    const [typeOrOptions, code] = rest;
    const codeOf = typeof typeOrOptions === 'object' && typeOrOptions !== null ? (typeOrOptions as { code?: unknown }).code : code;
    if (codeOf === 'DEP0123') return;
    (emit as (w: string | Error, ...r: unknown[]) => void)(warning, ...rest);
  };
  process.emitWarning = filtered as typeof process.emitWarning;
}

function silenceSdkLogger(): void {
  // The SDK logs requests (base64 passwords included) at debug level when NODE_ENV=test, and
  // prints its own warnings to stdout; the tool reports errors itself.
  sdkLogger.silent = true;
}

/** The SDK's own encoding of the credentials, for calls made without its interceptors. */
export function authorizationOf(credentials: Credentials): string {
  switch (credentials.kind) {
    case 'none':
      return '';
    case 'token':
      return getAuthString({ token: credentials.token() });
    case 'password':
      return getAuthString({ username: credentials.user, password: credentials.password() });
  }
}

/**
 * grpc-js waits a second before reconnecting after a failed attempt, failing calls meanwhile.
 */
const CHANNEL_OPTIONS: Readonly<Record<string, number>> = Object.freeze({
  'grpc.initial_reconnect_backoff_ms': 100,
  'grpc.max_reconnect_backoff_ms': 2_000,
});

let clientsMade = 0;

/**
 * A key of its own for each client's subchannels. grpc-js shares subchannels between all channels
 * of a process with the same address and options. One left by a client of an earlier server on
 * that address (a restarted server, a port the OS gave again) sits in reconnect back-off, and a
 * fresh channel that picks it fails at once with "No connection established. Last error: null"
 * (test/emulator/fresh-clients.test.ts reproduces it). An option no other client has keeps them
 * apart, while the channels of one client's pool still share one connection, which the apply's
 * many small calls are faster on than on one connection per channel (docs/benchmarks.md).
 */
export function newClientChannelOptions(): Record<string, number> {
  return { ...CHANNEL_OPTIONS, 'grpc.milvus_rbac_client': ++clientsMade };
}

/** Reads a TLS file here rather than in the SDK, so a wrong path or content says which setting to fix. */
function pemFile(path: string, what: string, setting: string, kind: 'certificate' | 'private key'): Buffer {
  let content: Buffer;
  try {
    content = readFileSync(path);
  } catch (error) {
    throw new ConnectionError(`the ${what} file ${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`, 'config', `check ${setting}`);
  }
  if (!pemHolds(content, kind)) {
    const hint = pemHolds(content, 'encrypted private key') ? ' (an encrypted key: decrypt it first, the client cannot ask for a passphrase)' : '';
    throw new ConnectionError(`the ${what} file ${path} holds no PEM ${kind}${hint}`, 'config', `check ${setting}`);
  }
  return content;
}

function tlsConfig(options: ConnectionOptions): Pick<ClientConfig, 'tls'> {
  if (!options.tls) return {};
  const tls: NonNullable<ClientConfig['tls']> = {
    ...(options.caFile ? { rootCert: pemFile(options.caFile, 'CA certificate', '--ca-file / MILVUS_TLS_CA', 'certificate') } : {}),
    ...(options.certFile ? { certChain: pemFile(options.certFile, 'client certificate', '--cert-file / MILVUS_TLS_CERT', 'certificate') } : {}),
    ...(options.keyFile ? { privateKey: pemFile(options.keyFile, 'client key', '--key-file / MILVUS_TLS_KEY', 'private key') } : {}),
    ...(options.serverName ? { serverName: options.serverName } : {}),
  };
  return Object.keys(tls).length > 0 ? { tls } : {};
}

export function clientConfig(options: ConnectionOptions): ClientConfig {
  const creds = options.credentials;
  return {
    address: options.address,
    ...(creds.kind === 'token' ? { token: creds.token() } : {}),
    ...(creds.kind === 'password' ? { username: creds.user, password: creds.password() } : {}),
    ssl: options.tls,
    ...tlsConfig(options),
    timeout: options.timeoutMs,
    maxRetries: options.sdkRetries,
    retryDelay: 50,
    database: DEFAULT_DATABASE,
    logLevel: 'error',
    pool: { min: 1, max: Math.max(1, options.poolSize) },
    channelOptions: newClientChannelOptions(),
    telemetry: { enabled: false },
    // We probe the server ourselves (GetVersion) and surface its errors; the SDK's background
    // Connect call would otherwise reject unobserved.
    __SKIP_CONNECT__: true,
  };
}

function classify(error: MilvusCallError, address: string, tls = false, connecting = false, clientCertificate = false): ConnectionError {
  const explained = explainConnectionFailure(error, { address, tls, connecting, clientCertificate });
  if (explained) {
    const cause = explained.reason === 'unreachable' ? `cannot reach Milvus at ${address}: ${explained.cause}` : explained.cause;
    return new ConnectionError(cause, explained.reason, explained.fix);
  }
  return new ConnectionError(`Milvus at ${address}: ${error.message}`, 'other');
}

/** Turns a connection failure into a message for people; used by the CLI for every command. */
export function describeConnectionFailure(error: unknown, address: string): string {
  // Our own messages hold no secret and server text in them is already redacted; redacting the
  // whole line again would also mask ordinary words that happen to equal a password ("Milvus").
  if (error instanceof ConnectionError || error instanceof SecretError) return error.message;
  if (error instanceof MilvusCallError) return classify(error, address).message;
  return redact(error instanceof Error ? error.message : String(error));
}

/** The one-line fix for a connection failure, when there is one to give. */
export function fixForConnectionFailure(error: unknown, address: string): string | undefined {
  if (error instanceof ConnectionError) return error.fix;
  if (error instanceof MilvusCallError) return classify(error, address).fix;
  return undefined;
}

/**
 * Opens a client, asks the server its version and proves the credentials work. Errors are
 * {@link ConnectionError}s saying whether the server was unreachable, the credentials wrong, or the
 * user not allowed; none of them contains a secret.
 */
export async function connect(options: ConnectionOptions): Promise<MilvusConnection> {
  silenceSdkLogger();
  if (options.tls) ignoreIpServernameWarning();
  let client: MilvusClient;
  const config = clientConfig(options);
  try {
    const made = new MilvusClient(config);
    client = options.callLog ? withCallLog(made, options.callLog) : made;
  } catch (error) {
    throw new ConnectionError(`cannot create a Milvus client for ${options.address}: ${redact(String(error))}`, 'config');
  }
  // A failure to close leaves nothing to do: the process is about to move on or exit.
  const close = async (): Promise<void> => void (await client.closeConnection().catch(() => undefined));
  try {
    const reported = await probeVersion(client, options);
    await proveCredentials(client, options);
    const { version, versionString, platform } = await identify(client, options, reported);
    return {
      client,
      address: options.address,
      version,
      versionString,
      features: featuresOn(version, platform),
      ...(platform ? { platform } : {}),
      ...(options.serverSettings ? { serverSettings: options.serverSettings } : {}),
      user: options.user,
      bulk: bulkCalls(client, authorizationOf(options.credentials), options.timeoutMs, options.callLog),
      checkLogin: (user, password) => checkLogin(client, user, password, options.timeoutMs, options.callLog),
      close,
    };
  } catch (error) {
    await close();
    if (error instanceof ConnectionError) throw error;
    if (error instanceof MilvusCallError) throw classify(error, options.address, options.tls, true, options.certFile !== undefined);
    throw classify(fromThrown(error, 'connect'), options.address, options.tls, true, options.certFile !== undefined);
  }
}

/**
 * The version and platform. GetVersion's answer when it holds a version; otherwise (Zilliz
 * Cloud) the Milvus line Connect's description names. The platform is the one the config
 * declares, else the endpoint's, else what the description says.
 */
async function identify(client: MilvusClient, options: ConnectionOptions, reported: string): Promise<{ version: MilvusVersion; versionString: string; platform?: Platform }> {
  const known = options.platform ?? platformFromAddress(options.address) ?? undefined;
  const version = parseMilvusVersion(reported);
  if (version) return { version, versionString: reported, ...(known ? { platform: known } : {}) };
  let description = '';
  try {
    description = await readServerDescription(client, authorizationOf(options.credentials), options.timeoutMs);
  } catch {
    // No description either: the version is unknown, said below.
  }
  const line = compatibleMilvusLine(description);
  const parsed = line ? parseMilvusVersion(line) : null;
  if (!line || !parsed) {
    throw new ConnectionError(`the server at ${options.address} reported an unknown version "${reported}"${description ? ` and describes itself as "${description}"` : ''}`, 'version', 'run rbac doctor against it to see what it answers');
  }
  const platform = known ?? (/zilliz/i.test(description) ? { name: 'zilliz-cloud' as const, tier: 'dedicated' as const } : undefined);
  const name = isZilliz(platform) ? ' on Zilliz Cloud' : '';
  return { version: parsed, versionString: `${line}${name}`, ...(platform ? { platform } : {}) };
}

/** The first call of a connection: the server's version, which also says it is Milvus. */
async function probeVersion(client: MilvusClient, options: ConnectionOptions): Promise<string> {
  let response;
  try {
    response = await client.getVersion();
  } catch (error) {
    throw classify(fromThrown(error, 'GetVersion'), options.address, options.tls, true, options.certFile !== undefined);
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
    throw classify(failure, options.address, options.tls, true);
  }
}
