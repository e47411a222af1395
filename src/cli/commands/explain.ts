import { Option } from 'commander';
import type { Command } from 'commander';
import type { ExplainSource } from '../../explain/source.js';
import { addConnectionOptions, addTargetOptions, collect, connectionOrExit } from '../options.js';
import type { ConnectionFlagValues, TargetFlagValues } from '../options.js';

/** Flags shared by commands that read either a policy (-f) or a live Milvus (--live). */
export interface SourceFlags extends ConnectionFlagValues, TargetFlagValues {
  readonly file?: string[];
  readonly live?: boolean;
  readonly milvusVersion?: string;
  readonly format: 'text' | 'json';
}

export function addSourceOptions(command: Command): Command {
  return addLiveOptions(command)
    .option('-f, --file <path>', 'policy file or directory (repeat to merge several)', collect)
    .option('--live', 'read the state from a live Milvus instead of a policy')
    .option('--milvus-version <version>', 'with -f: apply the rules of this Milvus version (default: newest known)')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'));
}

/** With --live: where Milvus is and how to log in, as for plan (one --target of the config, or the connection flags). */
export function addLiveOptions(command: Command): Command {
  return addTargetOptions(addConnectionOptions(command));
}

/** Loads the state named by the flags; prints problems and returns null (exit code set) on failure. */
export async function loadSource(flags: SourceFlags): Promise<ExplainSource | null> {
  const { sourceFromLive, sourceFromPolicy } = await import('../../explain/source.js');
  if (flags.live && (flags.file ?? []).length > 0) return fail('give either -f <policy> or --live, not both');
  if (flags.live) {
    if (flags.milvusVersion) return fail('--milvus-version only applies to -f: with --live the server says its version');
    const connection = await connectionOrExit(flags);
    if (!connection) return null;
    try {
      return await sourceFromLive(connection);
    } catch (error) {
      const { describeConnectionFailure } = await import('../../milvus/index.js');
      return fail(describeConnectionFailure(error, connection.address));
    }
  }
  if ((flags.file ?? []).length === 0) return fail('no state to read: pass -f <policy.yaml> or --live');
  const { formatDiagnostic } = await import('../../policy/index.js');
  let result;
  try {
    result = await sourceFromPolicy((flags.file ?? []), flags.milvusVersion);
  } catch (error) {
    return fail((error as Error).message);
  }
  for (const d of result.diagnostics) process.stderr.write(`${formatDiagnostic(d)}\n`);
  if (!result.ok) return fail(result.message);
  return result.source;
}

function fail(message: string): null {
  process.stderr.write(`rbac: ${message}\n`);
  process.exitCode = 1;
  return null;
}

/** `rbac explain user NAME`: every effective privilege of one user, with the role and grant behind it. */
export function register(program: Command): void {
  const explain = program.command('explain').description('Explain effective access (from a policy or a live Milvus).');
  addSourceOptions(
    explain
      .command('user <name>')
      .description('List every privilege a user holds, per database and object, with the role, grant and group chain it comes from. Exit 0, 1 on error.'),
  ).action(async (name: string, flags: SourceFlags) => {
    const source = await loadSource(flags);
    if (!source) return;
    const { explainJson, explainUser, renderExplainText } = await import('../../explain/index.js');
    try {
      const access = explainUser(source, name);
      process.stdout.write(flags.format === 'json' ? `${JSON.stringify(explainJson(access), null, 2)}\n` : renderExplainText(access));
      process.exitCode = 0;
    } catch (error) {
      fail((error as Error).message);
    }
  });
}
