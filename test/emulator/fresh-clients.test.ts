import { Worker } from 'node:worker_threads';
import { credentials, makeGenericClientConstructor, Metadata } from '@grpc/grpc-js';
import { MilvusClient } from '@zilliz/milvus2-sdk-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '../../src/emulator/index.js';
import { milvusServiceDefinition } from '../../src/emulator/proto.js';
import { clientConfig, connect, newClientChannelOptions } from '../../src/milvus/connection.js';
import { connectionOptionsFromEnv } from '../../src/milvus/connection-settings.js';

/**
 * The emulator is boringly reliable for fresh clients, and the tool's connections no longer
 * retry their first call. The failure once seen under load ("No connection established. Last
 * error: null" on a just-started emulator) was grpc-js sharing subchannels between all channels
 * of a process: a subchannel left in reconnect back-off by a client of an earlier server on the
 * same port failed the new channel at once. Each client of the tool now keys its own subchannels.
 */

const options = (address: string) => connectionOptionsFromEnv({ address }, { MILVUS_TOKEN: 'root:Milvus' });

describe('a port used again by a new server', () => {
  it('is reached on the first call by a client made with the tool\'s settings, while a stale client of the old server is open', async () => {
    for (let round = 0; round < 5; round++) {
      const before = await startEmulator({ port: 0 });
      const stale = new MilvusClient({ ...clientConfig(options(before.address)), maxRetries: 0 });
      await stale.getVersion();
      await before.stop();
      await stale.getVersion().catch(() => undefined);
      const after = await startEmulator({ port: before.port });
      const fresh = new MilvusClient({ ...clientConfig(options(after.address)), maxRetries: 0 });
      try {
        expect((await fresh.getVersion()).version).toBe(after.version);
      } finally {
        await fresh.closeConnection();
        await stale.closeConnection();
        await after.stop();
      }
    }
  });
});

describe('hundreds of fresh connections to just-started emulators on a busy machine', () => {
  const spinners: Worker[] = [];
  beforeAll(() => {
    // Two threads spinning: the machine has two cores and both are taken.
    for (let i = 0; i < 2; i++) spinners.push(new Worker('const end = Date.now() + 120000; while (Date.now() < end) {}', { eval: true }));
  });
  afterAll(async () => {
    await Promise.all(spinners.map((w) => w.terminate()));
  });

  it('all answer their first call, with no retry: raw gRPC clients on the tool\'s channel settings, and the tool\'s own connections', async () => {
    // A MilvusClient parses Milvus's protos when made (about 0.1 s), so the hundreds are plain
    // gRPC clients of the same service, each with its own channel and the tool's channel options
    // (its own subchannels too); a few are the tool's own connections.
    const Client = makeGenericClientConstructor(milvusServiceDefinition(), 'MilvusService');
    const rounds = 6;
    const raw = 60;
    const tool = 4;
    let answered = 0;
    for (let round = 0; round < rounds; round++) {
      const emulator = await startEmulator({ port: 0 });
      const clients = Array.from({ length: raw }, () => new Client(emulator.address, credentials.createInsecure(), newClientChannelOptions()));
      try {
        const metadata = new Metadata();
        metadata.set('authorization', Buffer.from('root:Milvus').toString('base64'));
        const versions = await Promise.all(
          clients.map(
            (c) =>
              new Promise<string>((resolve, reject) => {
                const getVersion = Reflect.get(c, 'GetVersion') as (r: object, m: Metadata, o: object, cb: (e: Error | null, v?: { version?: string }) => void) => void;
                getVersion.call(c, {}, metadata, { deadline: Date.now() + 20_000 }, (error, value) => (error ? reject(error) : resolve(value?.version ?? '')));
              }),
          ),
        );
        const conns = await Promise.all(Array.from({ length: tool }, () => connect(options(emulator.address))));
        await Promise.all(conns.map((c) => c.close()));
        answered += versions.filter((v) => v === emulator.version).length + conns.length;
        // One GetVersion per client: nothing was tried twice.
        expect(emulator.faults.callCount('GetVersion')).toBe(raw + tool);
      } finally {
        for (const c of clients) c.close();
        await emulator.stop();
      }
    }
    expect(answered).toBe(rounds * (raw + tool));
  }, 120_000);
});
