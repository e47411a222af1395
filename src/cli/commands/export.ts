import type { Command } from 'commander';
import { addConnectionOptions, addTargetOptions, collect, connectionOrExit, printResult } from '../options.js';
import type { ConnectionFlagValues, TargetFlagValues } from '../options.js';

interface ExportFlags extends ConnectionFlagValues, TargetFlagValues {
  readonly prefix?: string[];
  readonly onlyUser?: string[];
  readonly onlyRole?: string[];
  readonly onlyGroup?: string[];
  readonly out?: string;
  readonly force?: boolean;
  readonly schema?: string;
}

/** `rbac export`: write a live instance (or part of it) as a policy that plans to "No changes.". */
export function register(program: Command): void {
  const command = program
    .command('export')
    .description('Read a live Milvus and write its users, roles and privilege groups as a policy; planning it against the same instance gives "No changes.".')
    .option('--prefix <prefix>', 'adopt only users, roles and groups whose names start with this (repeatable); the policy then owns exactly that prefix', collect)
    .option('--only-user <name>', 'adopt this user (repeatable)', collect)
    .option('--only-role <name>', 'adopt this role (repeatable)', collect)
    .option('--only-group <name>', 'adopt this custom privilege group (repeatable)', collect)
    .option('-o, --out <path>', 'write the policy to this file (default: standard output)')
    .option('--force', 'replace --out when it exists')
    .option('--schema <path-or-url>', 'add a yaml-language-server comment pointing editors at policy.schema.json')
    .addHelpText('after', '\nExamples:\n  rbac export -o policy.yaml\n  rbac export --prefix team_ -o team.yaml && rbac plan -f team.yaml --detailed-exitcode   # 0: nothing to change\n');
  addTargetOptions(addConnectionOptions(command)).action(async (flags: ExportFlags) => {
    const connection = await connectionOrExit(flags);
    if (!connection) return;
    const { runExport } = await import('../../export/run.js');
    const result = await runExport({
      connection,
      selection: { prefixes: (flags.prefix ?? []), users: (flags.onlyUser ?? []), roles: (flags.onlyRole ?? []), privilegeGroups: (flags.onlyGroup ?? []) },
      ...(flags.out !== undefined ? { out: flags.out } : {}),
      ...(flags.force ? { force: true } : {}),
      ...(flags.schema !== undefined ? { schema: flags.schema } : {}),
    });
    printResult(result);
  });
}
