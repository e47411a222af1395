import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * A loopback address nothing listens on: a port the OS just gave out, closed again. A server
 * that is down, for tests; never any other address.
 */
export async function closedLoopbackAddress(): Promise<string> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = `127.0.0.1:${(probe.address() as AddressInfo).port}`;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return address;
}
