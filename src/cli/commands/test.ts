import type { Command } from 'commander';
import { printResult } from '../options.js';
import { addSourceOptions, loadSource } from './explain.js';
import type { SourceFlags } from './explain.js';

/** `rbac test FILE`: policy tests against a policy (-f) or the live instance (--live). Exit 0 all pass, 1 a failure or invalid input. */
export function register(program: Command): void {
  const command = program
    .command('test')
    .argument('<tests.yaml>', 'assertions: user X can / cannot P on an object; nobody (except …) can P')
    .description('Check access assertions kept beside the policy against its effective access, or the live instance\'s. Exit 0 when all pass, 1 otherwise.')
    .addHelpText('after', '\nExample tests.yaml:\n  version: 1\n  tests:\n    - user: alice\n      can: Search\n      on: { database: sales, collection: orders }\n    - nobody: true\n      except: [ops]\n      can: DropCollection\n    - user: ingest_job\n      cannot: any\n      on: { database: hr }\n\nExamples:\n  rbac test access.test.yaml -f policy/\n  rbac test access.test.yaml --live --target prod\n');
  addSourceOptions(command).action(async (file: string, flags: SourceFlags) => {
    const source = await loadSource(flags);
    if (!source) return;
    const { runPolicyTests } = await import('../../policy-tests/cli.js');
    printResult(await runPolicyTests(file, source, flags.format));
  });
}
