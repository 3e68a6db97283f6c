import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Server } from 'node:https';
import { Readable } from 'node:stream';
import { type Container, CosmosClient, type CosmosClientOptions } from '@azure/cosmos';
import { createHttpsServer } from '@vercel/cosmosdb-server';
import { cosmosClientOptions } from '../../local/services/cosmosClientOptions';
import { COSMOS_EMULATOR_KEY } from '../../local/services/cosmosEmulatorKey';

/** An answer the server gives one bulk operation instead of executing it. */
export interface OperationFault {
  status: number;
  /** How many times (then the operation runs); every time when absent. */
  times?: number;
}

type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * The local Cosmos server (@vercel/cosmosdb-server) in this process, with a forecasts container partitioned by
 * /site. Bulk operations for a site in `faults` are answered with the fault's status instead of being executed, as
 * Cosmos DB answers an operation it refuses or throttles inside a bulk request; all others run on the real server.
 */
export class FaultyCosmosServer {
  private constructor(
    private readonly server: Server,
    private readonly client: CosmosClient,
    readonly container: Container,
    /** Faults by the site of the operation's document. */
    readonly faults: Map<string, OperationFault>,
    private readonly counts: { bulk: number },
  ) {}

  /** Bulk (batch) requests received. */
  get bulkRequests(): number {
    return this.counts.bulk;
  }
  set bulkRequests(n: number) {
    this.counts.bulk = n;
  }

  static async start(clientOptions: Partial<CosmosClientOptions> = {}): Promise<FaultyCosmosServer> {
    const server = createHttpsServer({ keepAlive: true });
    const handlers = server.listeners('request') as RequestListener[];
    server.removeAllListeners('request');
    const faults = new Map<string, OperationFault>();
    const counts = { bulk: 0 };
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      if (String(req.headers['x-ms-cosmos-is-batch-request']).toLowerCase() !== 'true')
        return handlers.forEach((h) => h(req, res));
      counts.bulk++;
      void answerBulk(req, res, handlers, faults);
    });
    const port = await new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        resolve(typeof address === 'object' && address !== null ? address.port : 0);
      });
    });
    const options = cosmosClientOptions(`https://127.0.0.1:${port}/`, COSMOS_EMULATOR_KEY);
    const client = new CosmosClient({
      ...options,
      ...clientOptions,
      connectionPolicy: { ...options.connectionPolicy, ...clientOptions.connectionPolicy },
    });
    const { database } = await client.databases.createIfNotExists({ id: 'forecasting' });
    const { container } = await database.containers.createIfNotExists({
      id: 'forecasts',
      partitionKey: { paths: ['/site'] },
    });
    return new FaultyCosmosServer(server, client, container, faults, counts);
  }

  /** Stops the server; the client stays, as an app's does through an outage. */
  async closeServer(): Promise<void> {
    if (!this.server.listening) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  async stop(): Promise<void> {
    await this.closeServer();
    this.client.dispose();
  }
}

/** Answers the faulted operations itself and hands the rest, in a request of their own, to the server. */
async function answerBulk(
  req: IncomingMessage,
  res: ServerResponse,
  handlers: RequestListener[],
  faults: Map<string, OperationFault>,
): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const operations = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { resourceBody?: { site?: string } }[];
  const answers = new Map<number, { statusCode: number; requestCharge: number; retryAfterMilliseconds?: number }>();
  operations.forEach((op, i) => {
    const fault = faults.get(op.resourceBody?.site ?? '');
    if (!fault || fault.times === 0) return;
    if (fault.times !== undefined) fault.times--;
    answers.set(i, {
      statusCode: fault.status,
      requestCharge: 0,
      ...(fault.status === 429 ? { retryAfterMilliseconds: 1 } : {}),
    });
  });
  const passed = operations.filter((_, i) => !answers.has(i));
  const body = Buffer.from(JSON.stringify(passed));
  const forwarded = Object.assign(Readable.from([body]), {
    url: req.url,
    method: req.method,
    headers: { ...req.headers, 'content-length': String(body.length) },
  }) as unknown as IncomingMessage;
  const end = res.end.bind(res) as (chunk: string) => ServerResponse;
  (res as { end: unknown }).end = (chunk: string): ServerResponse => {
    const results = JSON.parse(chunk) as unknown[];
    if (!Array.isArray(results)) return end(chunk);
    const merged = operations.map((_, i) => answers.get(i) ?? results.shift());
    return end(JSON.stringify(merged));
  };
  handlers.forEach((h) => h(forwarded, res));
}
