import type { SourceConfig } from '../config/ForecastConfig';
import type { ProviderClient } from '../sources/ProviderClient';
import { ObservationStore, observationBlobName, observationMetadata } from '../sources/ObservationStore';
import { type BlobStore, CONTAINERS } from '../storage/BlobStore';
import type { Clock } from '../time/Clock';
import { mapLimit } from '../util/mapLimit';
import { detectImageType } from './detectImageType';
import { Quarantine } from './Quarantine';
import { type ValidItem, validateItem } from './validateItem';
import { WatermarkStore } from './WatermarkStore';

export interface IngestDeps {
  blobs: BlobStore;
  clock: Clock;
  provider: ProviderClient;
}

export interface IngestOptions {
  /** Where to start when the source has no watermark yet; default: now - source.initialLookbackHours. */
  initialSince?: Date;
  /** Stop after this many pages; the next run continues from the watermark. */
  maxPages?: number;
  /** Stop starting new pages after this many real milliseconds (stay inside the function timeout). */
  budgetMs?: number;
  /** Uploads in flight at once. */
  concurrency?: number;
  /** Called after each page (progress bars). */
  onPage?: (progress: IngestResult) => void;
}

export const DEFAULT_INGEST_OPTIONS = {
  maxPages: 1000,
  budgetMs: 4 * 60_000,
  concurrency: 16,
} as const;

export interface IngestResult {
  source: string;
  pages: number;
  received: number;
  stored: number;
  duplicates: number;
  quarantined: number;
  /** Cursor the run started from and ended at. */
  from: string;
  to: string;
  /** True when the provider had nothing more to give. */
  caughtUp: boolean;
}

/**
 * Reads a provider from its watermark and stores every record once: sensor values as JSON in raw/, pictures in
 * images/ (the preprocessor turns them into features), rejects in quarantine/ with the reason. availableAt is the
 * time of storing. The watermark advances only after a page is stored, so a failed run repeats work, never loses it.
 */
export async function ingestSource(source: SourceConfig, siteIds: ReadonlySet<string>, deps: IngestDeps, options: IngestOptions = {}): Promise<IngestResult> {
  const { maxPages, budgetMs, concurrency } = { ...DEFAULT_INGEST_OPTIONS, ...options };
  const watermarks = new WatermarkStore(deps.blobs);
  const observations = new ObservationStore(deps.blobs);
  const quarantine = new Quarantine(deps.blobs);
  const started = performance.now();

  const current = await watermarks.read(source.id);
  let etag = current?.etag;
  let since = current
    ? new Date(current.watermark.since)
    : (options.initialSince ?? new Date(deps.clock.now().getTime() - source.initialLookbackHours * 3_600_000));
  const result: IngestResult = {
    source: source.id,
    pages: 0,
    received: 0,
    stored: 0,
    duplicates: 0,
    quarantined: 0,
    from: since.toISOString(),
    to: since.toISOString(),
    caughtUp: false,
  };

  while (result.pages < maxPages && performance.now() - started < budgetMs) {
    const page = await deps.provider.page(since);
    result.pages++;
    result.received += page.items.length;
    const now = deps.clock.now();
    const outcomes = await mapLimit(page.items, concurrency, async (raw) => {
      const checked = validateItem(raw, source, siteIds, now);
      if (!checked.ok) {
        await quarantine.put({ source: source.id, reason: checked.reason, receivedAt: now.toISOString(), record: raw });
        return 'quarantined' as const;
      }
      return source.kind === 'sensor'
        ? storeSensor(source, checked.item, observations, deps.clock)
        : storeImage(source, checked.item, deps, quarantine);
    });
    for (const outcome of outcomes) result[outcome]++;

    const next = page.next ?? latestPublished(page.items);
    if (next !== undefined && next > since.toISOString()) {
      since = new Date(next);
      etag = await watermarks.write(source.id, { since: since.toISOString(), updatedAt: deps.clock.now().toISOString() }, etag);
      result.to = since.toISOString();
    }
    options.onPage?.(result);
    if (page.next === null) {
      result.caughtUp = true;
      break;
    }
  }
  return result;
}

async function storeSensor(source: SourceConfig, item: ValidItem, observations: ObservationStore, clock: Clock): Promise<'stored' | 'duplicates'> {
  const stored = await observations.putIfAbsent(CONTAINERS.raw, {
    source: source.id,
    site: item.site,
    observedAt: item.observedAt,
    availableAt: clock.now().toISOString(),
    ...(item.publishedAt ? { publishedAt: item.publishedAt } : {}),
    values: item.values ?? {},
  });
  return stored ? 'stored' : 'duplicates';
}

async function storeImage(source: SourceConfig, item: ValidItem, deps: IngestDeps, quarantine: Quarantine): Promise<'stored' | 'duplicates' | 'quarantined'> {
  const { bytes, contentType } = await deps.provider.image(item.imageUrl ?? '');
  const receivedAt = deps.clock.now().toISOString();
  const type = detectImageType(bytes);
  const problem =
    bytes.length === 0
      ? 'image is empty (0 bytes)'
      : bytes.length > source.maxImageBytes
        ? `image is ${bytes.length} bytes, more than maxImageBytes ${source.maxImageBytes}`
        : type === undefined
          ? `image bytes are not PNG or JPEG (content-type ${JSON.stringify(contentType)})`
          : undefined;
  if (problem) {
    await quarantine.put({ source: source.id, reason: problem, receivedAt, record: item }, bytes.subarray(0, source.maxImageBytes));
    return 'quarantined';
  }
  const stored = await deps.blobs.putIfAbsent(CONTAINERS.images, observationBlobName(source.id, item.site, item.observedAt, type), bytes, {
    contentType: `image/${type}`,
    metadata: observationMetadata({ source: source.id, site: item.site, observedAt: item.observedAt, availableAt: receivedAt, publishedAt: item.publishedAt }),
  });
  return stored ? 'stored' : 'duplicates';
}

function latestPublished(items: readonly unknown[]): string | undefined {
  let latest: string | undefined;
  for (const item of items) {
    const p = (item as { publishedAt?: unknown } | null)?.publishedAt;
    if (typeof p === 'string' && !Number.isNaN(Date.parse(p))) {
      const iso = new Date(p).toISOString();
      if (!latest || iso > latest) latest = iso;
    }
  }
  return latest;
}
