import type { SourceConfig } from '../config/ForecastConfig';
import { ObservationBatchReader } from '../sources/ObservationBatchReader';
import { observationContainer } from '../sources/ObservationStore';
import { type BlobStore, CONTAINERS } from '../storage/BlobStore';
import { mapLimit } from '../util/mapLimit';
import { DEFAULT_DELAY_MODEL_OPTIONS, type DelayModel, type DelayModelOptions } from '../features/DelayModel';
import { effectiveAvailableAt } from './effectiveAvailableAt';
import { learnDelayModel } from './learnDelayModel';
import type { StoredHistoryRecord } from './StoredHistoryRecord';
import { TrainingDataError } from './TrainingDataError';

const DAY_MS = 86_400_000;

export interface ReadHistoryOptions {
  /** Blob downloads in flight at once. */
  concurrency?: number;
  /** How records are classified live or backfilled, and the fallbacks. */
  delay?: Partial<DelayModelOptions>;
  /** Use this delay model instead of learning one from the window (e.g. one learned over a longer range). */
  delayModel?: DelayModel;
  /**
   * The batch layout's reader shared by every site of one training run, so each batch blob (every site's records) is
   * read once, not once per site; default: one for this call.
   */
  batches?: ObservationBatchReader;
}

export const DEFAULT_READ_HISTORY_OPTIONS = {
  concurrency: 16,
} as const;

/** A source's stored history at one site, with the delay model its effective availableAt came from. */
export interface SourceHistory {
  source: string;
  site: string;
  /** Sorted by observedAt, one per observedAt; availableAt is the effective one, recordedAvailableAt the stored one. */
  records: StoredHistoryRecord[];
  delayModel: DelayModel;
  /** Blobs that could not be read as an observation, with the reason (left where they are). */
  skipped: { name: string; reason: string }[];
}

interface Parsed {
  observedAt: number;
  availableAt: number;
  publishedAt?: number;
  backfilled?: boolean;
  values: Record<string, number>;
}

/**
 * Reads the stored observations of one source at one site observed in [from, to]: lists the UTC-day prefixes,
 * filters on the listed metadata before downloading anything, downloads with limited concurrency, then applies
 * the source's delay model so backfilled records count as available when they would have been, not when the
 * backfill ran (too late) nor at observedAt (too early).
 */
export async function readHistory(
  blobs: BlobStore,
  source: SourceConfig,
  site: string,
  from: Date,
  to: Date,
  options: ReadHistoryOptions = {},
): Promise<SourceHistory> {
  const fromMs = from.getTime();
  const toMs = to.getTime();
  if (!(fromMs <= toMs))
    throw new TrainingDataError(
      'INVALID_OPTIONS',
      `history window from ${from.toISOString()} is after to ${to.toISOString()}`,
    );
  const concurrency = options.concurrency ?? DEFAULT_READ_HISTORY_OPTIONS.concurrency;
  const container = observationContainer(source);
  const prefixes: string[] = [];
  for (let day = Math.floor(fromMs / DAY_MS) * DAY_MS; day <= toMs; day += DAY_MS) {
    prefixes.push(`${source.id}/${site}/${new Date(day).toISOString().slice(0, 10)}/`);
  }

  // The batch layout: every site's records of a day in a few blobs, read once per reader.
  const batches = options.batches ?? new ObservationBatchReader(blobs);
  const skipped: SourceHistory['skipped'] = [];
  const fromBatches: Parsed[] = [];
  for (const prefix of prefixes) {
    const day = await batches.day(container, source.id, prefix.slice(-11, -1));
    skipped.push(...day.skipped);
    for (const o of day.bySite.get(site) ?? []) {
      // Already an object (the batch reader checked its shape): no JSON round trip per record.
      const p = parsedObservation(o as unknown as Record<string, unknown>, {}, source, site);
      if (typeof p !== 'string' && p.observedAt >= fromMs && p.observedAt <= toMs) fromBatches.push(p);
    }
  }

  const listed = await mapLimit(prefixes, concurrency, async (prefix) => {
    const inWindow: { name: string; metadata: Record<string, string> }[] = [];
    for await (const item of blobs.list(container, prefix)) {
      const observed = Date.parse(item.metadata['observedat'] ?? '');
      // Without metadata the body decides; with it, nothing outside the window is downloaded.
      if (Number.isFinite(observed) && (observed < fromMs || observed > toMs)) continue;
      inWindow.push({ name: item.name, metadata: item.metadata });
    }
    return inWindow;
  });
  const names = listed.flat();
  // Image features are computed from a picture whose blob carries the provider's publishedAt; the features do not.
  const imagePublished =
    source.kind === 'image' ? await publishedAtOfImages(blobs, prefixes, concurrency) : new Map<number, number>();

  const parsed = await mapLimit(names, concurrency, async ({ name, metadata }) => {
    // Values in the listed metadata spare a download; older blobs without them are read whole.
    const blob = metadata['values'] ? { body: bodyFromMetadata(metadata), metadata } : await blobs.get(container, name);
    if (!blob) return undefined; // deleted between list and get: nothing to read
    const p = parseObservation(blob.body, blob.metadata, source, site);
    if (typeof p === 'string') {
      skipped.push({ name: `${container}/${name}`, reason: p });
      return undefined;
    }
    if (p.observedAt < fromMs || p.observedAt > toMs) return undefined;
    return p;
  });
  const found = keepEarliestParsed([...fromBatches, ...parsed.filter((p): p is Parsed => p !== undefined)]);
  if (source.kind === 'image')
    for (const p of found) {
      const fromImage = p.publishedAt === undefined ? imagePublished.get(p.observedAt) : undefined;
      if (fromImage !== undefined) p.publishedAt = fromImage;
    }

  const delayOptions = { ...DEFAULT_DELAY_MODEL_OPTIONS, ...options.delay };
  const delayModel = options.delayModel ?? learnDelayModel(source.id, found, delayOptions);
  const records = found
    .map((p): StoredHistoryRecord => {
      const effective = effectiveAvailableAt(p, delayModel, delayOptions);
      return {
        observedAt: p.observedAt,
        availableAt: effective.availableAt,
        values: p.values,
        recordedAvailableAt: p.availableAt,
        ...(p.publishedAt !== undefined ? { publishedAt: p.publishedAt } : {}),
        availability: effective.basis,
      };
    })
    .sort((a, b) => a.observedAt - b.observedAt);
  skipped.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { source: source.id, site, records, delayModel, skipped };
}

/** One record per observedAt, in both layouts: the earliest availableAt (a record without one loses to any). */
function keepEarliestParsed(records: readonly Parsed[]): Parsed[] {
  const byTime = new Map<number, Parsed>();
  for (const p of records) {
    const known = byTime.get(p.observedAt);
    if (
      !known ||
      p.availableAt < known.availableAt ||
      (Number.isNaN(known.availableAt) && !Number.isNaN(p.availableAt))
    )
      byTime.set(p.observedAt, p);
  }
  return [...byTime.values()];
}

function bodyFromMetadata(m: Record<string, string>): Buffer {
  let values: unknown;
  try {
    values = JSON.parse(m['values'] ?? '');
  } catch {
    values = null;
  }
  return Buffer.from(
    JSON.stringify({
      source: m['source'],
      site: m['site'],
      observedAt: m['observedat'],
      availableAt: m['availableat'],
      publishedAt: m['publishedat'],
      ...(m['backfilled'] === 'true' ? { backfilled: true } : {}),
      values,
    }),
  );
}

async function publishedAtOfImages(
  blobs: BlobStore,
  prefixes: readonly string[],
  concurrency: number,
): Promise<Map<number, number>> {
  const published = new Map<number, number>();
  await mapLimit(prefixes, concurrency, async (prefix) => {
    for await (const item of blobs.list(CONTAINERS.images, prefix)) {
      const observed = Date.parse(item.metadata['observedat'] ?? '');
      const at = Date.parse(item.metadata['publishedat'] ?? '');
      if (Number.isFinite(observed) && Number.isFinite(at)) published.set(observed, at);
    }
  });
  return published;
}

/** The stored observation's times and finite values, or why it is not one of this source and site. */
function parseObservation(
  body: Buffer,
  metadata: Record<string, string>,
  source: SourceConfig,
  site: string,
): Parsed | string {
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    return 'body is not JSON';
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return 'body is not a JSON object';
  return parsedObservation(json as Record<string, unknown>, metadata, source, site);
}

/** parseObservation of a record already parsed (a batch's). */
function parsedObservation(
  o: Record<string, unknown>,
  metadata: Record<string, string>,
  source: SourceConfig,
  site: string,
): Parsed | string {
  if (o['source'] !== undefined && o['source'] !== source.id)
    return `"source" is ${JSON.stringify(o['source'])}, expected "${source.id}"`;
  if (o['site'] !== undefined && o['site'] !== site)
    return `"site" is ${JSON.stringify(o['site'])}, expected "${site}"`;
  const observedAt = time(o['observedAt'], metadata['observedat']);
  if (!Number.isFinite(observedAt))
    return `"observedAt" is ${JSON.stringify(o['observedAt'] ?? null)}, expected an ISO time`;
  const rawValues = o['values'];
  if (rawValues === null || typeof rawValues !== 'object' || Array.isArray(rawValues))
    return '"values" is not an object';
  const values: Record<string, number> = {};
  for (const [field, v] of Object.entries(rawValues as Record<string, unknown>)) {
    if (typeof v === 'number' && Number.isFinite(v)) values[field] = v;
  }
  const publishedAt = time(o['publishedAt'], metadata['publishedat']);
  return {
    observedAt,
    // NaN when neither body nor metadata says: the delay model then decides.
    availableAt: time(o['availableAt'], metadata['availableat']),
    ...(Number.isFinite(publishedAt) ? { publishedAt } : {}),
    ...(o['backfilled'] === true || metadata['backfilled'] === 'true' ? { backfilled: true } : {}),
    values,
  };
}

function time(fromBody: unknown, fromMetadata: string | undefined): number {
  const v = typeof fromBody === 'string' ? fromBody : fromMetadata;
  return v === undefined ? Number.NaN : Date.parse(v);
}
