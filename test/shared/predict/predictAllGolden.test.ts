import '../../support/testEnv';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { test } from 'node:test';
import type { ForecastConfig } from '../../../shared/config/ForecastConfig';
import { featureNames } from '../../../shared/features/featureNames';
import { featureInputsOf, withFeatureInputs } from '../../../shared/features/FeatureSpec';
import { featureSpecFor } from '../../../shared/features/featureSpecFor';
import type { Forecast } from '../../../shared/forecast/Forecast';
import type { LoadedModel } from '../../../shared/models/ModelRuntime';
import { predictAll } from '../../../shared/predict/predictAll';
import type { ServingModel } from '../../../shared/predict/ServingModel';
import type { ExpectedErrorTable } from '../../../shared/registry/ExpectedErrorTable';
import type { Observation } from '../../../shared/sources/Observation';
import { ObservationStore, observationContainer } from '../../../shared/sources/ObservationStore';
import { RecentStateStore } from '../../../shared/sources/RecentStateStore';
import { FixedClock } from '../../support/fixedClock';
import { MemoryBlobStore } from '../../support/MemoryBlobStore';
import { MemoryForecastStore } from '../../support/MemoryForecastStore';
import { PROJECT_ROOT, testConfig } from '../../support/testServices';

// predictAll's forecasts on a fixed input, against a golden file written by the code before the speed-ups of
// predict (memoized feature blocks, site lookups): the speed-ups must not change a single number. Set UPDATE_GOLDEN=1
// to rewrite the file after a change that is meant to change forecasts.
const GOLDEN = resolve(PROJECT_ROOT, 'test/fixtures/predict/golden-forecasts.json');
const NOW = new Date('2026-06-29T12:00:30Z');
const MINUTE = 60_000;

/** Eight sites around the park; each site's sources behave differently (fresh, stale, missing, silent for a day). */
function goldenConfig(): ForecastConfig {
  const base = testConfig();
  const park = base.sites[0];
  if (!park) throw new Error('no site');
  const sites = [park];
  for (let i = 1; i < 8; i++)
    sites.push({
      id: `site-${i}`,
      name: `site ${i}`,
      latitude: park.latitude + i * 0.7,
      longitude: park.longitude - i * 1.1,
    });
  return { ...base, sites };
}

/** A deterministic value in [0, scale). */
function noise(a: number, b: number, c: number, scale: number): number {
  const x = Math.sin(a * 12.9898 + b * 78.233 + c * 37.719) * 43758.5453;
  return Math.round((x - Math.floor(x)) * scale * 100) / 100;
}

function observationsOf(config: ForecastConfig): Observation[] {
  const out: Observation[] = [];
  const slot = Math.floor(NOW.getTime() / (10 * MINUTE)) * 10 * MINUTE;
  config.sites.forEach((site, i) => {
    config.sources.forEach((source, s) => {
      // Site 3 has no skycam at all; site 5's meter went silent 3 h ago; site 6's neighbors 30 h ago.
      if (i === 3 && source.id === 'skycam') return;
      const stop = i === 5 && source.id === 'site-meter' ? 180 : i === 6 && source.id === 'neighbors' ? 1800 : 0;
      const run = source.kind === 'forecast';
      const step = run ? 60 : 10;
      const hours = stop > 600 ? 36 : 5;
      for (let k = step; k <= hours * 60; k += step) {
        const minutesAgo = k + stop;
        const observedAt = slot - minutesAgo * MINUTE;
        const delay = run ? 90 + (k % 7) : 20 + ((i * 7 + k * 13 + s * 5) % 21);
        const values: Record<string, number> = {};
        for (const [f, field] of source.fields.entries()) {
          if (run) for (let o = 0; o <= 240; o += 60) values[`${field}@+${o}`] = noise(i, k + o, f, 800);
          else values[field] = noise(i, k, f + 10 * s, field.includes('dir') ? 360 : 900);
        }
        out.push({
          source: source.id,
          site: site.id,
          observedAt: new Date(observedAt).toISOString(),
          availableAt: new Date(observedAt + delay * MINUTE).toISOString(),
          values,
        });
      }
    });
  });
  return out;
}

/** A model whose every output depends on every column of its row, so equal forecasts mean equal rows. */
function weightedSum(): LoadedModel {
  return {
    inputNames: ['features'],
    outputNames: ['forecast'],
    metadata: {},
    async predict(features: Float32Array, rows: number): Promise<Float32Array> {
      const width = features.length / rows;
      const out = new Float32Array(rows * 3);
      for (let r = 0; r < rows; r++)
        for (let l = 0; l < 3; l++) {
          let sum = 0;
          for (let j = 0; j < width; j++)
            sum += (features[r * width + j] as number) * ((((j * 31 + l * 17) % 11) - 5) / 7);
          out[r * 3 + l] = sum;
        }
      return out;
    },
    async release(): Promise<void> {},
  };
}

function table(base: number): ExpectedErrorTable {
  return {
    bands: [0, 1, 2, 3, 4].map((band) => ({ band, rmse: [base + band, base + band * 2, base + band * 3], n: 100 })),
    maxAgeRatio: 6,
  };
}

function candidates(config: ForecastConfig, withTables: boolean): ServingModel[] {
  const ALL = config.sources.map((s) => s.id);
  const trained = (id: string, sources: string[], base: number, intervals = false): ServingModel => {
    const spec = featureSpecFor(config, 'park-1', sources);
    const inputs = featureInputsOf(spec);
    return {
      id,
      kind: 'gbdt',
      version: 'v1',
      sources,
      featureNames: featureNames(withFeatureInputs(spec, inputs)),
      featureInputs: inputs,
      leadsMinutes: [20, 40, 60],
      score: base,
      ...(withTables ? { expectedError: table(base) } : {}),
      ...(intervals
        ? {
            intervals: {
              quantiles: [0.1, 0.5, 0.9],
              bands: [0, 10, 25, 45],
              offsets: [0, 1, 2].map((l) => [0, 1, 2, 3, 4].map((b) => [-10 - l - b, l, 10 + l * b])),
              n: [0, 1, 2].map(() => [0, 1, 2, 3, 4].map((b) => (b === 1 ? 3 : 100))),
              minBandRows: 10,
            },
          }
        : {}),
      model: weightedSum(),
    };
  };
  const smart = withFeatureInputs(featureSpecFor(config, 'park-1', ['site-meter']), undefined);
  return [
    trained('all', ALL, 1, true),
    trained(
      'no-skycam',
      ALL.filter((s) => s !== 'skycam'),
      2,
    ),
    trained('meter-weather', ['site-meter', 'weather'], 3),
    {
      id: 'smart-persistence',
      kind: 'smart-persistence',
      version: null,
      sources: ['site-meter'],
      featureNames: featureNames({ ...smart, clearSkyAtObservation: ['site-meter'] }),
      clearSkyAtObservation: ['site-meter'],
      leadsMinutes: [20, 40, 60],
      score: 4,
      ...(withTables ? { expectedError: table(4) } : {}),
      model: weightedSum(),
    },
    trained('baseline', [], 9),
  ];
}

async function run(withTables: boolean, withState: boolean): Promise<Omit<Forecast, 'createdAt'>[]> {
  const config = goldenConfig();
  const blobs = new MemoryBlobStore();
  const observations = new ObservationStore(blobs);
  const containerOf = new Map(config.sources.map((s) => [s.id, observationContainer(s)]));
  for (const o of observationsOf(config)) await observations.putIfAbsent(containerOf.get(o.source) as string, o);
  if (withState) {
    const sites = config.sites.map((s) => s.id);
    for (const s of config.sources)
      await new RecentStateStore(blobs).rebuild(observationContainer(s), s.id, sites, NOW.getTime());
  }
  const models = candidates(config, withTables);
  const result = await predictAll({
    config,
    clock: new FixedClock(NOW),
    observations,
    forecasts: new MemoryForecastStore(),
    blobs,
    models: { current: async () => models },
  });
  assert.equal(result.forecasts.length + result.skipped.length, config.sites.length);
  return result.forecasts.map(({ createdAt: _, ...f }) => f);
}

test('predictAll makes the same forecasts as before its speed-ups, from the recent states and from the listings', async () => {
  const got = {
    expectedError: await run(true, true),
    freshnessFirst: await run(false, true),
  };
  if (process.env['UPDATE_GOLDEN'] === '1') writeFileSync(GOLDEN, `${JSON.stringify(got, null, 1)}\n`);
  const golden = JSON.parse(readFileSync(GOLDEN, 'utf8')) as typeof got;
  assert.deepEqual(got, golden);
  // Without states predict lists the blobs: the same inputs, so the same forecasts.
  assert.deepEqual(await run(true, false), golden.expectedError);
  assert.deepEqual(await run(false, false), golden.freshnessFirst);
  // Several models chosen, quantiles, a missing and a stale source: the file covers what the speed-ups touch.
  const chosen = new Set(golden.expectedError.map((f) => f.model.id));
  assert.ok(chosen.size >= 2, `one model chosen only: ${[...chosen].join(', ')}`);
  assert.ok(golden.expectedError.some((f) => f.leads.some((l) => l.quantiles)));
});
