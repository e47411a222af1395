import { Command } from 'commander';

export interface CommandRun {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number;
}

/**
 * Runs one command module's `register` in-process, as `rbac <args>` would, capturing output
 * and the exit code it sets.
 */
export async function runCommand(registers: ((program: Command) => void)[], args: string[]): Promise<CommandRun> {
  const program = new Command().name('rbac').exitOverride();
  for (const register of registers) register(program);
  let stdout = '';
  let stderr = '';
  const writeOut = process.stdout.write.bind(process.stdout);
  const writeErr = process.stderr.write.bind(process.stderr);
  const previousExit = process.exitCode;
  process.exitCode = undefined;
  process.stdout.write = ((chunk: string | Uint8Array): boolean => {
    stdout += String(chunk);
    return true;
  }) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array): boolean => {
    stderr += String(chunk);
    return true;
  }) as typeof process.stderr.write;
  let exitCode = 0;
  try {
    await program.parseAsync(['node', 'rbac', ...args]);
    exitCode = Number(process.exitCode ?? 0);
  } catch (error) {
    stderr += `${(error as Error).message}\n`;
    exitCode = Number(process.exitCode ?? 1) || 1;
  } finally {
    process.stdout.write = writeOut;
    process.stderr.write = writeErr;
    process.exitCode = previousExit;
  }
  return { stdout, stderr, exitCode };
}
