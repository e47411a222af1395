import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

/**
 * The lines of access logs: files, folders (every file in them, rotated ones included, in name
 * order), gzip-compressed files, or `-` for standard input. Streamed: one line in memory at a
 * time, whatever the size.
 */

export interface LogProgress {
  /** Bytes read from disk (compressed bytes for .gz) so far, and of all files when known. */
  readonly bytes: number;
  readonly totalBytes: number | null;
  readonly lines: number;
}

export class LogInputError extends Error {}

/** The files the inputs name, folders opened (not recursively: a log folder is flat). */
export async function logFiles(inputs: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const input of inputs) {
    if (input === '-') {
      out.push(input);
      continue;
    }
    let info;
    try {
      info = await stat(input);
    } catch (error) {
      throw new LogInputError(`cannot read ${input}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    }
    if (info.isDirectory()) {
      const entries = await readdir(input, { withFileTypes: true });
      out.push(...entries.filter((e) => e.isFile() && !e.name.startsWith('.')).map((e) => join(input, e.name)).sort());
    } else {
      out.push(input);
    }
  }
  return out;
}

/** Gzip is told by its magic bytes, not the name: rotated logs are renamed by hand too. */
async function isGzip(file: string): Promise<boolean> {
  const stream = createReadStream(file, { start: 0, end: 1 });
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  const head = Buffer.concat(chunks);
  return head.length === 2 && head[0] === 0x1f && head[1] === 0x8b;
}

export async function* logLines(files: readonly string[], onProgress?: (p: LogProgress) => void): AsyncGenerator<string> {
  // Sizes and gzip sniffing only for regular files: a pipe (<(zcat …), /dev/stdin) is read as it comes.
  const regular = new Map<string, boolean>();
  let totalBytes: number | null = 0;
  for (const file of files) {
    const info = file === '-' ? null : await stat(file).catch((error: NodeJS.ErrnoException) => Promise.reject(new LogInputError(`cannot read ${file}: ${error.code ?? String(error)}`)));
    regular.set(file, info?.isFile() === true);
    totalBytes = info?.isFile() && totalBytes !== null ? totalBytes + info.size : null;
  }
  let bytes = 0;
  let lines = 0;
  for (const file of files) {
    const name = file === '-' ? 'standard input' : file;
    try {
      // Asked before the stream opens: a listener on a stream already flowing would miss its start.
      const gzip = regular.get(file) === true && (await isGzip(file));
      const raw: Readable = file === '-' ? process.stdin : createReadStream(file);
      raw.on('data', (chunk: Buffer | string) => {
        bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
      });
      const input = gzip ? raw.pipe(createGunzip()) : raw;
      const reader = createInterface({ input, crlfDelay: Infinity });
      for await (const line of reader) {
        lines += 1;
        if (onProgress && (lines & 0xffff) === 0) onProgress({ bytes, totalBytes, lines });
        yield line;
      }
    } catch (error) {
      throw new LogInputError(`cannot read ${name}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
  }
  onProgress?.({ bytes, totalBytes, lines });
}
