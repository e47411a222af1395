import { Server, ServerCredentials, status as GrpcStatus } from '@grpc/grpc-js';
import type { ServerUnaryCall, sendUnaryData, UntypedServiceImplementation } from '@grpc/grpc-js';
import { RbacEngine } from '../engine/engine.js';
import { isZilliz, MILVUS, ZILLIZ_CLOUD } from '../model/platform.js';
import type { Platform, PlatformName, ZillizFeature } from '../model/platform.js';
import { zillizRefusal } from './zilliz.js';
import { isRbacError } from '../engine/errors.js';
import { DEFAULT_DATABASE, DEFAULT_OBJECT_LIMITS, nameLimitsOf } from '../model/names.js';
import type { NameLimits, ObjectLimits } from '../model/names.js';
import type { RbacState } from '../model/types.js';
import { PROFILE_VERSION_STRING, VERSION_PROFILES, parseMilvusVersion } from '../model/versions.js';
import type { MilvusVersion, VersionProfile } from '../model/versions.js';
import { API_KEY_CALLER, authenticate, deniedPrivilege, headerValue } from './auth.js';
import { FaultController } from './faults.js';
import { HANDLERS } from './handlers.js';
import type { CallContext, Request, Response } from './handlers.js';
import { MILVUS_SERVICE, milvusServiceDefinition, statusOnlyMethods } from './proto.js';
import { Relay } from './relay.js';
import { errorStatus } from './status.js';

export interface EmulatorSeed {
  readonly state: RbacState;
  /** Plain passwords by user name; users without one cannot log in. */
  readonly passwords?: Readonly<Record<string, string>>;
}

export interface EmulatorOptions {
  /** 0 (default) picks a free port. */
  readonly port?: number;
  /** Default 127.0.0.1: the emulator is for loopback use. */
  readonly host?: string;
  /** A profile (`2.3`…`2.6`) or a full version string (`v2.5.4`). Default `2.5`. */
  readonly milvusVersion?: VersionProfile | string;
  readonly limits?: Partial<ObjectLimits>;
  readonly nameLimits?: Partial<NameLimits>;
  readonly seed?: EmulatorSeed;
  /** Password of root when no seed sets one. Default `Milvus`. */
  readonly rootPassword?: string;
  /** Milvus's common.security.authorizationEnabled. Default true: every call must authenticate. */
  readonly authorization?: boolean;
  /** Milvus's common.security.superUsers: callers who change a password without the current one. */
  readonly superUsers?: readonly string[];
  /** Serve TLS (Milvus's common.security.tlsMode 1), or two-way TLS (tlsMode 2) when `clientCa` is given. */
  readonly tls?: EmulatorTls;
  /**
   * `zilliz-cloud`: play a Zilliz Cloud Dedicated cluster (emulator/zilliz.ts): default user
   * db_admin, built-in roles db_admin, db_rw and db_ro, Zilliz's refusals and limits. The Milvus
   * version is then the line it is compatible with (default 2.6).
   */
  readonly profile?: PlatformName;
  /** With the zilliz-cloud profile: the features Zilliz enabled for the organisation. */
  readonly zillizEnabled?: readonly ZillizFeature[];
  /** With the zilliz-cloud profile: API keys accepted as tokens, each acting as a project administrator. */
  readonly apiKeys?: readonly string[];
}

/** What Zilliz Cloud's GetVersion answered in zilliztech/milvus-backup's recorded test strings: a build tag without a version. */
const ZILLIZ_BUILD_TAG = 'unknown-20260608-7ea6e3526';

/** PEM text, as Milvus's tls.serverPemPath, tls.serverKeyPath and tls.caPemPath files hold it. */
export interface EmulatorTls {
  readonly cert: string | Buffer;
  readonly key: string | Buffer;
  /** Require client certificates signed by this CA. */
  readonly clientCa?: string | Buffer;
}

export interface RunningEmulator {
  /** `host:port`, what MilvusClient takes as `address`. */
  readonly address: string;
  readonly host: string;
  readonly port: number;
  /** What GetVersion reports. */
  readonly version: string;
  /** `milvus`, or `zilliz-cloud` when playing Zilliz Cloud Dedicated. */
  readonly profile: PlatformName;
  /** 'off', 'one-way' or 'two-way' (client certificates required). */
  readonly tls: 'off' | 'one-way' | 'two-way';
  readonly faults: FaultController;
  readonly engine: RbacEngine;
  stop(): Promise<void>;
}

const UNKNOWN_METHOD = (method: string): string => `unknown method ${method} for service ${MILVUS_SERVICE}`;

/** Resolves `2.5` or `v2.5.4` to the version string GetVersion reports and its parsed form. */
export function resolveVersion(input: string): { text: string; version: MilvusVersion } {
  const text = (VERSION_PROFILES as readonly string[]).includes(input) ? PROFILE_VERSION_STRING[input as VersionProfile] : input;
  const version = parseMilvusVersion(text);
  if (!version) throw new Error(`not a Milvus version: ${JSON.stringify(input)} (use one of ${VERSION_PROFILES.join(', ')} or a full version such as 2.6.19)`);
  return { text: text.startsWith('v') ? text : `v${text}`, version };
}

/**
 * TLS ends at the gRPC server itself, behind the relay, as it does in Milvus's proxy: the relay
 * passes the encrypted bytes on, so dropping connections still works.
 */
function serverCredentials(tls: EmulatorTls | undefined): ServerCredentials {
  if (!tls) return ServerCredentials.createInsecure();
  const buffer = (pem: string | Buffer): Buffer => (typeof pem === 'string' ? Buffer.from(pem) : pem);
  return ServerCredentials.createSsl(
    tls.clientCa ? buffer(tls.clientCa) : null,
    [{ cert_chain: buffer(tls.cert), private_key: buffer(tls.key) }],
    tls.clientCa !== undefined,
  );
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const host = options.host ?? '127.0.0.1';
  const profile = options.profile ?? 'milvus';
  const platform: Platform = profile === 'zilliz-cloud' ? { name: 'zilliz-cloud', tier: 'dedicated', enabled: [...(options.zillizEnabled ?? [])] } : MILVUS;
  const zilliz = isZilliz(platform);
  // Zilliz names only the Milvus line (2.6), so its cluster plays that line's first release: what
  // the tool, which cannot learn the patch, plans for.
  const asked = options.milvusVersion ?? (zilliz ? ZILLIZ_CLOUD.compatibleWith : '2.5');
  const { text: milvusVersionString, version } = resolveVersion(zilliz && /^\d+\.\d+$/.test(asked) ? `${asked}.0` : asked);
  const versionString = zilliz ? ZILLIZ_BUILD_TAG : milvusVersionString;
  const description = zilliz ? `Zilliz Cloud Vector Database(Compatible with Milvus ${version.major}.${version.minor})` : milvusVersionString;
  const apiKeys = zilliz ? (options.apiKeys ?? []) : [];
  const passwords = new Map(Object.entries(options.seed?.passwords ?? {}));
  const superUser = zilliz ? ZILLIZ_CLOUD.defaultUser : 'root';
  if (options.rootPassword !== undefined && !passwords.has(superUser)) passwords.set(superUser, options.rootPassword);
  const engine = new RbacEngine(
    {
      version,
      limits: { ...(zilliz ? ZILLIZ_CLOUD.limits : DEFAULT_OBJECT_LIMITS), ...options.limits },
      nameLimits: { ...nameLimitsOf(version), ...options.nameLimits },
      ...(zilliz ? { platform } : {}),
    },
    options.seed?.state,
    passwords,
  );
  const faults = new FaultController();
  const startedAt = Date.now();
  const authorization = options.authorization ?? true;
  const superUsers = options.superUsers ?? [];

  let relay: Relay | undefined;
  const server = new Server();
  const implementation: UntypedServiceImplementation = {};
  const bareStatus = statusOnlyMethods();
  /** Calls answering common.Status send the status itself; the others a message with a `status` field. */
  const reply = (method: string, callback: sendUnaryData<Response>, response: Response): void => {
    callback(null, bareStatus.has(method) ? (response.status as Response) : response);
  };

  const serve = (method: string, call: ServerUnaryCall<Request, Response>, callback: sendUnaryData<Response>): void => {
    const handler = HANDLERS[method];
    if (!handler) {
      callback({
        code: GrpcStatus.UNIMPLEMENTED,
        details: `${method} is not implemented by the milvus-rbac emulator (a test double serving Milvus's RBAC calls only, not Milvus)`,
      });
      return;
    }
    if (!engine.supportsCall(method)) {
      callback({ code: GrpcStatus.UNIMPLEMENTED, details: UNKNOWN_METHOD(method) });
      return;
    }
    const caller = authorization ? authenticate(engine, call.metadata, apiKeys) : engine.superUser;
    if (typeof caller !== 'string') {
      callback({ code: GrpcStatus.UNAUTHENTICATED, details: caller.reason });
      return;
    }
    const dbName = headerValue(call.metadata, 'dbname') || DEFAULT_DATABASE;
    if (authorization) {
      const denied = deniedPrivilege(engine, method, call.request, caller, dbName);
      if (denied) {
        // From 2.4.1 (#32253) the proxy names the database it checked.
        const where = engine.features.deniedNamesDatabase ? ` in the \`${dbName}\` database` : '';
        callback({ code: GrpcStatus.PERMISSION_DENIED, details: `Privilege${denied}: permission deny to ${caller}${where}` });
        return;
      }
    }
    const refusal = zilliz ? zillizRefusal(platform, engine, method, call.request) : null;
    if (refusal) {
      if ('status' in refusal) reply(method, callback, { status: { ...refusal.status } });
      else callback({ code: refusal.grpcCode, details: refusal.message });
      return;
    }
    // An API key's own Milvus identity is Zilliz's secret; its calls act as the administrator.
    const actingAs = caller === API_KEY_CALLER ? engine.superUser : caller;
    const ctx: CallContext = { engine, caller: actingAs, dbName, versionString, description, startedAt, superUsers };
    try {
      reply(method, callback, handler(call.request, ctx));
    } catch (error) {
      if (isRbacError(error) && error.kind === 'Unimplemented') {
        callback({ code: GrpcStatus.UNIMPLEMENTED, details: error.message });
      } else if (isRbacError(error)) {
        reply(method, callback, { status: { ...errorStatus(error, method, { chains: engine.features.refusalChains, merr: engine.features.merrRefusals }) } });
      } else {
        const message = error instanceof Error ? error.message : String(error);
        callback({ code: GrpcStatus.INTERNAL, details: `emulator bug in ${method}: ${message}` });
      }
    }
  };

  for (const method of Object.keys(milvusServiceDefinition())) {
    implementation[method] = (call: ServerUnaryCall<Request, Response>, callback: sendUnaryData<Response>) => {
      const { delayMs, action } = faults.onCall(method);
      const run = (): void => {
        if (action?.type === 'drop') {
          relay?.dropAll();
          callback({ code: GrpcStatus.UNAVAILABLE, details: 'connection dropped by the emulator (injected fault)' });
          return;
        }
        if (action?.type === 'fail') {
          const { error } = action;
          if ('status' in error) reply(method, callback, { status: { ...error.status } });
          else callback({ code: error.grpcCode, details: error.message });
          return;
        }
        serve(method, call, callback);
      };
      if (delayMs > 0) setTimeout(run, delayMs);
      else run();
    };
  }

  server.addService(milvusServiceDefinition(), implementation);
  const upstreamPort = await new Promise<number>((resolve, reject) => {
    server.bindAsync('127.0.0.1:0', serverCredentials(options.tls), (error, port) => (error ? reject(error) : resolve(port)));
  });
  try {
    relay = await Relay.start(host, options.port ?? 0, upstreamPort);
  } catch (error) {
    server.forceShutdown();
    throw error;
  }
  const port = relay.port;
  const shown = host.includes(':') ? `[${host}]` : host;
  let stopped = false;
  return {
    address: `${shown}:${port}`,
    host,
    port,
    version: versionString,
    profile,
    tls: !options.tls ? 'off' : options.tls.clientCa ? 'two-way' : 'one-way',
    faults,
    engine,
    async stop() {
      if (stopped) return;
      stopped = true;
      await relay?.close();
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, 1000);
        server.tryShutdown(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
  };
}
