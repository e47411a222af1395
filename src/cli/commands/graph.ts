import { Option } from 'commander';
import type { Command } from 'commander';
import { collect, printResult } from '../options.js';
import { addLiveOptions, loadSource } from './explain.js';
import type { SourceFlags } from './explain.js';

interface GraphFlags extends Omit<SourceFlags, 'format'> {
  readonly format: 'mermaid' | 'dot' | 'svg';
  readonly focusUser?: string;
  readonly focusRole?: string;
  readonly focusCollection?: string;
  readonly out?: string;
}

/** `rbac graph`: users → roles → grants → objects, as Mermaid, DOT or SVG. */
export function register(program: Command): void {
  const command = program
    .command('graph')
    .description('Draw the access graph (users → roles → grants → objects) of a policy or the live instance, whole or around one user, role or collection.')
    .option('-f, --file <path>', 'policy file or directory (repeat to merge several)', collect)
    .option('--live', 'read the live instance instead of a policy')
    .option('--milvus-version <version>', 'with -f: the Milvus version whose rules apply')
    .option('--focus-user <name>', 'only this user, its roles and their grants')
    .option('--focus-role <name>', 'only this role, its users and grants')
    .option('--focus-collection <db.name>', 'only the grants that reach this collection, their roles and users')
    .addOption(new Option('--format <format>', 'mermaid (renders in a GitHub comment), dot (Graphviz) or svg').choices(['mermaid', 'dot', 'svg']).default('mermaid'))
    .option('-o, --out <file>', 'write here instead of standard output')
    .addHelpText('after', '\nExamples:\n  rbac graph -f policy/ --focus-user alice\n  rbac graph --live --target prod --focus-collection sales.orders --format svg -o orders.svg\n');
  addLiveOptions(command).action(async (flags: GraphFlags) => {
    const source = await loadSource({ ...flags, format: 'text' });
    if (!source) return;
    const { runGraph } = await import('../../graph/run.js');
    printResult(
      await runGraph(source, {
        format: flags.format,
        ...(flags.focusUser ? { user: flags.focusUser } : {}),
        ...(flags.focusRole ? { role: flags.focusRole } : {}),
        ...(flags.focusCollection ? { collection: flags.focusCollection } : {}),
        ...(flags.out ? { out: flags.out } : {}),
      }),
    );
  });
}
