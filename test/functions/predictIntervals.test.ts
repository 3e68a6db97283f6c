import '../support/testEnv';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HttpRequest, InvocationContext, type Timer } from '@azure/functions';
import { makeForecastHandler } from '../../functions/forecast';
import { makePredictHandler } from '../../functions/predict';
import { SOLAR_ELEVATION_EDGES, sunAtValidTime } from '../../shared/features/elevationBand';
import { featureNames } from '../../shared/features/featureNames';
import { featureInputsOf, withFeatureInputs } from '../../shared/features/FeatureSpec';
import { featureSpecFor } from '../../shared/features/featureSpecFor';
import { outputLimitsFor } from '../../shared/features/outputLimitsFor';
import type { Forecast } from '../../shared/forecast/Forecast';
import { buildPersistenceModel } from '../../shared/models/persistenceModel';
import type { ForecastIntervals } from '../../shared/registry/ForecastIntervals';
import type { ModelCard } from '../../shared/registry/ModelCard';
import { ModelRegistry } from '../../shared/registry/ModelRegistry';
import { CONTAINERS } from '../../shared/storage/BlobStore';
import { FixedClock } from '../support/fixedClock';
import { testServices } from '../support/testServices';

const timer: Timer = {
  isPastDue: false,
  schedule: { adjustForDST: false },
  scheduleStatus: { last: '', next: '', lastUpdated: '' },
};
const MODEL = 'linear-site-meter+weather';

/** Band b of lead l: offsets -(b + 1) * 100, b + l and (b + 1) * 100 + l (so the band and lead show in the quantiles). */
const INTERVALS: ForecastIntervals = {
  quantiles: [0.1, 0.5, 0.9],
  bands: [...SOLAR_ELEVATION_EDGES],
  offsets: [0, 1, 2].map((l) => [0, 1, 2, 3, 4].map((b) => [-(b + 1) * 100, b + l, (b + 1) * 100 + l])),
  n: [0, 1, 2].map(() => [80, 80, 80, 80, 80]),
  minBandRows: 30,
};

/**
 * A champion version whose one model reads the meter and the weather (a repeat of its newest power in a registry card, so its
 * forecast is known) with `intervals` in its card entry, or none as in cards of older versions.
 */
async function championWith(
  s: ReturnType<typeof testServices>,
  intervals: ForecastIntervals | undefined,
): Promise<void> {
  const { config } = s;
  // A card of today records its history and derived inputs; one of an older version has neither those nor intervals.
  const spec = featureSpecFor(config, 'park-1', ['site-meter', 'weather']);
  const featureInputs = intervals ? featureInputsOf(spec) : undefined;
  const inputs = featureNames(withFeatureInputs(spec, featureInputs));
  const leads = config.forecast.leadsMinutes;
  const bytes = buildPersistenceModel({
    featureNames: inputs,
    targetFeature: 'site-meter.power_kw',
    leadsMinutes: [...leads],
    modelId: MODEL,
    limits: outputLimitsFor(config.target, leads),
  });
  const card: ModelCard = {
    version: 'v1',
    createdAt: '2026-05-31T00:00:00.000Z',
    codeVersion: 'test',
    exporter: { name: 'test', version: '1', opset: { 'ai.onnx': 17 } },
    target: { source: 'site-meter', field: 'power_kw', unit: 'kW' },
    leadsMinutes: [...leads],
    cadenceMinutes: 10,
    sites: ['park-1'],
    trainingWindow: { from: '2026-05-01T00:00:00.000Z', to: '2026-05-24T00:00:00.000Z', rows: 3000 },
    heldOutWindow: { from: '2026-05-24T00:00:00.000Z', to: '2026-05-31T00:00:00.000Z', rows: 1000 },
    models: [
      {
        id: MODEL,
        kind: 'linear',
        file: `${MODEL}.onnx`,
        sources: ['site-meter', 'weather'],
        inputs,
        ...(featureInputs ? { featureInputs } : {}),
        heldOut: { perLead: [], meanRmse: 1 },
        ...(intervals ? { intervals } : {}),
        sha256: ModelRegistry.sha256(bytes),
      },
    ],
    serving: MODEL,
    pruned: [],
  };
  await s.registry.publish(card, new Map([[`${MODEL}.onnx`, bytes]]));
  await s.registry.promote('v1', 'test');
}

/** Predicts the slot of `now` with the meter's power and the weather (observed 30 minutes before the slot) as inputs. */
async function predictAt(now: string, power: number, intervals: ForecastIntervals | undefined): Promise<Forecast> {
  const s = testServices(new FixedClock(new Date(now)));
  await championWith(s, intervals);
  const slot = Date.parse(now) - (Date.parse(now) % 600_000);
  await s.observations.putIfAbsent(CONTAINERS.raw, {
    source: 'site-meter',
    site: 'park-1',
    observedAt: new Date(slot - 30 * 60_000).toISOString(),
    availableAt: new Date(slot - 60_000).toISOString(),
    values: { power_kw: power, ghi_wm2: 600 },
  });
  // A second fresh source: a model on the target alone would come after smart persistence (orderCandidates).
  await s.observations.putIfAbsent(CONTAINERS.raw, {
    source: 'weather',
    site: 'park-1',
    observedAt: new Date(slot - 30 * 60_000).toISOString(),
    availableAt: new Date(slot - 60_000).toISOString(),
    values: { temp_c: 18, wind_speed_ms: 4, wind_dir_deg: 250, humidity_pct: 60, pressure_hpa: 1013 },
  });
  const result = await makePredictHandler(() => s)(timer, new InvocationContext({ functionName: 'predict' }));
  const forecast = result.forecasts[0] as Forecast;
  assert.equal(forecast.model.id, MODEL);
  assert.equal(forecast.model.version, 'v1');
  // Stored as made, and /api/forecast serves it as stored: the quantiles flow through.
  assert.deepEqual(await s.forecasts.latest('park-1'), forecast);
  const res = await makeForecastHandler(() => s)(
    new HttpRequest({ method: 'GET', url: 'http://localhost:7071/api/forecast', query: { site: 'park-1' } }),
    new InvocationContext({ functionName: 'forecast' }),
  );
  assert.equal(res.status, 200);
  assert.deepEqual(res.jsonBody, forecast);
  return forecast;
}

test("predict adds each lead's quantiles from the chosen model's card: forecast + offset of its lead and sun band", async () => {
  const f = await predictAt('2026-06-01T11:04:30Z', 1700, INTERVALS); // the sun about 57 degrees up: band 4
  assert.deepEqual(
    f.leads.map((l) => [l.leadMinutes, l.value, l.quantiles]),
    [
      [20, 1700, { p10: 1200, p50: 1704, p90: 2200 }],
      [40, 1700, { p10: 1200, p50: 1705, p90: 2201 }],
      [60, 1700, { p10: 1200, p50: 1706, p90: 2202 }],
    ],
  );
});

test('at dusk the quantiles hold to the limits: never below 0, and all zero once the sun is down at the validTime', async () => {
  const f = await predictAt('2026-06-01T18:54:30Z', 40, INTERVALS);
  const site = { latitude: 55.68, longitude: 12.57 };
  const states = f.leads.map((l) => sunAtValidTime(site, new Date(l.validTime), SOLAR_ELEVATION_EDGES));
  assert.deepEqual(
    states.map((x) => x.down),
    [false, false, true],
    'the sun sets between +40 and +60',
  );
  f.leads.forEach((l, i) => {
    const sun = states[i] as (typeof states)[number];
    const b = sun.band;
    assert.deepEqual(
      [l.value, l.quantiles],
      sun.down ? [0, { p10: 0, p50: 0, p90: 0 }] : [40, { p10: 0, p50: 40 + b + i, p90: 40 + (b + 1) * 100 + i }],
      `+${l.leadMinutes}: band ${b}`,
    );
  });
});

test('a card of an older version (no intervals) still loads and serves, without quantiles', async () => {
  const f = await predictAt('2026-06-01T11:04:30Z', 1700, undefined);
  assert.deepEqual(
    f.leads.map((l) => l.value),
    [1700, 1700, 1700],
  );
  for (const l of f.leads) assert.equal('quantiles' in l, false);
});
