import type { MilvusCallError } from './errors.js';

/**
 * A failed connection in one line of cause and one of fix, instead of gRPC's and OpenSSL's
 * internals ("No connection established. Last error: … ssl3_get_record:wrong version number …
 * Resolution note:"). The raw reason is matched against what Node, OpenSSL and grpc-js say.
 */

export interface Explained {
  readonly reason: 'unreachable' | 'unauthenticated' | 'not-allowed' | 'version' | 'other';
  /** For 'unreachable', what follows "cannot reach Milvus at ADDRESS: ". */
  readonly cause: string;
  readonly fix?: string;
}

const ADDRESS_FLAGS = '--address / MILVUS_ADDRESS';
const CREDENTIAL_FLAGS = 'MILVUS_TOKEN=user:password, --token-env NAME or --token-file FILE, or --user with --password-env NAME / --password-file FILE';

interface Context {
  readonly address: string;
  readonly tls: boolean;
  /** While connecting: a connection closed at once then says something about TLS; later it does not. */
  readonly connecting: boolean;
  /** A client certificate was offered (two-way TLS). */
  readonly clientCertificate?: boolean;
}

const RULES: readonly { test: RegExp; explain: (ctx: Context) => Explained }[] = [
  {
    test: /ECONNREFUSED/,
    explain: () => ({
      reason: 'unreachable',
      cause: 'nothing accepts connections there (connection refused)',
      fix: `start Milvus there, or point ${ADDRESS_FLAGS} at it (Milvus's gRPC port is 19530)`,
    }),
  },
  {
    test: /Name resolution failed|ENOTFOUND|EAI_AGAIN/,
    explain: () => ({ reason: 'unreachable', cause: 'the host name does not resolve', fix: `check the host in ${ADDRESS_FLAGS}` }),
  },
  {
    test: /wrong version number|packet length too long|unknown protocol|http request/i,
    explain: () => ({
      reason: 'unreachable',
      cause: 'the server does not speak TLS there: the TLS handshake got a plain answer',
      fix: 'connect without TLS (drop --tls, --ca-file and https://), or use the port where the server serves TLS',
    }),
  },
  {
    test: /certificate has expired|CERT_HAS_EXPIRED/i,
    explain: () => ({ reason: 'unreachable', cause: "the server's TLS certificate has expired", fix: "renew the server's certificate (or check this machine's clock)" }),
  },
  {
    test: /does not match certificate's altnames|ERR_TLS_CERT_ALTNAME_INVALID|Hostname\/IP does not match/i,
    explain: () => ({
      reason: 'unreachable',
      cause: "the server's TLS certificate is not made out to that host",
      fix: 'connect by a name the certificate lists (its subject alternative names), or give that name with --server-name NAME',
    }),
  },
  {
    test: /self[- ]signed certificate|unable to verify the first certificate|unable to get local issuer|certificate verify failed|UNABLE_TO_VERIFY|DEPTH_ZERO_SELF_SIGNED/i,
    explain: () => ({
      reason: 'unreachable',
      cause: "the server's TLS certificate is not signed by a certificate authority this client trusts (the --ca-file given, else the system's)",
      fix: "pass the CA certificate that signed the server's with --ca-file FILE",
    }),
  },
  {
    test: /alert certificate required|peer did not return a certificate/i,
    explain: () => ({
      reason: 'unreachable',
      cause: 'the server requires a client certificate (two-way TLS) and none was given',
      fix: 'give the client certificate and its key with --cert-file and --key-file (or MILVUS_TLS_CERT and MILVUS_TLS_KEY)',
    }),
  },
  {
    test: /alert unknown ca|alert bad certificate|alert certificate unknown|alert decrypt error/i,
    explain: () => ({
      reason: 'unreachable',
      cause: 'the server refused the client certificate',
      fix: "use a client certificate signed by the CA the server trusts for clients (its tls.caPemPath)",
    }),
  },
  {
    test: /missing authorization in header/,
    explain: ({ address }) => ({ reason: 'unauthenticated', cause: `Milvus at ${address} requires credentials and none were given`, fix: `give them with ${CREDENTIAL_FLAGS}` }),
  },
  {
    test: /auth check failure|rejected the credentials/,
    explain: ({ address }) => ({ reason: 'unauthenticated', cause: `Milvus at ${address} rejected the credentials (user name and password, or token)`, fix: `check the credentials given with ${CREDENTIAL_FLAGS}` }),
  },
];

/** grpc-js's own words, without its empty "Resolution note". */
function redactedReason(failure: MilvusCallError): string {
  return `${failure.reason.replace(/\.?\s*Resolution note:\s*$/, '').trim()} (${failure.code})`;
}

/** The plain-text server behind a TLS client, or a TLS server behind a plain client, closes at once. */
const CLOSED_AT_HANDSHAKE = /ECONNRESET|socket hang up|Connection dropped|Protocol error|RST_STREAM|EPROTO|Failed to connect/i;

export function explainConnectionFailure(failure: MilvusCallError, ctx: Context): Explained | null {
  const text = `${failure.reason} ${failure.message}`;
  for (const rule of RULES) if (rule.test.test(text)) return rule.explain(ctx);
  switch (failure.code) {
    case 'UNIMPLEMENTED':
      return {
        reason: 'version',
        cause: `the server at ${ctx.address} is not Milvus: it does not know Milvus's GetVersion call`,
        fix: `check the port in ${ADDRESS_FLAGS} (Milvus's gRPC port is 19530; 9091 is its HTTP port)`,
      };
    case 'DEADLINE_EXCEEDED':
      return {
        reason: 'unreachable',
        cause: 'no answer before the deadline',
        fix: 'check that the address is reachable from here and is Milvus\'s gRPC port, or raise --timeout-ms',
      };
    case 'PERMISSION_DENIED':
      return { reason: 'not-allowed', cause: `Milvus at ${ctx.address} refused the request: ${failure.reason}`, fix: 'connect as a user that holds the privilege named, or grant it' };
    case 'UNAVAILABLE':
      if (ctx.connecting && CLOSED_AT_HANDSHAKE.test(text)) {
        // With TLS 1.3 a server checks the client's certificate after the client's side of the
        // handshake is done, so a refused certificate reaches grpc-js as a bare closed connection.
        if (ctx.tls && ctx.clientCertificate) {
          return {
            reason: 'unreachable',
            cause: 'the server closed the connection during the TLS handshake: most likely it does not accept the client certificate',
            fix: 'use a client certificate signed by the CA the server trusts for clients (its tls.caPemPath), or check that the server serves TLS on this port',
          };
        }
        return ctx.tls
          ? { reason: 'unreachable', cause: 'the server closed the connection during the TLS handshake', fix: 'check that the server serves TLS on this port, or connect without --tls' }
          : { reason: 'unreachable', cause: 'the server closed the connection at once', fix: 'if the server requires TLS, add --tls (and --ca-file for a private CA)' };
      }
      return { reason: 'unreachable', cause: redactedReason(failure), fix: `check that Milvus runs and that ${ADDRESS_FLAGS} points at it` };
    default:
      return null;
  }
}
