import { Option } from 'commander';
import type { Command } from 'commander';
import { addConnectionOptions, addTargetOptions, connectionOrExit, printResult } from '../options.js';
import type { ConnectionFlagValues, TargetFlagValues } from '../options.js';

interface DoctorFlags extends ConnectionFlagValues, TargetFlagValues {
  readonly format: 'text' | 'json';
  readonly writeProbe?: boolean;
}

/** `rbac doctor`: which RBAC calls a server answers, and what the tool will do there. */
export function register(program: Command): void {
  const command = program
    .command('doctor')
    .description("Probe a server: its version and platform, which RBAC calls it answers, the caller's identity and privileges, and the target: settings to declare. Read-only unless --write-probe.")
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--write-probe', 'also try each kind of grant and a custom privilege group on a scratch role (rbac_doctor_…), removed afterwards')
    .addHelpText('after', '\nExamples:\n  rbac doctor --address 127.0.0.1:19530 --token-env MILVUS_TOKEN\n  rbac doctor --address https://in01-xxxx.aws-us-west-2.vectordb.zillizcloud.com:19530 --token-env ZILLIZ_API_KEY --write-probe\n');
  addTargetOptions(addConnectionOptions(command)).action(async (flags: DoctorFlags) => {
    const connection = await connectionOrExit(flags);
    if (!connection) return;
    const { runDoctor } = await import('../../doctor/run.js');
    printResult(await runDoctor({ connection, format: flags.format, writeProbe: flags.writeProbe === true }));
  });
}
