import { InvalidArgumentError, Option } from 'commander';
import { ZILLIZ_FEATURES } from '../../model/platform.js';
import type { ZillizFeature } from '../../model/platform.js';
import type { Command } from 'commander';

interface EmulatorFlags {
  readonly port: number;
  readonly host: string;
  readonly milvusVersion?: string;
  readonly maxUsers: number;
  readonly maxRoles: number;
  readonly seed?: string;
  readonly auth: boolean;
  readonly superUsers?: string;
  readonly tlsCert?: string;
  readonly tlsKey?: string;
  readonly tlsClientCa?: string;
  readonly profile: 'milvus' | 'zilliz-cloud';
  readonly zillizEnable?: string;
  readonly apiKeyEnv?: string;
}

function integer(min: number, max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`expected an integer from ${min} to ${max}`);
    return n;
  };
}

/** The zilliz-cloud profile's options from the flags; an API key is read from the variable named, never from the command line. */
function zillizProfileOptions(flags: EmulatorFlags): { profile?: 'zilliz-cloud'; zillizEnabled?: ZillizFeature[]; apiKeys?: string[] } {
  if (flags.profile !== 'zilliz-cloud') {
    if (flags.zillizEnable !== undefined || flags.apiKeyEnv !== undefined) throw new Error('--zilliz-enable and --api-key-env go with --profile zilliz-cloud');
    return {};
  }
  const enabled = (flags.zillizEnable ?? '').split(',').map((f) => f.trim()).filter((f) => f !== '');
  const unknown = enabled.filter((f) => !(ZILLIZ_FEATURES as readonly string[]).includes(f));
  if (unknown.length > 0) throw new Error(`--zilliz-enable: unknown feature ${unknown.join(', ')} (known: ${ZILLIZ_FEATURES.join(', ')})`);
  const key = flags.apiKeyEnv !== undefined ? process.env[flags.apiKeyEnv] : undefined;
  if (flags.apiKeyEnv !== undefined && !key) throw new Error(`--api-key-env: environment variable ${flags.apiKeyEnv} is not set or empty`);
  return { profile: 'zilliz-cloud', zillizEnabled: enabled as ZillizFeature[], ...(key ? { apiKeys: [key] } : {}) };
}

/** `rbac emulator`: runs the in-memory Milvus RBAC emulator until SIGINT / SIGTERM. */
/** Next to Milvus's 19530, never on it: a real Milvus on the same machine keeps its port. */
const EMULATOR_DEFAULT_PORT = 19531;

export function register(program: Command): void {
  program
    .command('emulator')
    .description(
      "Run an in-memory stand-in for Milvus's RBAC API (a test double, NOT Milvus) for tests and CI. Stops on Ctrl-C / SIGTERM.",
    )
    .option('--port <port>', 'port to listen on (0 = any free port); not Milvus\'s own 19530, so a real server on this machine is never shadowed', integer(0, 65535), EMULATOR_DEFAULT_PORT)
    .option('--host <host>', 'address to listen on; keep loopback unless you mean to expose it', '127.0.0.1')
    .option('--milvus-version <version>', 'Milvus version to behave as: 2.3, 2.4, 2.5, 2.6 (2.6.22), 3.0 (3.0.0) or a full version such as 2.6.19 (default: 2.5; with --profile zilliz-cloud, the Milvus line it is compatible with, default 2.6)')
    .option('--max-users <n>', 'proxy.maxUserNum: most users, root included', integer(1, 1_000_000), 100)
    .option('--max-roles <n>', 'proxy.maxRoleNum: most roles, admin and public included', integer(2, 1_000_000), 10)
    .option('--seed <file>', 'start from this state (JSON: users, roles, privilegeGroups, passwords; see docs/emulator.md)')
    .option('--no-auth', 'turn authentication and authorization off (Milvus authorizationEnabled=false)')
    .option('--super-users <names>', 'common.security.superUsers: comma-separated users who change a password without the current one')
    .addOption(new Option('--profile <platform>', 'milvus, or zilliz-cloud to play a Zilliz Cloud Dedicated cluster: login db_admin / Milvus, built-in roles db_admin, db_rw, db_ro, no v1 grants, privilege groups only (docs/zilliz-cloud.md)').choices(['milvus', 'zilliz-cloud']).default('milvus'))
    .option('--zilliz-enable <features>', 'with --profile zilliz-cloud: comma-separated features Zilliz enabled for the organisation (customPrivilegeGroups, individualPrivileges)')
    .option('--api-key-env <name>', 'with --profile zilliz-cloud: an environment variable holding an API key the emulator accepts as a token (acts as a project administrator)')
    .option('--tls-cert <file>', "serve TLS with this PEM certificate (Milvus's tls.serverPemPath; needs --tls-key)")
    .option('--tls-key <file>', "the certificate's PEM private key (Milvus's tls.serverKeyPath)")
    .option('--tls-client-ca <file>', "two-way TLS: require client certificates signed by this PEM CA (Milvus's tlsMode 2, tls.caPemPath)")
    .action(async (flags: EmulatorFlags) => {
      const { startEmulator, parseSeed, readEmulatorTls } = await import('../../emulator/index.js');
      let seed;
      if (flags.seed !== undefined) {
        const { readFile } = await import('node:fs/promises');
        let text: string;
        try {
          text = await readFile(flags.seed, 'utf8');
        } catch (error) {
          process.stderr.write(`rbac emulator: cannot read seed file ${flags.seed}: ${(error as NodeJS.ErrnoException).code ?? String(error)}\n`);
          process.exitCode = 2;
          return;
        }
        try {
          seed = parseSeed(text);
        } catch (error) {
          process.stderr.write(`rbac emulator: ${flags.seed}: ${(error as Error).message}\n`);
          process.exitCode = 2;
          return;
        }
      }
      let running;
      try {
        const tls = await readEmulatorTls({ cert: flags.tlsCert, key: flags.tlsKey, clientCa: flags.tlsClientCa });
        const zilliz = zillizProfileOptions(flags);
        running = await startEmulator({
          ...(tls ? { tls } : {}),
          ...zilliz,
          port: flags.port,
          host: flags.host,
          ...(flags.milvusVersion !== undefined ? { milvusVersion: flags.milvusVersion } : {}),
          limits: { maxUsers: flags.maxUsers, maxRoles: flags.maxRoles },
          authorization: flags.auth,
          ...(flags.superUsers !== undefined ? { superUsers: flags.superUsers.split(',').map((n) => n.trim()).filter((n) => n !== '') } : {}),
          ...(seed ? { seed } : {}),
        });
      } catch (error) {
        process.stderr.write(`rbac emulator: cannot start: ${(error as Error).message}\n`);
        process.exitCode = 2;
        return;
      }
      // Handlers first: whoever reads "listening on" may signal at once.
      const stop = (signal: NodeJS.Signals): void => {
        process.stdout.write(`received ${signal}, stopping the emulator\n`);
        void running.stop().then(() => {
          process.exitCode = 0;
        });
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      process.stdout.write(
        [
          `milvus-rbac emulator listening on ${running.address}`,
          `  behaves as Milvus ${running.version} (RBAC calls, and collection names and aliases as far as grants need them); this is a test double, not Milvus: no data`,
          `  limits: ${flags.maxUsers} users (root included), ${flags.maxRoles} roles (admin and public included)`,
          ...(running.tls === 'off' ? [] : [`  TLS: ${running.tls === 'two-way' ? 'two-way (client certificates required)' : 'one-way'}`]),
          ...(running.profile === 'zilliz-cloud' ? ['  plays Zilliz Cloud Dedicated (compatible with the Milvus line above): GetVersion answers a build tag, Connect the description'] : []),
          flags.auth ? `  login: ${running.profile === 'zilliz-cloud' ? 'db_admin' : 'root'} / Milvus unless the seed sets another password` : '  authentication is OFF',
          '  stop with Ctrl-C or SIGTERM',
          '',
        ].join('\n'),
      );
    });
}
