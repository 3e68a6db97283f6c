import { type BlobStore, BlobConflictError, CONTAINERS } from '../storage/BlobStore';
import { hash32 } from '../util/hash32';
import { mapLimit } from '../util/mapLimit';
import type { Forecast } from './Forecast';
import { forecastsJson } from './forecastJson';
import { compareText } from '../util/compareText';
import type { ParsedBlobCache } from '../storage/ParsedBlobCache';

/**
 * Forecasts in Blob Storage beside Cosmos DB: the latest per site (what /api/forecast serves when Cosmos DB is
 * down), and the ones Cosmos DB has not accepted yet, kept as pending until it answers again. A run writes a few
 * blobs, not one per site: the latest forecasts in shards by a hash of the site (`latest/<shards>/<shard>.json`),
 * the pending ones in one blob per issue slot (`pending/<issueTime>.json`). The per-site blobs of earlier
 * deployments (`<site>/latest.json`, `pending/<site>/<issueTime>.json`) are still read.
 */
export class ForecastBlobCopy {
  private readonly shards: number;

  /** `siteCount`: the configured sites, which set the number of shards (readers and writers must agree). */
  constructor(
    private readonly blobs: BlobStore,
    siteCount: number,
    /** What this process last wrote and read, so a shard it finds unchanged is not parsed again. */
    private readonly cache?: ParsedBlobCache,
  ) {
    this.shards = latestShardCount(siteCount);
  }

  /**
   * Writes the forecasts into their sites' shards, one read and one conditional write per shard touched. A site
   * keeps the newer issue time (a rerun of an older slot never overwrites a newer latest); other sites stay.
   */
  async putLatest(forecasts: readonly Forecast[]): Promise<void> {
    const byShard = new Map<number, Forecast[]>();
    for (const f of forecasts) {
      const shard = shardOf(f.site, this.shards);
      const group = byShard.get(shard);
      if (group) group.push(f);
      else byShard.set(shard, [f]);
    }
    await mapLimit([...byShard], SHARD_CONCURRENCY, ([shard, fresh]) =>
      this.merge(latestName(this.shards, shard), KEEP_PARSED, async (current) => {
        const kept = current ?? (await this.seed(shard, fresh));
        const bySite = new Map(kept.map((f) => [f.site, f]));
        for (const f of fresh) {
          const old = bySite.get(f.site);
          if (!old || old.issueTime <= f.issueTime) bySite.set(f.site, f);
        }
        return [...bySite.values()].sort((a, b) => compareText(a.site, b.site));
      }),
    );
  }

  /** The site's latest copy: from its shard, or from the per-site blob of an earlier deployment. */
  async latest(site: string): Promise<Forecast | undefined> {
    const shard = await this.read(latestName(this.shards, shardOf(site, this.shards)));
    return shard?.forecasts.find((f) => f.site === site) ?? (await this.legacyLatest(site));
  }

  /** Keeps forecasts Cosmos DB did not take, to be written when it is back: one blob per issue slot. */
  async putPending(forecasts: readonly Forecast[]): Promise<void> {
    const bySlot = new Map<string, Forecast[]>();
    for (const f of forecasts) {
      const group = bySlot.get(f.issueTime);
      if (group) group.push(f);
      else bySlot.set(f.issueTime, [f]);
    }
    for (const [issueTime, fresh] of bySlot) {
      await this.merge(pendingName(issueTime), !KEEP_PARSED, async (current) => {
        const byId = new Map((current ?? []).map((f) => [f.id, f]));
        for (const f of fresh) byId.set(f.id, f);
        return [...byId.values()];
      });
    }
  }

  /** Every pending blob with its forecasts and ETag: one slot's (this layout) or one forecast (the per-site layout). */
  async *pending(): AsyncIterable<{ name: string; forecasts: Forecast[]; etag: string }> {
    for await (const item of this.blobs.list(CONTAINERS.forecasts, 'pending/')) {
      const blob = await this.read(item.name);
      if (blob) yield { name: item.name, forecasts: blob.forecasts, etag: blob.etag };
    }
  }

  /**
   * Deletes a pending blob once its forecasts are written, only as it was read: a predict shard that added to it
   * meanwhile keeps it (false), and a later run writes it again (rewriting a forecast is harmless).
   */
  async clearPending(name: string, etag?: string): Promise<boolean> {
    try {
      await this.blobs.delete(CONTAINERS.forecasts, name, etag ? { ifMatch: etag } : {});
      return true;
    } catch (err) {
      if (err instanceof BlobConflictError) return false;
      throw err;
    }
  }

  /**
   * The forecasts a blob holds, with its ETag; a per-site blob of an earlier deployment holds one forecast. Only the
   * latest-copy shards go through the parse cache: pending blobs are read once and deleted, and after a long outage
   * they are many and large (memory must stay bounded while they are flushed).
   */
  private async read(name: string, keepParsed = false): Promise<{ forecasts: Forecast[]; etag: string } | undefined> {
    const blob = await this.blobs.get(CONTAINERS.forecasts, name);
    if (!blob) return undefined;
    const parse = (): Forecast[] => {
      const body = JSON.parse(blob.body.toString('utf8')) as ForecastsBlob | Forecast;
      return 'forecasts' in body ? body.forecasts : [body];
    };
    const forecasts =
      this.cache && keepParsed ? this.cache.parsed(CONTAINERS.forecasts, name, blob.etag, parse) : parse();
    return { forecasts, etag: blob.etag };
  }

  /** Read, change, write only if nobody wrote in between (two runs may overlap); retried on a lost race. */
  private async merge(
    name: string,
    keepParsed: boolean,
    change: (current: Forecast[] | undefined) => Promise<Forecast[]>,
  ): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const current = await this.read(name, keepParsed);
      // As JSON.stringify({ forecasts }) writes it, each forecast serialized once for the run (the summary has it too).
      const forecasts = await change(current?.forecasts);
      const body = forecastsJson(forecasts);
      const options = { contentType: 'application/json' };
      try {
        if (current) {
          const etag = await this.blobs.put(CONTAINERS.forecasts, name, body, { ...options, ifMatch: current.etag });
          if (keepParsed) this.cache?.remember(CONTAINERS.forecasts, name, etag, forecasts);
          return;
        }
        if (await this.blobs.putIfAbsent(CONTAINERS.forecasts, name, body, options)) return;
      } catch (err) {
        if (!(err instanceof BlobConflictError) || attempt >= MERGE_ATTEMPTS) throw err;
        continue;
      }
      if (attempt >= MERGE_ATTEMPTS) throw new BlobConflictError(CONTAINERS.forecasts, name);
    }
  }

  /**
   * What a new shard starts from, so no site's newer copy is lost: the shard that held its sites when there were
   * fewer shards (half as many, a quarter, ...), or, before any shard, the per-site blobs of the sites written now.
   */
  private async seed(shard: number, fresh: readonly Forecast[]): Promise<Forecast[]> {
    for (let fewer = this.shards / 2; fewer >= 1; fewer /= 2) {
      const parent = await this.read(latestName(fewer, shard % fewer));
      if (parent) return parent.forecasts.filter((f) => shardOf(f.site, this.shards) === shard);
    }
    const legacy = await mapLimit(fresh, LEGACY_CONCURRENCY, (f) => this.legacyLatest(f.site));
    return legacy.filter((f): f is Forecast => f !== undefined);
  }

  private async legacyLatest(site: string): Promise<Forecast | undefined> {
    const blob = await this.blobs.get(CONTAINERS.forecasts, `${site}/latest.json`);
    return blob ? (JSON.parse(blob.body.toString('utf8')) as Forecast) : undefined;
  }
}

/**
 * Shards of the latest copy for a number of sites: a power of two, so that each has at most SITES_PER_SHARD sites
 * on average (a few MB) and a site's shard under twice as many is its old one or a new one.
 */
export function latestShardCount(siteCount: number): number {
  let shards = 1;
  while (shards * SITES_PER_SHARD < siteCount) shards *= 2;
  return shards;
}

/** Forecasts of about 2-3 KB each: a shard stays within a few MB. */
const SITES_PER_SHARD = 1000;
const SHARD_CONCURRENCY = 8;
/** Reads of the per-site blobs an earlier deployment left, once, when the first shard is made. */
const LEGACY_CONCURRENCY = 16;
const MERGE_ATTEMPTS = 5;
/** A latest-copy shard is kept parsed for the next run's merge (see read). */
const KEEP_PARSED = true;

interface ForecastsBlob {
  forecasts: Forecast[];
}

function shardOf(site: string, shards: number): number {
  return hash32([site]) % shards;
}

function latestName(shards: number, shard: number): string {
  return `latest/${shards}/${shard}.json`;
}

function pendingName(issueTime: string): string {
  return `pending/${issueTime}.json`;
}
