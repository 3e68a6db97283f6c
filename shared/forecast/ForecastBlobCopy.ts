import { type BlobStore, CONTAINERS } from '../storage/BlobStore';
import type { Forecast } from './Forecast';

/**
 * Forecasts in Blob Storage beside Cosmos DB: the latest per site (what /api/forecast serves when Cosmos DB is
 * down), and the ones Cosmos DB has not accepted yet, kept as pending until it answers again.
 */
export class ForecastBlobCopy {
  constructor(private readonly blobs: BlobStore) {}

  /** Writes the site's latest copy, unless a newer issue time is already there (reruns of older slots). */
  async putLatest(forecast: Forecast): Promise<void> {
    const current = await this.latest(forecast.site);
    if (current && current.issueTime > forecast.issueTime) return;
    await this.blobs.put(CONTAINERS.forecasts, latestName(forecast.site), JSON.stringify(forecast), {
      contentType: 'application/json',
    });
  }

  async latest(site: string): Promise<Forecast | undefined> {
    const blob = await this.blobs.get(CONTAINERS.forecasts, latestName(site));
    return blob ? (JSON.parse(blob.body.toString('utf8')) as Forecast) : undefined;
  }

  /** Keeps a forecast Cosmos DB did not take, to be written when it is back. */
  async putPending(forecast: Forecast): Promise<void> {
    await this.blobs.put(CONTAINERS.forecasts, pendingName(forecast), JSON.stringify(forecast), {
      contentType: 'application/json',
      metadata: { site: forecast.site },
    });
  }

  async *pending(): AsyncIterable<{ name: string; forecast: Forecast }> {
    for await (const item of this.blobs.list(CONTAINERS.forecasts, 'pending/')) {
      const blob = await this.blobs.get(CONTAINERS.forecasts, item.name);
      if (blob) yield { name: item.name, forecast: JSON.parse(blob.body.toString('utf8')) as Forecast };
    }
  }

  async clearPending(name: string): Promise<void> {
    await this.blobs.delete(CONTAINERS.forecasts, name);
  }
}

function latestName(site: string): string {
  return `${site}/latest.json`;
}

function pendingName(f: Forecast): string {
  return `pending/${f.site}/${f.issueTime}.json`;
}
