import { readFile } from 'node:fs/promises';
import { pemHolds } from '../milvus/pem.js';
import type { PemKind } from '../milvus/pem.js';
import type { EmulatorTls } from './server.js';

/** The emulator's TLS files, read and checked before it starts, with the flag to fix named. */
export interface EmulatorTlsFiles {
  readonly cert?: string;
  readonly key?: string;
  readonly clientCa?: string;
}

async function pem(path: string, flag: string, kinds: readonly PemKind[], what: string): Promise<Buffer> {
  let content: Buffer;
  try {
    content = await readFile(path);
  } catch (error) {
    throw new Error(`${flag} ${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  if (!kinds.some((kind) => pemHolds(content, kind))) throw new Error(`${flag} ${path} holds no PEM ${what}`);
  return content;
}

const CERTIFICATE: readonly PemKind[] = ['certificate'];
/** An encrypted key passes here, and the TLS library says what it needs. */
const PRIVATE_KEY: readonly PemKind[] = ['private key', 'encrypted private key'];

/** Undefined when no TLS file was given; an error when only part of a pair was. */
export async function readEmulatorTls(files: EmulatorTlsFiles): Promise<EmulatorTls | undefined> {
  if (!files.cert && !files.key && !files.clientCa) return undefined;
  if (!files.cert || !files.key) throw new Error('TLS needs both --tls-cert and --tls-key (--tls-client-ca alone cannot serve TLS)');
  return {
    cert: await pem(files.cert, '--tls-cert', CERTIFICATE, 'certificate'),
    key: await pem(files.key, '--tls-key', PRIVATE_KEY, 'private key'),
    ...(files.clientCa ? { clientCa: await pem(files.clientCa, '--tls-client-ca', CERTIFICATE, 'certificate') } : {}),
  };
}
