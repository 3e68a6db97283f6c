import { createServer } from 'node:net';

/**
 * Asks the OS for a free TCP port on `host`. Another process may take it before the caller binds it,
 * so prefer letting the service bind port 0 itself when it can report the port back.
 */
export function findFreePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error(`could not read a free port on ${host}`))));
    });
  });
}
