import type { Command } from 'commander';
import { JSON_FORMAT_VERSION } from '../../report/format-version.js';
import { addSourceOptions, loadSource } from './explain.js';
import type { SourceFlags } from './explain.js';

interface WhoCanFlags extends SourceFlags {
  readonly collection?: string;
  readonly db?: string;
  readonly object?: string;
}

/** `rbac who-can PRIVILEGE --collection C [--db D]`: users and roles holding one privilege. */
export function register(program: Command): void {
  addSourceOptions(
    program
      .command('who-can <privilege>')
      .description('List the users and roles that hold a privilege on an object, and through which grant. Exit 0, 1 on error.')
      .option('--collection <name>', 'the collection (for collection privileges; default: any collection, *)')
      .option('--db <name>', 'the database (default: default)')
      .option('--object <user>', 'the user object, for UpdateUser / SelectUser (default: *)'),
  ).action(async (privilege: string, flags: WhoCanFlags) => {
    const { buildQuery, renderWhoCanText, whoCanInSource } = await import('../../explain/index.js');
    let query;
    try {
      query = buildQuery({
        privilege,
        ...(flags.collection !== undefined ? { collection: flags.collection } : {}),
        ...(flags.object !== undefined ? { userObject: flags.object } : {}),
        ...(flags.db !== undefined ? { db: flags.db } : {}),
      });
    } catch (error) {
      process.stderr.write(`rbac: ${(error as Error).message}\n`);
      process.exitCode = 1;
      return;
    }
    const source = await loadSource(flags);
    if (!source) return;
    const answer = whoCanInSource(source, query);
    process.stdout.write(flags.format === 'json' ? `${JSON.stringify({ formatVersion: JSON_FORMAT_VERSION, ...answer }, null, 2)}\n` : renderWhoCanText(answer));
    process.exitCode = 0;
  });
}
