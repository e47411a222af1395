import { Command } from 'commander';
import { registerCommands } from './commands/index.js';
import { TOOL_VERSION } from '../version.js';

const program = new Command();
program
  .name('rbac')
  .description('Milvus access control as code: validate, plan and apply users, roles, privilege groups and grants from a YAML policy.')
  .version(TOOL_VERSION)
  .showHelpAfterError('(run with --help for usage)')
  .configureHelp({ sortSubcommands: false });

registerCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`Error: ${message}\n`);
  process.exitCode = 1;
}
