import type { Container } from '@azure/cosmos';
import type { Forecast } from './Forecast';
import { type ForecastStore, ForecastStoreUnavailableError } from './ForecastStore';

const SYSTEM_PROPS = ['_rid', '_self', '_etag', '_attachments', '_ts', '_lsn'] as const;

/** Forecasts in a Cosmos DB container partitioned by /site. */
export class CosmosForecastStore implements ForecastStore {
  constructor(private readonly container: Container) {}

  async upsert(forecast: Forecast): Promise<void> {
    await this.call('write a forecast', () => this.container.items.upsert(forecast));
  }

  async latest(site: string): Promise<Forecast | undefined> {
    const { resources } = await this.call('read the latest forecast', () =>
      this.container.items
        .query<Forecast>(
          { query: 'SELECT TOP 1 * FROM c WHERE c.site = @site ORDER BY c.issueTime DESC', parameters: [{ name: '@site', value: site }] },
          { partitionKey: site },
        )
        .fetchAll(),
    );
    const first = resources[0];
    return first ? strip(first) : undefined;
  }

  async range(site: string, from: Date, to: Date): Promise<Forecast[]> {
    const { resources } = await this.call('read forecasts', () =>
      this.container.items
        .query<Forecast>(
          {
            query: 'SELECT * FROM c WHERE c.site = @site AND c.issueTime >= @from AND c.issueTime <= @to ORDER BY c.issueTime ASC',
            parameters: [
              { name: '@site', value: site },
              { name: '@from', value: from.toISOString() },
              { name: '@to', value: to.toISOString() },
            ],
          },
          { partitionKey: site },
        )
        .fetchAll(),
    );
    return resources.map(strip);
  }

  private async call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      const status = (err as { code?: unknown; statusCode?: unknown }).statusCode ?? (err as { code?: unknown }).code;
      const message = (err as Error).message ?? String(err);
      if (typeof status === 'number' && status < 500 && status !== 408 && status !== 429) {
        throw new Error(`Cosmos DB refused to ${what} (HTTP ${status}): ${message}`);
      }
      throw new ForecastStoreUnavailableError(`Cosmos DB could not ${what}: ${message}`, err);
    }
  }
}

function strip(doc: Forecast): Forecast {
  const copy = { ...doc } as Record<string, unknown>;
  for (const p of SYSTEM_PROPS) delete copy[p];
  return copy as unknown as Forecast;
}
