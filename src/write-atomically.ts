import { rename, rm, writeFile } from 'node:fs/promises';

/**
 * Writes beside the target and renames into place, so a reader (a collector, `rbac apply`, git)
 * never sees half a file and a failed write leaves the old one intact.
 */
export async function writeAtomically(path: string, text: string, mode: number): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    await writeFile(temporary, text, { encoding: 'utf8', mode });
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true }).catch(() => undefined);
    throw error;
  }
}
