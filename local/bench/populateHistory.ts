import { performance } from 'node:perf_hooks';
import type { ForecastConfig } from '../../shared/config/ForecastConfig';
import type { Observation } from '../../shared/sources/Observation';
import { ObservationStore, observationContainer } from '../../shared/sources/ObservationStore';
import type { BlobStore } from '../../shared/storage/BlobStore';
import { mapLimit } from '../../shared/util/mapLimit';
import { World } from '../world/World';
import type { BenchOptions } from './BenchOptions';
import type { HistoryFigures } from './BenchReport';
import { benchSites } from './benchSites';
import { missingSourceOf } from './missingSourceOf';
import { simulateSources } from './simulateSources';
import { DEFAULT_INGEST_TIMING, withAvailability } from './withAvailability';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** Blob writes in flight at once. */
const WRITE_CONCURRENCY = 32;

/**
 * Stores the history the bench measures on, through the app's own ObservationStore: `days` of the simulated
 * world at the configured park (plus the day before, which training reads for its first slots, and the camera's
 * features as preprocess-image computes them), each observation available when ingestion would have stored it;
 * then the last `recentHours` of it copied to every extra site of the store throughput runs (missingSourceOf
 * leaves one source out at half of them).
 */
export async function populateHistory(
  blobs: BlobStore,
  config: ForecastConfig,
  options: BenchOptions,
  log: (line: string) => void,
): Promise<HistoryFigures> {
  const site = config.sites[0];
  if (!site) throw new RangeError('the configuration has no site');
  const end = options.end.getTime();
  // trainAndPublish ends its window two hours before now and reads a day before its start.
  const from = new Date(end - options.days * DAY_MS - DAY_MS - 3 * HOUR_MS);
  const t0 = performance.now();
  const world = new World({
    seed: options.seed,
    sites: [{ id: site.id, latitude: site.latitude, longitude: site.longitude }],
  });
  const simulated = await simulateSources(world, config, site.id, from, options.end, {
    // Two cores: sharp's pool and the event loop share them.
    imageConcurrency: 2,
    onImages: (done, total) => log(`camera features ${done}/${total}`),
  });
  const observations: Observation[] = [];
  for (const source of config.sources) {
    const records = withAvailability(
      world,
      site.id,
      source.id,
      simulated.get(source.id) ?? [],
      [],
      DEFAULT_INGEST_TIMING,
      source.kind === 'image',
    );
    for (const r of records) {
      // Only what ingestion would have stored by the end of the history.
      if (r.availableAt > end) continue;
      observations.push({
        source: source.id,
        site: site.id,
        observedAt: new Date(r.observedAt).toISOString(),
        availableAt: new Date(r.availableAt).toISOString(),
        values: r.values,
      });
    }
  }
  const t1 = performance.now();

  const extraCount = Math.max(1, ...options.sites.filter((n) => n <= options.maxStoreSites)) - 1;
  const extra: Observation[] = [];
  if (extraCount > 0) {
    const many = benchSites(config, extraCount + 1);
    const sourceIds = config.sources.map((s) => s.id);
    const recentFrom = new Date(end - options.recentHours * HOUR_MS).toISOString();
    const recent = observations.filter((o) => o.observedAt >= recentFrom);
    many.sites.slice(1).forEach((s, i) => {
      const missing = missingSourceOf(i + 1, sourceIds);
      for (const o of recent) if (o.source !== missing) extra.push({ ...o, site: s.id });
    });
  }

  const store = new ObservationStore(blobs);
  const containerOf = new Map(config.sources.map((s) => [s.id, observationContainer(s)]));
  const all = [...observations, ...extra];
  let done = 0;
  await mapLimit(all, WRITE_CONCURRENCY, async (o) => {
    await store.putIfAbsent(containerOf.get(o.source) as string, o);
    if (++done % 2000 === 0) log(`stored ${done}/${all.length} observations`);
  });
  const t2 = performance.now();
  return {
    site: site.id,
    days: options.days,
    from: from.toISOString(),
    to: options.end.toISOString(),
    observations: observations.length,
    extraSites: extraCount,
    extraObservations: extra.length,
    simulateSeconds: round((t1 - t0) / 1000),
    writeSeconds: round((t2 - t1) / 1000),
  };
}

function round(v: number): number {
  return Math.round(v * 100) / 100;
}
