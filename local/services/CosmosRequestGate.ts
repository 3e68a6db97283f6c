import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Server } from 'node:https';

/** Header the snapshot client sends so its requests pass the gate while it is shut. */
export const INTERNAL_REQUEST_HEADER = 'x-local-cosmos-internal';

type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * Sits in front of the Cosmos server's request handler. Outside requests wait while the snapshot is being
 * restored (so a client retrying through a restart never sees half the data), get 503 while shutting down,
 * and any write marks the data dirty so idle periods write no snapshots.
 */
export class CosmosRequestGate {
  private phase: 'restoring' | 'open' | 'closing' = 'restoring';
  private readonly held: Array<() => void> = [];
  private dirty = false;

  constructor(server: Server) {
    // createHttpsServer registers its handler itself; take it over so every request passes through here.
    const handlers = server.listeners('request') as RequestListener[];
    server.removeAllListeners('request');
    server.on('request', (req: IncomingMessage, res: ServerResponse) => this.route(req, res, handlers));
  }

  /** Lets outside requests through, including those held during the restore. */
  open(): void {
    this.phase = 'open';
    this.release();
  }

  /** Refuses outside requests from now on (held ones included); internal ones still pass. */
  close(): void {
    this.phase = 'closing';
    this.release();
  }

  /** True if a write happened since the last call; clears the flag. */
  takeDirty(): boolean {
    const dirty = this.dirty;
    this.dirty = false;
    return dirty;
  }

  /** Puts the flag back after a snapshot that failed. */
  markDirty(): void {
    this.dirty = true;
  }

  private route(req: IncomingMessage, res: ServerResponse, handlers: RequestListener[]): void {
    const pass = (): void => {
      if (isWrite(req)) res.once('finish', () => (this.dirty = true));
      for (const handler of handlers) handler(req, res);
    };
    if (req.headers[INTERNAL_REQUEST_HEADER] !== undefined) return pass();
    if (this.phase === 'open') return pass();
    if (this.phase === 'restoring') {
      this.held.push(() => this.route(req, res, handlers));
      return;
    }
    res.statusCode = 503;
    res.setHeader('content-type', 'application/json');
    res.setHeader('connection', 'close');
    res.end(JSON.stringify({ code: 'ServiceUnavailable', message: 'the local Cosmos server is shutting down' }));
  }

  private release(): void {
    for (const resume of this.held.splice(0)) resume();
  }
}

/** Anything but a read or a query may change data; the flag errs on the side of one snapshot too many. */
function isWrite(req: IncomingMessage): boolean {
  if (req.method === 'GET' || req.method === 'HEAD') return false;
  const isQuery =
    req.headers['x-ms-documentdb-isquery'] === 'true' || req.headers['content-type'] === 'application/query+json';
  return !(req.method === 'POST' && isQuery);
}
