import { MilvusClient } from '@zilliz/milvus2-sdk-node';
import { startEmulator } from '../../src/emulator/index.js';
import type { EmulatorOptions, RunningEmulator } from '../../src/emulator/index.js';
import { connect } from '../../src/milvus/connection.js';
import { connectionOptionsFromEnv } from '../../src/milvus/connection-settings.js';
import type { MilvusConnection } from '../../src/milvus/connection.js';
import type { ConnectionFlags } from '../../src/milvus/connection-settings.js';

export const ROOT_TOKEN = 'root:Milvus';

export interface Fixture {
  readonly emulator: RunningEmulator;
  readonly conn: MilvusConnection;
  close(): Promise<void>;
}

/** An emulator on a random loopback port and a real SDK connection to it, as root unless `env` logs in otherwise. */
export async function startFixture(options: EmulatorOptions = {}, flags: ConnectionFlags = {}, env: NodeJS.ProcessEnv = { MILVUS_TOKEN: ROOT_TOKEN }): Promise<Fixture> {
  const emulator = await startEmulator({ port: 0, ...options });
  try {
    const conn = await connect(connectionOptionsFromEnv({ address: emulator.address, ...flags }, env));
    return {
      emulator,
      conn,
      close: async () => {
        await conn.close();
        await emulator.stop();
      },
    };
  } catch (error) {
    await emulator.stop();
    throw error;
  }
}

/** A bare SDK client, for setting up state the way another tool or person would. */
export function rawClient(address: string, token = ROOT_TOKEN, database = 'default'): MilvusClient {
  return new MilvusClient({ channelOptions: { 'grpc.use_local_subchannel_pool': 1 }, address, token, database, logLevel: 'error', __SKIP_CONNECT__: true, telemetry: { enabled: false } });
}
