import { createServer } from 'node:net';
import { ServiceError } from './ServiceError';

/** Fails with PORT_IN_USE, naming the port and the service, when `port` on `host` is already bound. */
export function assertPortFree(port: number, host: string, service: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE' || err.code === 'EACCES') {
        reject(portInUse(port, host, service, err));
      } else {
        reject(err);
      }
    });
    server.listen(port, host, () => server.close(() => resolve()));
  });
}

/** The error for a port another process holds, shared with the start-up failure paths. */
export function portInUse(port: number, host: string, service: string, cause?: unknown): ServiceError {
  return new ServiceError(
    'PORT_IN_USE',
    `cannot start ${service}: port ${port} on ${host} is already in use by another process ` +
      `(stop it, or pass port 0 to pick a free port)`,
    { cause },
  );
}
