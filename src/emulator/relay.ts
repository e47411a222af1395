import net from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * A TCP relay in front of the gRPC server. Clients connect to the relay; it forwards bytes to
 * the gRPC server on a private loopback port. It exists so a fault can drop every client
 * connection at once, the way a crashed or restarted Milvus would: grpc-js gives a handler no
 * handle on its connection.
 */
export class Relay {
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();

  private constructor(server: net.Server) {
    this.server = server;
  }

  static async start(host: string, port: number, upstreamPort: number): Promise<Relay> {
    const server = net.createServer();
    const relay = new Relay(server);
    server.on('connection', (client) => relay.accept(client, upstreamPort));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    return relay;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  private accept(client: net.Socket, upstreamPort: number): void {
    const upstream = net.connect(upstreamPort, '127.0.0.1');
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    this.sockets.add(client);
    this.sockets.add(upstream);
    const close = (): void => {
      client.destroy();
      upstream.destroy();
      this.sockets.delete(client);
      this.sockets.delete(upstream);
    };
    client.on('error', close).on('close', close);
    upstream.on('error', close).on('close', close);
    client.pipe(upstream);
    upstream.pipe(client);
  }

  /** Cuts every open connection; clients see the connection reset and reconnect on their next call. */
  dropAll(): void {
    for (const socket of [...this.sockets]) socket.destroy();
    this.sockets.clear();
  }

  async close(): Promise<void> {
    this.dropAll();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
