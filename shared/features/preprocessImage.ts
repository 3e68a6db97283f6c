import type { ForecastConfig, SourceConfig } from '../config/ForecastConfig';
import { Quarantine } from '../storage/Quarantine';
import { ObservationStore, observationBlobName, storedObservationValues } from '../sources/ObservationStore';
import type { Observation } from '../sources/Observation';
import { DEFAULT_RECENT_STATE_OPTIONS, entryAt, recentEntryOf } from '../sources/RecentState';
import { RecentStateStore } from '../sources/RecentStateStore';
import { type BlobItem, type BlobStore, CONTAINERS } from '../storage/BlobStore';
import type { Clock } from '../time/Clock';
import { imageFeatureOptionsFor } from './imageFeatureOptionsFor';
import { inspectImage } from './inspectImage';
import { quote } from '../time/parseIsoTime';
import { IMAGE_TYPES } from '../util/detectImageType';
import {
  DEFAULT_IMAGE_FEATURE_OPTIONS,
  type ImageFeatureOptions,
  imageFeatures,
  ImageRejectedError,
} from './imageFeatures';

export interface PreprocessDeps {
  blobs: BlobStore;
  clock: Clock;
  config: ForecastConfig;
}

export type PreprocessOutcome =
  | {
      status: 'stored' | 'duplicate';
      source: string;
      site: string;
      observedAt: string;
      features: Record<string, number>;
    }
  | { status: 'quarantined' | 'ignored'; reason: string };

/** `<source>/<site>/<yyyy-mm-dd>/<observedAt>.<png|jpeg|gif|webp|tiff>` inside the images container. */
const IMAGE_NAME = new RegExp(
  `^([a-z][a-z0-9-]*)/([a-z][a-z0-9-]*)/(\\d{4}-\\d{2}-\\d{2})/(\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z)\\.(${IMAGE_TYPES.join('|')})$`,
);

/**
 * Turns one stored picture into a feature observation in features/ (same key as the picture), read the way the
 * source's camera says (its mask and cloud threshold, over `options`). availableAt is when the features were
 * computed: that is when a forecast can first use them. The picture's publishedAt and backfill marker carry over,
 * so features computed late (a backlog) never teach the delay model that late is normal. A picture whose features
 * are already stored is not decoded again (the trigger after a backfill). A picture that is empty, oversized, not
 * of a format we decode (PNG, JPEG, GIF, WebP, TIFF), truncated, corrupt or undecodable goes to quarantine with the
 * reason instead of failing the trigger forever; a blob name that is not one of ours is ignored with the reason.
 * Only storage failures are thrown (retryable). Running it twice on the same blob leaves the same state
 * (putIfAbsent everywhere).
 */
export async function preprocessImage(
  name: string,
  bytes: Buffer,
  deps: PreprocessDeps,
  options: ImageFeatureOptions = DEFAULT_IMAGE_FEATURE_OPTIONS,
): Promise<PreprocessOutcome> {
  const target = pictureOf(name, deps.config);
  if ('status' in target) return target;
  const existing = await deps.blobs.get(
    CONTAINERS.features,
    observationBlobName(target.source.id, target.site, target.observedAt),
  );
  const done = existing ? storedObservationValues(existing.body) : undefined;
  if (done) {
    // Stored by a trigger that failed before its merge: merged now, with the availableAt it was stored with. A
    // duplicate the state already holds (every picture of a backfill triggers again) leaves no entry to compact.
    await mergeFeatures(deps, JSON.parse((existing as { body: Buffer }).body.toString('utf8')) as Observation, true);
    return {
      status: 'duplicate',
      source: target.source.id,
      site: target.site,
      observedAt: target.observedAt,
      features: done,
    };
  }
  return computeFeatures(target, name, bytes, await pictureMetadata(deps.blobs, name), deps, options);
}

/**
 * preprocessImage for a picture a listing found without features (a backfill's bulk pass): the listing brings its
 * metadata, so only the picture is read and only the features written.
 */
export async function preprocessListedImage(
  picture: Pick<BlobItem, 'name' | 'metadata'>,
  bytes: Buffer,
  deps: PreprocessDeps,
  options: ImageFeatureOptions = DEFAULT_IMAGE_FEATURE_OPTIONS,
): Promise<PreprocessOutcome> {
  const target = pictureOf(picture.name, deps.config);
  if ('status' in target) return target;
  return computeFeatures(target, picture.name, bytes, picture.metadata, deps, options);
}

interface Picture {
  source: SourceConfig;
  site: string;
  observedAt: string;
}

/** The source, site and observedAt a blob name stands for, or why it is ignored. */
function pictureOf(name: string, config: ForecastConfig): Picture | { status: 'ignored'; reason: string } {
  const match = IMAGE_NAME.exec(name);
  const source = match ? config.sources.find((s) => s.id === match[1] && s.kind === 'image') : undefined;
  if (!match || !source) {
    return {
      status: 'ignored',
      reason: `blob ${quote(name)} is not <image source>/<site>/<date>/<observedAt>.<${IMAGE_TYPES.join('|')}> of a configured image source`,
    };
  }
  const site = match[2] as string;
  const observed = new Date(match[4] as string);
  if (Number.isNaN(observed.getTime()) || observed.toISOString() !== match[4] || match[3] !== match[4]?.slice(0, 10)) {
    return { status: 'ignored', reason: `blob ${quote(name)} does not name a valid observedAt in its own day folder` };
  }
  if (!config.sites.some((s) => s.id === site)) {
    return { status: 'ignored', reason: `blob ${quote(name)} is for site "${site}", which is not configured` };
  }
  return { source, site, observedAt: observed.toISOString() };
}

/** Decodes the picture into features and stores them, or quarantines it with the reason. */
async function computeFeatures(
  { source, site, observedAt }: Picture,
  name: string,
  bytes: Buffer,
  picture: Record<string, string>,
  deps: PreprocessDeps,
  options: ImageFeatureOptions,
): Promise<PreprocessOutcome> {
  const reject = async (reason: string): Promise<PreprocessOutcome> => {
    const kept = bytes.length > source.maxImageBytes ? bytes.subarray(0, source.maxImageBytes + 1) : bytes;
    await new Quarantine(deps.blobs).put(
      {
        source: source.id,
        reason,
        receivedAt: deps.clock.now().toISOString(),
        record: { blob: `${CONTAINERS.images}/${name}`, bytes: bytes.length },
      },
      kept.length > 0 ? kept : undefined,
    );
    return { status: 'quarantined', reason };
  };
  // The cheap structural check first: a wrong type or a bomb is never handed to the decoder.
  const inspected = inspectImage(bytes, { maxBytes: source.maxImageBytes, maxPixels: options.maxPixels });
  if (!inspected.ok) return reject(inspected.reason);
  let features: Record<string, number>;
  try {
    // The source's camera (its mask, its cloud threshold) over the caller's options.
    features = await imageFeatures(bytes, imageFeatureOptionsFor(source.camera, options));
  } catch (err) {
    if (!(err instanceof ImageRejectedError)) throw err;
    return reject(err.message);
  }
  const values: Record<string, number> = {};
  for (const field of source.fields) {
    const v = features[field];
    if (v !== undefined) values[field] = v;
  }
  const observation: Observation = {
    source: source.id,
    site,
    observedAt,
    availableAt: deps.clock.now().toISOString(),
    ...(picture['publishedat']
      ? { publishedAt: picture['publishedat'] }
      : picture['backfilled'] === 'true'
        ? { backfilled: true }
        : {}),
    values,
  };
  const stored = await new ObservationStore(deps.blobs).putIfAbsent(CONTAINERS.features, observation);
  if (stored) await mergeFeatures(deps, observation);
  else {
    // Stored meanwhile (a concurrent trigger): merge what is there, which keeps its first availableAt.
    const there = await deps.blobs.get(CONTAINERS.features, observationBlobName(source.id, site, observedAt));
    if (there) await mergeFeatures(deps, JSON.parse(there.body.toString('utf8')) as Observation);
  }
  return { status: stored ? 'stored' : 'duplicate', source: source.id, site, observedAt, features: values };
}

/** The stored picture's metadata (publishedAt, backfill marker), from a listing of its own name: no download. */
async function pictureMetadata(blobs: BlobStore, name: string): Promise<Record<string, string>> {
  for await (const item of blobs.list(CONTAINERS.images, name)) if (item.name === name) return item.metadata;
  return {};
}

/** Adds stored features to the image source's recent state (through its inbox), which predict reads instead of listing every site. */
async function mergeFeatures(deps: PreprocessDeps, observation: Observation, unlessHeld = false): Promise<void> {
  const entry = recentEntryOf(observation);
  if (!Number.isFinite(entry.observedAt) || !Number.isFinite(entry.availableAt)) return;
  // Older than the state remembers anything (a backfill's days): nothing to merge.
  const now = deps.clock.now().getTime();
  if (entry.observedAt < now - DEFAULT_RECENT_STATE_OPTIONS.trackHours * 3_600_000) return;
  const store = new RecentStateStore(deps.blobs);
  if (unlessHeld) {
    const held = await store.read(CONTAINERS.features, observation.source);
    if (held && entryAt(held.state, observation.site, entry.observedAt)) return;
  }
  // The inbox, not the state itself: one trigger per picture runs at once for every site.
  await store.putInbox(CONTAINERS.features, observation.source, observation.site, entry);
}
