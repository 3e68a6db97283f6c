import type { ForecastConfig } from '../config/ForecastConfig';
import type { Observation } from '../sources/Observation';
import { ObservationBatchReader } from '../sources/ObservationBatchReader';
import { RecentBatch, type SettledRecord, settledKey } from '../sources/RecentBatch';
import { DEFAULT_RECENT_STATE_OPTIONS, entryAt, type RecentState, recentEntryOf } from '../sources/RecentState';
import { RecentStateStore } from '../sources/RecentStateStore';
import { type BlobStore, CONTAINERS } from '../storage/BlobStore';
import type { Clock } from '../time/Clock';
import { quote } from '../time/parseIsoTime';
import { mapLimit } from '../util/mapLimit';
import { DEFAULT_IMAGE_FEATURE_OPTIONS, type ImageFeatureOptions } from './imageFeatures';
import { type Picture, pictureFeatures, pictureOf } from './pictureFeatures';
import { storedFeatures, storeFeatures } from './storeFeatures';

export interface PreprocessDeps {
  blobs: BlobStore;
  clock: Clock;
  config: ForecastConfig;
}

/** How a batch is preprocessed. */
export interface PreprocessOptions {
  /** Pictures read, decoded and written at once: mostly storage round trips (a 64x64 decode takes about 2 ms). */
  concurrency: number;
  /** The decoder's limits and defaults, under each source's camera settings. */
  image: ImageFeatureOptions;
}

export const DEFAULT_PREPROCESS_OPTIONS: PreprocessOptions = {
  concurrency: 8,
  image: DEFAULT_IMAGE_FEATURE_OPTIONS,
};

/** What became of one picture of a batch. */
export type PreprocessOutcome = { picture: string } & (
  | {
      status: 'stored' | 'duplicate';
      source: string;
      site: string;
      observedAt: string;
      /** Absent for a picture the features state settled without its values (older than it keeps them). */
      features?: Record<string, number> | undefined;
    }
  | { status: 'quarantined' | 'ignored' | 'missing'; reason: string }
);

const HOUR_MS = 3_600_000;

/**
 * Turns a batch of stored pictures (blob names in images/) into feature observations in features/, one per picture,
 * and merges them into each image source's recent state in one ETag-guarded write per source. A picture is settled
 * from what is known first: the features state holding it, else (a time the state does not cover) its features
 * blob; only the others are downloaded and decoded, `concurrency` at once. availableAt is when the features were
 * computed. A picture that cannot be decoded is quarantined alone with its reason, a name that is not a picture of a
 * configured source and site is ignored with the reason, a picture deleted since is missing: the rest of the batch is
 * processed. Storage failures are thrown (the trigger retries) after what was computed is stored and merged, so the
 * retry finds it done. Running it twice writes nothing new. Outcomes are in the order of `names`; a name listed again
 * is a duplicate of its first listing.
 */
export async function preprocessPictures(
  names: readonly string[],
  deps: PreprocessDeps,
  options: Partial<PreprocessOptions> = {},
): Promise<PreprocessOutcome[]> {
  const { concurrency, image } = { ...DEFAULT_PREPROCESS_OPTIONS, ...options };
  const now = deps.clock.now().getTime();
  const states = new RecentStateStore(deps.blobs);
  const outcomes = new Map<string, PreprocessOutcome>();
  const targets: { name: string; picture: Picture }[] = [];
  for (const name of new Set(names)) {
    const picture = pictureOf(name, deps.config);
    if ('reason' in picture) outcomes.set(name, { picture: name, status: 'ignored', reason: picture.reason });
    else targets.push({ name, picture });
  }
  // Each image source's features state, read once: it settles what was done before without a read per picture.
  const held = new Map<string, RecentState | undefined>();
  for (const id of new Set(targets.map((t) => t.picture.source.id)))
    held.set(id, (await states.readKept(CONTAINERS.features, id))?.state);

  // The batch layout's days, each read once for every picture of the execution.
  const batches = new ObservationBatchReader(deps.blobs);
  /** Computed features; `covered`: the source's state covers the picture's time (and does not hold it). */
  const computed: { name: string; picture: Picture; observation: Observation; covered: boolean }[] = [];
  // Stored before but perhaps never merged (an execution that failed in between): merged now.
  const found: Observation[] = [];
  let failure: { error: unknown } | undefined;
  await mapLimit(targets, concurrency, async ({ name, picture }) => {
    if (failure) return;
    try {
      const state = held.get(picture.source.id);
      const entry = state ? entryAt(state, picture.site, Date.parse(picture.observedAt)) : undefined;
      if (entry) {
        outcomes.set(name, settled(name, picture, 'duplicate', entry.values));
        return;
      }
      // A time the state does not cover (a backfill's days, no state yet): the features blob says.
      const before =
        entry === undefined
          ? await storedFeatures(
              deps.blobs,
              { source: picture.source.id, site: picture.site, observedAt: picture.observedAt },
              batches,
            )
          : undefined;
      if (before) {
        found.push(before);
        outcomes.set(name, settled(name, picture, 'duplicate', before.values));
        return;
      }
      const blob = await deps.blobs.get(CONTAINERS.images, name);
      if (!blob) {
        outcomes.set(name, {
          picture: name,
          status: 'missing',
          reason: `picture ${quote(`${CONTAINERS.images}/${name}`)} is no longer stored (deleted since it was listed)`,
        });
        return;
      }
      const result = await pictureFeatures(picture, name, blob.body, blob.metadata, deps, image);
      if ('reason' in result) outcomes.set(name, { picture: name, status: 'quarantined', reason: result.reason });
      else computed.push({ name, picture, observation: result.observation, covered: entry === null });
    } catch (error) {
      failure ??= { error };
    }
  });

  // What was computed is stored and merged even when another picture failed: the retry then finds it done.
  // Times the source's state covers go through its RecentBatch as new records: one batch, named in the state, so a
  // retry after a failed merge finds that batch whatever pictures it comes with, and stores none of them again.
  // Older times (a backfill's days, no state yet) are stored by their day and looked up there (storedFeatures).
  const recent = new RecentBatches(
    states,
    deps.config.sites.map((s) => s.id),
  );
  const older = computed.filter((c) => !c.covered);
  const stored = await storeFeatures(
    deps.blobs,
    older.map((c) => c.observation),
  );
  stored.forEach(({ observation, stored: written }, i) => {
    const { name, picture } = older[i] as (typeof older)[number];
    outcomes.set(name, settled(name, picture, written ? 'stored' : 'duplicate', observation.values));
  });
  for (const c of computed) if (c.covered) recent.of(c.observation.source).addNew(CONTAINERS.features, c.observation);
  addEntries(recent, [...stored.map((s) => s.observation), ...found], now);
  const written = await recent.flush(now);
  for (const c of computed) {
    if (!c.covered) continue;
    const r = written.get(settledKey(CONTAINERS.features, c.observation.site, c.observation.observedAt));
    const observation = r?.observation ?? c.observation;
    outcomes.set(c.name, settled(c.name, c.picture, r?.written === false ? 'duplicate' : 'stored', observation.values));
  }
  if (failure) throw failure.error;

  const seen = new Set<string>();
  return names.map((name) => {
    const outcome = outcomes.get(name) as PreprocessOutcome;
    if (seen.has(name) && (outcome.status === 'stored' || outcome.status === 'duplicate'))
      return { ...outcome, status: 'duplicate' };
    seen.add(name);
    return outcome;
  });
}

function settled(
  name: string,
  picture: Picture,
  status: 'stored' | 'duplicate',
  features: Record<string, number> | undefined,
): PreprocessOutcome {
  return {
    picture: name,
    status,
    source: picture.source.id,
    site: picture.site,
    observedAt: picture.observedAt,
    ...(features ? { features } : {}),
  };
}

/**
 * Adds stored features to their image source's recent state, which predict reads instead of listing every site:
 * features older than the state remembers anything (a backfill's days) are left to the blobs.
 */
function addEntries(recent: RecentBatches, observations: readonly Observation[], now: number): void {
  for (const o of observations) {
    const entry = recentEntryOf(o);
    if (!Number.isFinite(entry.observedAt) || !Number.isFinite(entry.availableAt)) continue;
    if (entry.observedAt < now - DEFAULT_RECENT_STATE_OPTIONS.trackHours * HOUR_MS) continue;
    recent.of(o.source).add(CONTAINERS.features, o.site, entry);
  }
}

/** One RecentBatch per image source of an execution, flushed together: one merge per source (ETag-guarded). */
class RecentBatches {
  private readonly bySource = new Map<string, RecentBatch>();

  constructor(
    private readonly states: RecentStateStore,
    private readonly sites: readonly string[],
  ) {}

  of(source: string): RecentBatch {
    let batch = this.bySource.get(source);
    if (!batch) {
      batch = new RecentBatch(this.states, source, this.sites);
      this.bySource.set(source, batch);
    }
    return batch;
  }

  /** Flushes each source's batch (nothing written when its state holds them all); what became of the new records. */
  async flush(now: number): Promise<Map<string, SettledRecord>> {
    const out = new Map<string, SettledRecord>();
    for (const batch of this.bySource.values()) for (const [k, v] of await batch.flush(now)) out.set(k, v);
    return out;
  }
}
