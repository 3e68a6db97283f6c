import type { SourceConfig } from '../config/ForecastConfig';
import type { Observation } from '../sources/Observation';
import {
  metadataValues,
  ObservationStore,
  observationBlobName,
  observationMetadata,
  storedObservationValues,
} from '../sources/ObservationStore';
import type { ReceivedImage } from '../sources/ProviderClient';
import { ProviderError } from '../sources/ProviderError';
import type { AdapterRecord } from '../sources/ProviderAdapter';
import type { ReceivedRecord } from '../sources/parsePageBody';
import { type BlobStore, CONTAINERS } from '../storage/BlobStore';
import type { Clock } from '../time/Clock';
import { IMAGE_TYPES } from '../util/detectImageType';
import { mapLimit } from '../util/mapLimit';
import { inspectImage } from '../features/inspectImage';
import { writePictureBatch } from '../features/PictureBatch';
import { entryAt, type RecentEntry, recentEntryOf, type RecentState } from '../sources/RecentState';
import type { RecentBatch } from '../sources/RecentBatch';
import { ObservationBatchReader } from '../sources/ObservationBatchReader';
import { entryFromMetadata } from '../sources/RecentStateStore';
import type { Quarantine } from '../storage/Quarantine';
import { type ValidItem, validateItem } from './validateItem';

/** What became of one record. */
export type RecordOutcome = 'stored' | 'duplicates' | 'quarantined';

/** What storing a page needs. */
export interface PageContext {
  source: SourceConfig;
  siteIds: ReadonlySet<string>;
  blobs: BlobStore;
  clock: Clock;
  quarantine: Quarantine;
  concurrency: number;
  /** Largest accepted width x height of a picture. */
  maxImagePixels: number;
  /**
   * The page re-reads values stored before (a window read's overlap): list each (site, day) folder once and settle
   * those from the listing's metadata, instead of a refused write and a read per duplicate.
   */
  expectDuplicates?: boolean;
  /** The first read of the source (no watermark yet): values without publishedAt are marked backfilled. */
  backfill?: boolean;
  /** Fetches a picture (with the run's retries), at most `maxBytes` + 1 bytes of it. */
  fetchImage: (imageUrl: string, maxBytes: number) => Promise<ReceivedImage>;
  /**
   * The source's recent state: what the page stores (and the duplicates it meets) goes into the run's batch, merged
   * when the run moves its watermark or ends; the state settles duplicates it covers without listings. Absent in a
   * dry run, which stores nothing.
   */
  recent?: RecentBatch;
}

/** A page's outcome per record (in page order) and the items that passed validation. */
export interface PageOutcome {
  outcomes: RecordOutcome[];
  valid: ValidItem[];
}

/**
 * Stores one page record by record: a record that fails validation goes to quarantine with the reason and its exact
 * text; the others are stored once per (site, observedAt). A repeat - in the same page or of one stored before -
 * is a duplicate and keeps the first record's availableAt; a repeat whose values differ from the stored ones is not
 * a duplicate but a conflict, quarantined so neither version is lost. Retryable provider failures (an image fetch
 * that keeps failing) are thrown: the page is then read again by the next run.
 */
export async function ingestPage(records: readonly AdapterRecord[], ctx: PageContext): Promise<PageOutcome> {
  const now = ctx.clock.now();
  const outcomes: RecordOutcome[] = new Array<RecordOutcome>(records.length);
  const valid: ValidItem[] = [];
  // The first record of each (site, observedAt) in the page, and the later ones that repeat it exactly.
  const first = new Map<string, { item: ValidItem; index: number; repeats: number[] }>();
  const rejects: { index: number; reason: string }[] = [];

  records.forEach((record, index) => {
    if (record.rejected !== undefined) {
      rejects.push({ index, reason: record.rejected });
      return;
    }
    const checked = validateItem(record.value, ctx.source, ctx.siteIds, now);
    if (!checked.ok) {
      rejects.push({ index, reason: checked.reason });
      return;
    }
    valid.push(checked.item);
    const key = `${checked.item.site}|${checked.item.observedAt}`;
    const earlier = first.get(key);
    if (!earlier) {
      first.set(key, { item: checked.item, index, repeats: [] });
      return;
    }
    const differs = differenceFrom(checked.item, earlier.item);
    if (differs)
      rejects.push({
        index,
        reason: `conflicts with record ${earlier.index} of the same page for site "${checked.item.site}" at ${checked.item.observedAt}: ${differs}`,
      });
    else earlier.repeats.push(index);
  });

  await settleAll(rejects, ctx.concurrency, async ({ index, reason }) => {
    const record = records[index] as AdapterRecord;
    // A snapshot rejected before storing (no usable time) keeps its picture in quarantine.
    outcomes[index] = await quarantineRecord(
      ctx,
      record,
      reason,
      record.image && record.image.bytes.length > 0 ? { bytes: record.image.bytes } : {},
    );
  });
  const container = ctx.source.kind === 'image' ? CONTAINERS.images : CONTAINERS.raw;
  const state = first.size > 0 ? (await ctx.recent?.store.readKept(container, ctx.source.id))?.state : undefined;
  const known =
    ctx.source.kind !== 'image'
      ? await storedValues(
          ctx,
          [...first.values()].map((f) => f.item),
          state,
        )
      : undefined;
  const entries: { site: string; entry: RecentEntry }[] = [];
  const pictures: string[] = [];
  await settleAll([...first.values()], ctx.concurrency, async ({ item, index, repeats }) => {
    const record = records[index] as AdapterRecord;
    const stored =
      ctx.source.kind === 'image'
        ? await storeImage(ctx, item, record, state)
        : await storeValues(ctx, item, record, state, known);
    outcomes[index] = stored.outcome;
    if (stored.outcome !== 'quarantined' && stored.entry) entries.push({ site: item.site, entry: stored.entry });
    if (stored.outcome !== 'quarantined' && stored.picture) pictures.push(stored.picture);
    // A repeat shares the fate of the record it repeats: a duplicate when that one is stored (or was before),
    // quarantined with it when it is rejected (a conflict, a broken picture), so no repeat is silently dropped.
    for (const r of repeats) {
      outcomes[r] =
        stored.outcome === 'quarantined'
          ? await quarantineRecord(
              ctx,
              records[r] as ReceivedRecord,
              `repeats record ${index} of the same page, which was quarantined: ${stored.reason}`,
            )
          : 'duplicates';
    }
  });
  // One manifest for the page's pictures: preprocess-image runs once per page on it, not once per picture. Written
  // before the page reaches the state, so a picture the state holds is in a manifest.
  if (ctx.recent) await writePictureBatch(ctx.blobs, ctx.source.id, pictures.sort(), ctx.clock.now());
  // Into the run's batch for the source's state, which predict reads instead of listing every site.
  for (const { site, entry } of entries) ctx.recent?.add(container, site, entry);
  return { outcomes, valid };
}

/**
 * Runs `fn` over `items` like mapLimit, but after a failure starts no new item and waits for those in flight
 * before rethrowing the first error: a failed run leaves no write of its own still going on behind it.
 */
async function settleAll<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let failure: { error: unknown } | undefined;
  await mapLimit(items, limit, async (item) => {
    if (failure) return;
    try {
      await fn(item);
    } catch (error) {
      failure ??= { error };
    }
  });
  if (failure) throw failure.error;
}

/**
 * What became of a stored record: the stored observation's state entry, or the reason it was quarantined. A picture
 * names its blob when the page's manifest must list it: stored now, or stored before by a run that may have failed
 * before its manifest (the state does not hold it).
 */
type Stored =
  | { outcome: 'stored' | 'duplicates'; entry?: RecentEntry | undefined; picture?: string | undefined }
  | { outcome: 'quarantined'; reason: string };

async function reject(
  ctx: PageContext,
  record: ReceivedRecord,
  reason: string,
  extra: Partial<{ bytes: Buffer }> = {},
): Promise<Stored> {
  return { outcome: await quarantineRecord(ctx, record, reason, extra), reason };
}

async function quarantineRecord(
  ctx: PageContext,
  record: ReceivedRecord,
  reason: string,
  extra: Partial<{ bytes: Buffer }> = {},
): Promise<'quarantined'> {
  const receivedAt = ctx.clock.now().toISOString();
  if (extra.bytes) {
    await ctx.quarantine.put(
      { source: ctx.source.id, reason, receivedAt, record: record.value, recordText: record.raw },
      extra.bytes,
    );
  } else {
    await ctx.quarantine.put(
      { source: ctx.source.id, reason, receivedAt, record: record.value },
      Buffer.from(record.raw, 'utf8'),
    );
  }
  return 'quarantined';
}

/** A stored observation as known before writing: its values and its state entry. */
interface Known {
  values: Record<string, number> | undefined;
  entry: RecentEntry | undefined;
}

/**
 * The stored values of the observations of `items` that are not new, by blob name: from the source's state where it
 * holds the item with its values; else from the batches of the item's day (one listing and each batch read once) and,
 * for a re-read (expectDuplicates), one listing per (site, day) folder of the per-observation layout. An item the
 * state covers and does not hold is new (see storeValues); so is one the run's own batch is about to write.
 */
async function storedValues(
  ctx: PageContext,
  items: readonly ValidItem[],
  state: RecentState | undefined,
): Promise<Map<string, Known>> {
  const known = new Map<string, Known>();
  const folders = new Set<string>();
  const days = new Map<string, ValidItem[]>();
  for (const i of items) {
    if (ctx.recent?.newAt(CONTAINERS.raw, i.site, i.observedAt)) continue;
    const name = observationBlobName(ctx.source.id, i.site, i.observedAt);
    const entry = state ? entryAt(state, i.site, Date.parse(i.observedAt)) : undefined;
    if (entry === null) continue;
    if (entry?.values) {
      known.set(name, { values: entry.values, entry });
      continue;
    }
    const day = i.observedAt.slice(0, 10);
    days.set(day, [...(days.get(day) ?? []), i]);
    if (ctx.expectDuplicates) folders.add(name.replace(/[^/]+$/, ''));
  }
  const batches = new ObservationBatchReader(ctx.blobs);
  for (const [day, list] of days) {
    const stored = await batches.day(CONTAINERS.raw, ctx.source.id, day);
    for (const i of list) {
      const o = stored.bySite.get(i.site)?.find((s) => s.observedAt === i.observedAt);
      if (o)
        known.set(observationBlobName(ctx.source.id, i.site, i.observedAt), {
          values: o.values,
          entry: recentEntryOf(o),
        });
    }
  }
  await mapLimit([...folders], ctx.concurrency, async (prefix) => {
    for await (const blob of ctx.blobs.list(CONTAINERS.raw, prefix)) {
      const entry = entryFromMetadata(blob.metadata);
      const there = known.get(blob.name)?.entry;
      // In both layouts: the first availableAt.
      if (there && entry && there.availableAt <= entry.availableAt) continue;
      known.set(blob.name, { values: metadataValues(blob.metadata['values']), entry });
    }
  });
  return known;
}

/**
 * Stores a sensor observation or a forecast run, once per (site, observedAt). A record the recent state covers and
 * does not hold (nor the run's batch) is new: it joins the run's batch, written as one blob when the run flushes.
 * One the state holds, or a batch or a blob of its day holds, is a duplicate or a conflict. One older than the state
 * covers (a backfill of old days, or no state yet) keeps the per-observation layout, written only if absent.
 */
async function storeValues(
  ctx: PageContext,
  item: ValidItem,
  record: ReceivedRecord,
  state: RecentState | undefined,
  known?: ReadonlyMap<string, Known>,
): Promise<Stored> {
  const name = observationBlobName(ctx.source.id, item.site, item.observedAt);
  const observation: Observation = {
    source: ctx.source.id,
    site: item.site,
    observedAt: item.observedAt,
    availableAt: ctx.clock.now().toISOString(),
    ...(item.publishedAt ? { publishedAt: item.publishedAt } : ctx.backfill ? { backfilled: true } : {}),
    values: item.values ?? {},
  };
  const waiting = ctx.recent?.newAt(CONTAINERS.raw, item.site, item.observedAt);
  const inState = state ? entryAt(state, item.site, Date.parse(item.observedAt)) : undefined;
  const before = known?.get(name);
  let values = waiting?.values ?? before?.values;
  let entry = waiting ? undefined : before?.entry;
  if (values === undefined) {
    if (inState === null && !before && ctx.recent) {
      ctx.recent.addNew(CONTAINERS.raw, observation);
      return { outcome: 'stored' };
    }
    // Older than the state covers (or held by it without values, and in no batch: stored by an earlier deployment):
    // written once; a refused write means it was stored meanwhile, so compare with what is there.
    if (await new ObservationStore(ctx.blobs).putIfAbsent(CONTAINERS.raw, observation))
      return { outcome: 'stored', entry: recentEntryOf(observation) };
    const stored = await ctx.blobs.get(CONTAINERS.raw, name);
    values = stored ? storedObservationValues(stored.body) : undefined;
    entry = stored ? storedEntry(stored.body) : undefined;
  }
  const differs = values ? differenceFrom(item, { ...item, values }) : undefined;
  // A duplicate is merged too, with the stored availableAt: a run that stored it and failed before its merge is
  // completed by its retry.
  if (!differs) return { outcome: 'duplicates', entry };
  return reject(
    ctx,
    record,
    `conflicts with the observation already stored for site "${item.site}" at ${item.observedAt}: ${differs}`,
  );
}

/** The state entry of a stored observation blob's body, or undefined when it is not one. */
function storedEntry(body: Buffer): RecentEntry | undefined {
  try {
    const o = JSON.parse(body.toString('utf8')) as Observation;
    const entry = recentEntryOf(o);
    return Number.isFinite(entry.observedAt) && Number.isFinite(entry.availableAt) ? entry : undefined;
  } catch {
    return undefined;
  }
}

async function storeImage(
  ctx: PageContext,
  item: ValidItem,
  record: AdapterRecord,
  state: RecentState | undefined,
): Promise<Stored> {
  const { source } = ctx;
  // Already stored (in any accepted format): a duplicate, and no need to download it again. The state settles it
  // where it covers the time; else one listing of the picture's name.
  const inState = state ? entryAt(state, item.site, Date.parse(item.observedAt)) : undefined;
  if (inState) return { outcome: 'duplicates' };
  const prefix = `${observationBlobName(source.id, item.site, item.observedAt, '')}`;
  if (inState === undefined)
    for await (const existing of ctx.blobs.list(CONTAINERS.images, prefix)) {
      if ((IMAGE_TYPES as readonly string[]).includes(existing.name.slice(prefix.length)))
        return { outcome: 'duplicates', entry: entryFromMetadata(existing.metadata), picture: existing.name };
    }
  // A camera answers the same picture until it takes the next one: by content, it is stored once.
  const seen = record.image ? snapshotMarkerName(source.id, item.site, record.image.sha256) : undefined;
  const marker = seen ? await ctx.blobs.get(CONTAINERS.state, seen) : undefined;
  if (marker) return { outcome: 'duplicates', picture: unmanifestedPicture(marker.body, state) };
  let image: ReceivedImage;
  if (record.image) {
    image = record.image;
  } else {
    try {
      image = await ctx.fetchImage(item.imageUrl ?? '', source.maxImageBytes);
    } catch (err) {
      // A picture the provider refuses for good (404, a URL outside it) is reported, not retried forever.
      if (err instanceof ProviderError && !err.canRetry())
        return reject(ctx, record, `image could not be fetched: ${err.message}`);
      throw err;
    }
  }
  const inspected = inspectImage(
    image.bytes,
    { maxBytes: source.maxImageBytes, maxPixels: ctx.maxImagePixels },
    image.contentType,
  );
  if (!inspected.ok) {
    // An oversized picture is kept up to the limit (+1 byte, so the quarantine shows it was cut).
    return reject(ctx, record, inspected.reason, {
      bytes: image.bytes.length > 0 ? image.bytes : Buffer.from(record.raw, 'utf8'),
    });
  }
  const metadata = observationMetadata({
    source: source.id,
    site: item.site,
    observedAt: item.observedAt,
    availableAt: ctx.clock.now().toISOString(),
    publishedAt: item.publishedAt,
    backfilled: ctx.backfill && !item.publishedAt,
  });
  if (record.image) metadata['sha256'] = record.image.sha256;
  const picture = observationBlobName(source.id, item.site, item.observedAt, inspected.type);
  const stored = await ctx.blobs.putIfAbsent(CONTAINERS.images, picture, image.bytes, {
    contentType: `image/${inspected.type}`,
    metadata,
  });
  // The marker follows the picture: a run that fails between the two stores the picture again under its own time at worst, never loses it.
  if (seen)
    await ctx.blobs.putIfAbsent(
      CONTAINERS.state,
      seen,
      JSON.stringify({
        source: source.id,
        site: item.site,
        observedAt: item.observedAt,
        sha256: record.image?.sha256,
        picture,
      }),
      { contentType: 'application/json' },
    );
  return { outcome: stored ? 'stored' : 'duplicates', entry: entryFromMetadata(metadata), picture };
}

/**
 * The picture a snapshot marker names, when the source's state does not hold it: the run that stored it may have
 * failed before its page's manifest, so this page's manifest lists it again (its features are computed once anyway).
 * Undefined when the state holds it (its page was merged, so its manifest was written), when it is older than the
 * state covers, or when the marker is older than markers naming their picture.
 */
function unmanifestedPicture(body: Buffer, state: RecentState | undefined): string | undefined {
  try {
    const m = JSON.parse(body.toString('utf8')) as { site?: unknown; observedAt?: unknown; picture?: unknown };
    if (typeof m.picture !== 'string' || typeof m.site !== 'string' || typeof m.observedAt !== 'string')
      return undefined;
    // Older than the state covers: stored over a day ago, long after any retry of its run.
    return !state || entryAt(state, m.site, Date.parse(m.observedAt)) === null ? m.picture : undefined;
  } catch {
    return undefined;
  }
}

/** The state blob that says a snapshot with this content was stored for the site. */
export function snapshotMarkerName(source: string, site: string, sha256: string): string {
  return `snapshots/${source}/${site}/${sha256}.json`;
}

/** How `a` differs from `b` (same site and observedAt) in what is stored, or undefined when it does not. */
function differenceFrom(a: ValidItem, b: ValidItem): string | undefined {
  if (a.imageUrl !== b.imageUrl)
    return `"imageUrl" is ${JSON.stringify(a.imageUrl)} here, ${JSON.stringify(b.imageUrl)} there`;
  for (const [field, v] of Object.entries(a.values ?? {})) {
    const w = b.values?.[field];
    // A field the other record lacks (stored before the configuration added it) is not a conflict.
    if (w !== undefined && v !== w) return `"values.${field}" is ${v} here, ${w} there`;
  }
  return undefined;
}
