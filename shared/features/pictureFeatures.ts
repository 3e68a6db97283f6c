import type { ForecastConfig, SourceConfig } from '../config/ForecastConfig';
import type { Observation } from '../sources/Observation';
import { type BlobStore, CONTAINERS } from '../storage/BlobStore';
import { Quarantine } from '../storage/Quarantine';
import type { Clock } from '../time/Clock';
import { quote } from '../time/parseIsoTime';
import { IMAGE_TYPES } from '../util/detectImageType';
import { imageFeatureOptionsFor } from './imageFeatureOptionsFor';
import { type ImageFeatureOptions, imageFeatures, ImageRejectedError } from './imageFeatures';
import { inspectImage } from './inspectImage';

/** A stored picture as its blob name says: the image source, the site and when it was observed. */
export interface Picture {
  source: SourceConfig;
  site: string;
  observedAt: string;
}

/** `<source>/<site>/<yyyy-mm-dd>/<observedAt>.<png|jpeg|gif|webp|tiff>` inside the images container. */
const IMAGE_NAME = new RegExp(
  `^([a-z][a-z0-9-]*)/([a-z][a-z0-9-]*)/(\\d{4}-\\d{2}-\\d{2})/(\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z)\\.(${IMAGE_TYPES.join('|')})$`,
);

/** The source, site and observedAt a blob name stands for, or why it is ignored. */
export function pictureOf(name: string, config: ForecastConfig): Picture | { reason: string } {
  const match = IMAGE_NAME.exec(name);
  const source = match ? config.sources.find((s) => s.id === match[1] && s.kind === 'image') : undefined;
  if (!match || !source) {
    return {
      reason: `blob ${quote(name)} is not <image source>/<site>/<date>/<observedAt>.<${IMAGE_TYPES.join('|')}> of a configured image source`,
    };
  }
  const site = match[2] as string;
  const observed = new Date(match[4] as string);
  if (Number.isNaN(observed.getTime()) || observed.toISOString() !== match[4] || match[3] !== match[4]?.slice(0, 10)) {
    return { reason: `blob ${quote(name)} does not name a valid observedAt in its own day folder` };
  }
  if (!config.sites.some((s) => s.id === site)) {
    return { reason: `blob ${quote(name)} is for site "${site}", which is not configured` };
  }
  return { source, site, observedAt: observed.toISOString() };
}

/** What decoding needs: the store for quarantine and the clock for availableAt and receivedAt. */
export interface PictureFeaturesDeps {
  blobs: BlobStore;
  clock: Clock;
}

/**
 * The feature observation of one picture (not stored yet), read the way the source's camera says (its mask and cloud
 * threshold, over `options`); availableAt is now, when the features are computed. The picture's publishedAt and
 * backfill marker (its blob metadata) carry over, so features computed late never teach the delay model that late is
 * normal. A picture that is empty, oversized, not of a format we decode, truncated, corrupt or undecodable goes to
 * quarantine with the reason (and its bytes, up to the limit) instead: only storage failures are thrown.
 */
export async function pictureFeatures(
  { source, site, observedAt }: Picture,
  name: string,
  bytes: Buffer,
  metadata: Record<string, string>,
  deps: PictureFeaturesDeps,
  options: ImageFeatureOptions,
): Promise<{ observation: Observation } | { reason: string }> {
  const reject = async (reason: string): Promise<{ reason: string }> => {
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
    return { reason };
  };
  // The cheap structural check first: a wrong type or a bomb is never handed to the decoder.
  const inspected = inspectImage(bytes, { maxBytes: source.maxImageBytes, maxPixels: options.maxPixels });
  if (!inspected.ok) return reject(inspected.reason);
  let features: Record<string, number>;
  try {
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
  return {
    observation: {
      source: source.id,
      site,
      observedAt,
      availableAt: deps.clock.now().toISOString(),
      ...(metadata['publishedat']
        ? { publishedAt: metadata['publishedat'] }
        : metadata['backfilled'] === 'true'
          ? { backfilled: true }
          : {}),
      values,
    },
  };
}
