import { createHash } from 'node:crypto';
import type { Forecast } from '../forecast/Forecast';
import { forecastJson } from '../forecast/forecastJson';
import type { RunHealth } from '../sources/runHealth';
import { type BlobStore, CONTAINERS } from '../storage/BlobStore';
import type { ParsedBlobCache } from '../storage/ParsedBlobCache';

/** One observed value of the forecast target, as predict had it at an issue slot. */
export interface SummaryActual {
  observedAt: string;
  availableAt: string;
  value: number;
}

/** A source at a site as predict judged it at the slot: what health shows in its sources table. */
export interface SummarySource {
  source: string;
  newestObservedAt: string | null;
  newestAvailableAt: string | null;
  ageMinutes: number | null;
  fresh: boolean;
  reason?: string;
  stalenessLimit: { minutes: number; basis: string; samples: number };
  /** Forecast sources: the newest run available at the slot, or null when there is none. */
  run?: RunHealth | null;
}

/** What the dashboard shows of one site, as of predict's last run. */
export interface SiteSummary {
  site: string;
  /** The issue slot these facts are as of. */
  issueTime: string;
  /** The newest forecast (an earlier slot's when this one made none), or null before the first. */
  latest: Forecast | null;
  /** Why the slot made no forecast, when it made none. */
  skipped?: string;
  /** The model the slot used (null when none could run). */
  serving: { model: string | null; version: string | null; sources: string[] };
  /** Each source's newest observation at the slot, its age, limit and freshness. */
  sources: SummarySource[];
  /** The target's values observed in the last {@link SUMMARY_ACTUAL_HOURS} before the slot and available at it, oldest first. */
  actuals: SummaryActual[];
}

/** One shard of the summary: the sites whose name hashes to it. */
export interface ForecastSummary {
  version: 1;
  /** When predict wrote it. */
  writtenAt: string;
  /** The run's issue slot. */
  issueTime: string;
  /** Whether Cosmos DB took this run's forecasts (false: they wait in Blob Storage as pending). */
  forecastStoreOk: boolean;
  shard: number;
  shards: number;
  sites: Record<string, SiteSummary>;
}

/** Hours of the target's values a site's summary keeps: a refresh that missed a few slots still finds every value. */
export const SUMMARY_ACTUAL_HOURS = 2;

/** Sites per shard before the summary is split further: about 3.5 KB a site, so a shard stays under about 2 MB. */
const SITES_PER_SHARD = 500;
/** At most this many shards, so a run writes a few blobs however many sites there are. */
const MAX_SHARDS = 16;

/** How many shards the summary of `siteCount` sites has: 1 up to 500 sites, a power of two up to 16 beyond. */
export function summaryShards(siteCount: number): number {
  let shards = 1;
  while (shards < MAX_SHARDS && shards * SITES_PER_SHARD < siteCount) shards *= 2;
  return shards;
}

/** The shard a site's summary is in: a stable hash of its id, so it moves only when the shard count does. */
export function summaryShardOf(site: string, shards: number): number {
  let hash = siteHashes.get(site);
  if (hash === undefined) {
    hash = createHash('sha256').update(site).digest().readUInt32BE(0);
    // Bounded: a process serves one configuration's sites; the hash is the same whenever it is made again.
    if (siteHashes.size >= MAX_SITE_HASHES) siteHashes.clear();
    siteHashes.set(site, hash);
  }
  return hash % shards;
}

/** Each site's hash, made once per process: every predict run and dashboard call places every site. */
const siteHashes = new Map<string, number>();
const MAX_SITE_HASHES = 250_000;

/**
 * The dashboard's summary in Blob Storage (`forecasts/summary/<shards>/<shard>.json`), written once per predict run
 * and read by the dashboard's one call per refresh, instead of Cosmos DB queries and observation listings. The shard
 * count is in the name, so a reader with another site count never misreads a shard: it finds none and falls back.
 */
export class ForecastSummaryStore {
  constructor(
    private readonly blobs: BlobStore,
    /** What this process last wrote and read, so a shard it finds unchanged is not parsed again. */
    private readonly cache?: ParsedBlobCache,
  ) {}

  /** The shard holding `site` among `siteCount` sites, with its ETag, or undefined before predict wrote one. */
  async readFor(site: string, siteCount: number): Promise<{ summary: ForecastSummary; etag: string } | undefined> {
    const shards = summaryShards(siteCount);
    return this.read(summaryShardOf(site, shards), shards);
  }

  async read(shard: number, shards: number): Promise<{ summary: ForecastSummary; etag: string } | undefined> {
    const name = summaryName(shard, shards);
    const blob = await this.blobs.get(CONTAINERS.forecasts, name);
    if (!blob) return undefined;
    const parse = (): ForecastSummary | undefined => {
      try {
        const summary = JSON.parse(blob.body.toString('utf8')) as ForecastSummary;
        return summary?.version === 1 && typeof summary.sites === 'object' ? summary : undefined;
      } catch {
        // A torn or foreign blob is no summary: the next run overwrites it, readers fall back meanwhile.
        return undefined;
      }
    };
    const summary = this.cache ? this.cache.parsed(CONTAINERS.forecasts, name, blob.etag, parse) : parse();
    return summary ? { summary, etag: blob.etag } : undefined;
  }

  /**
   * Writes a shard: with `ifMatch` only over the version read (BlobConflictError otherwise), without it only if there
   * is none yet (false when another writer made one first: read it and merge again).
   */
  async write(summary: ForecastSummary, ifMatch?: string): Promise<boolean> {
    const name = summaryName(summary.shard, summary.shards);
    const body = summaryJson(summary);
    const options = { contentType: 'application/json' };
    if (ifMatch) {
      const etag = await this.blobs.put(CONTAINERS.forecasts, name, body, { ...options, ifMatch });
      this.cache?.remember(CONTAINERS.forecasts, name, etag, summary);
      return true;
    }
    if (await this.blobs.putIfAbsent(CONTAINERS.forecasts, name, body, options)) return true;
    // A blob is there that read() did not take (torn or foreign): no summary to merge with, so it is replaced.
    if ((await this.read(summary.shard, summary.shards)) !== undefined) return false;
    await this.blobs.put(CONTAINERS.forecasts, name, body, options);
    return true;
  }
}

/**
 * `JSON.stringify(summary)`, with each site's newest forecast spliced in from forecastJson (serialized once for the
 * run: the latest copy's shard holds it too). A site's keys are in SiteSummary's order, as siteSummary writes them.
 */
export function summaryJson(summary: ForecastSummary): string {
  const { sites, ...head } = summary;
  const parts: string[] = [];
  for (const id of Object.keys(sites)) {
    const { site, issueTime, latest, ...rest } = sites[id] as SiteSummary;
    const tail = JSON.stringify(rest);
    parts.push(
      `${JSON.stringify(id)}:{"site":${JSON.stringify(site)},"issueTime":${JSON.stringify(issueTime)},"latest":${
        latest === null ? 'null' : forecastJson(latest)
      }${tail === '{}' ? '}' : `,${tail.slice(1)}`}`,
    );
  }
  const front = JSON.stringify(head);
  return `${front.slice(0, -1)},"sites":{${parts.join(',')}}}`;
}

function summaryName(shard: number, shards: number): string {
  return `summary/${shards}/${shard}.json`;
}
