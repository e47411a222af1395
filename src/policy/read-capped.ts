import { open } from 'node:fs/promises';

/**
 * Reads a policy file, refusing one larger than the limit instead of growing without bound: a
 * device such as /dev/zero, or a file of millions of lines, would otherwise run the process out
 * of memory. The limit is per file; RBAC_MAX_POLICY_BYTES raises (or lowers) it.
 */

export const DEFAULT_MAX_POLICY_BYTES = 16 * 1024 * 1024;

export class PolicyTooLargeError extends Error {
  override readonly name = 'PolicyTooLargeError';
  constructor(readonly limit: number) {
    super(`larger than the limit of ${limit} bytes`);
  }
}

export function maxPolicyBytes(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.RBAC_MAX_POLICY_BYTES;
  const parsed = raw === undefined ? Number.NaN : Number(raw);
  return Number.isInteger(parsed) && parsed > 0 ? parsed : DEFAULT_MAX_POLICY_BYTES;
}

export async function readCapped(path: string, limit: number): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    const buffer = Buffer.alloc(Math.min(limit + 1, 1 << 20));
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      total += bytesRead;
      if (total > limit) throw new PolicyTooLargeError(limit);
      chunks.push(Buffer.from(buffer.subarray(0, bytesRead)));
    }
    return Buffer.concat(chunks).toString('utf8');
  } finally {
    await handle.close();
  }
}
