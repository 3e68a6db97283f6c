import type { ForecastConfig } from '../config/ForecastConfig';
import { Quarantine } from '../ingest/Quarantine';
import { ObservationStore } from '../sources/ObservationStore';
import { type BlobStore, CONTAINERS } from '../storage/BlobStore';
import type { Clock } from '../time/Clock';
import { imageFeatures, ImageRejectedError } from './imageFeatures';

export interface PreprocessDeps {
  blobs: BlobStore;
  clock: Clock;
  config: ForecastConfig;
}

export type PreprocessOutcome =
  | { status: 'stored' | 'duplicate'; source: string; site: string; observedAt: string; features: Record<string, number> }
  | { status: 'quarantined' | 'ignored'; reason: string };

/** `<source>/<site>/<yyyy-mm-dd>/<observedAt>.<png|jpeg>` inside the images container. */
const IMAGE_NAME = /^([a-z][a-z0-9-]*)\/([a-z][a-z0-9-]*)\/\d{4}-\d{2}-\d{2}\/(\d{4}-\d{2}-\d{2}T[0-9:.]+Z)\.(png|jpeg)$/;

/**
 * Turns one stored picture into a feature observation in features/ (same key as the picture). availableAt is when
 * the features were computed: that is when a forecast can first use them. A picture that cannot be decoded goes to
 * quarantine with the reason instead of failing the trigger forever.
 */
export async function preprocessImage(name: string, bytes: Buffer, deps: PreprocessDeps): Promise<PreprocessOutcome> {
  const match = IMAGE_NAME.exec(name);
  const source = match ? deps.config.sources.find((s) => s.id === match[1] && s.kind === 'image') : undefined;
  if (!match || !source) {
    return { status: 'ignored', reason: `blob "${name}" is not <image source>/<site>/<date>/<observedAt>.png of a configured image source` };
  }
  const site = match[2] as string;
  const observedAt = new Date(match[3] as string).toISOString();
  let features: Record<string, number>;
  try {
    features = await imageFeatures(bytes);
  } catch (err) {
    if (!(err instanceof ImageRejectedError)) throw err;
    await new Quarantine(deps.blobs).put({ source: source.id, reason: err.message, receivedAt: deps.clock.now().toISOString(), record: { blob: `${CONTAINERS.images}/${name}` } }, bytes);
    return { status: 'quarantined', reason: err.message };
  }
  const values: Record<string, number> = {};
  for (const field of source.fields) {
    const v = features[field];
    if (v !== undefined) values[field] = v;
  }
  const stored = await new ObservationStore(deps.blobs).putIfAbsent(CONTAINERS.features, {
    source: source.id,
    site,
    observedAt,
    availableAt: deps.clock.now().toISOString(),
    values,
  });
  return { status: stored ? 'stored' : 'duplicate', source: source.id, site, observedAt, features: values };
}
