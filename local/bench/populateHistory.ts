import { performance } from 'node:perf_hooks';
import type { ForecastConfig } from '../../shared/config/ForecastConfig';
import type { Observation } from '../../shared/sources/Observation';
import { ObservationStore, observationContainer } from '../../shared/sources/ObservationStore';
import { mergeEntries, recentEntryOf } from '../../shared/sources/RecentState';
import { RecentStateStore } from '../../shared/sources/RecentStateStore';
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
 * features as preprocess-image computes them), each observation available when ingestion would have stored it,
 * as one blob per observation (training reads them). Then each source's recent state, which is all predict reads
 * of recent observations: the park's last hours, and the last `recentHours` of them copied to every extra site of
 * the store throughput runs (missingSourceOf leaves one source out at half of them). The extra sites get no
 * observation blobs: a state holds what ingestion would have merged into it, and 10,000 sites' blobs would take
 * half an hour to store here.
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
  const store = new ObservationStore(blobs);
  const containerOf = new Map(config.sources.map((s) => [s.id, observationContainer(s)]));
  let done = 0;
  await mapLimit(observations, WRITE_CONCURRENCY, async (o) => {
    await store.putIfAbsent(containerOf.get(o.source) as string, o);
    if (++done % 2000 === 0) log(`stored ${done}/${observations.length} observations`);
  });
  const t2 = performance.now();

  // The states as ingestion leaves them at the end: built from the park's blobs (covering the last keepHours, as
  // npm run migrate does), then the extra sites' recent observations merged in, in one write per source.
  const many = benchSites(config, extraCount + 1);
  const sourceIds = config.sources.map((s) => s.id);
  const recentFrom = new Date(end - options.recentHours * HOUR_MS).toISOString();
  const states = new RecentStateStore(blobs);
  let extraObservations = 0;
  for (const source of config.sources) {
    const container = observationContainer(source);
    await states.rebuild(container, source.id, [site.id], end);
    const recent = observations
      .filter((o) => o.source === source.id && o.observedAt >= recentFrom)
      .map((o) => recentEntryOf(o));
    let added = 0;
    await states.update(container, source.id, [site.id], end, (state) => {
      added = 0;
      many.sites.slice(1).forEach((s, i) => {
        if (missingSourceOf(i + 1, sourceIds) !== source.id) added += mergeEntries(state, s.id, recent);
      });
      return added > 0;
    });
    extraObservations += added;
    log(`recent state of ${source.id}: ${extraCount} extra sites`);
  }
  const t3 = performance.now();
  return {
    site: site.id,
    days: options.days,
    from: from.toISOString(),
    to: options.end.toISOString(),
    observations: observations.length,
    extraSites: extraCount,
    extraObservations,
    simulateSeconds: round((t1 - t0) / 1000),
    writeSeconds: round((t2 - t1) / 1000),
    stateSeconds: round((t3 - t2) / 1000),
  };
}

function round(v: number): number {
  return Math.round(v * 100) / 100;
}
