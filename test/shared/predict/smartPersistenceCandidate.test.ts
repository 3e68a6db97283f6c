import '../../support/testEnv';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ForecastConfig } from '../../../shared/config/ForecastConfig';
import { featureNames } from '../../../shared/features/featureNames';
import { featureSpecFor } from '../../../shared/features/featureSpecFor';
import { withFeatureInputs } from '../../../shared/features/FeatureSpec';
import { ModelError } from '../../../shared/models/ModelError';
import { OnnxModelRuntime } from '../../../shared/models/OnnxModelRuntime';
import { describeOnnxModel } from '../../../shared/models/onnx/describeOnnxModel';
import { buildSmartPersistenceModel } from '../../../shared/models/smartPersistenceModel';
import { chooseModel } from '../../../shared/predict/chooseModel';
import { baselineDescriptors, PersistenceModelSource } from '../../../shared/predict/PersistenceModelSource';
import { smartPersistence } from '../../../shared/solar/smartPersistence';
import type { StalenessLimit } from '../../../shared/features/learnStalenessLimit';
import type { Observation } from '../../../shared/sources/Observation';
import { testConfig } from '../../support/testServices';

const solar = testConfig();
const notSolar: ForecastConfig = { ...solar, target: { ...solar.target, solar: false } };
const SITE = 'park-1';
const PARK = solar.sites[0] as { latitude: number; longitude: number };
const ALL = ['site-meter', 'neighbors', 'weather', 'skycam'];
const MINUTE_MS = 60_000;
const limits = new Map(ALL.map((s): [string, StalenessLimit] => [s, { minutes: 60, basis: 'configured', samples: 0 }]));

function obs(config: ForecastConfig, source: string, issue: Date, ageMinutes: number, value = 1): Observation {
  const observedAt = new Date(issue.getTime() - ageMinutes * MINUTE_MS).toISOString();
  const fields = config.sources.find((s) => s.id === source)?.fields ?? [];
  return {
    source,
    site: SITE,
    observedAt,
    availableAt: observedAt,
    values: Object.fromEntries(fields.map((f) => [f, value])),
  };
}

test('the smart persistence candidate, run by onnxruntime-node on the live row, forecasts what the definition says: day, dawn, dusk, night, a negative reading', async () => {
  const runtime = new OnnxModelRuntime();
  const served = await new PersistenceModelSource(solar, runtime).current();
  assert.deepEqual(
    served.map((m) => [m.id, m.kind, m.version]),
    [
      ['smart-persistence-site-meter-power_kw', 'smart-persistence', null],
      ['persistence-site-meter-power_kw', 'persistence', null],
    ],
  );
  const smart = served[0];
  assert.ok(smart);
  assert.ok(smart.featureNames.includes('site-meter.clearsky_obs'));
  const cases: [string, string, number, number][] = [
    ['morning', '2026-06-01T08:30:00Z', 20, 2500],
    ['noon, an old value', '2026-06-01T11:00:00Z', 40, 3100.5],
    ['dawn (damped index)', '2026-06-01T03:40:00Z', 30, 12],
    ['dusk', '2026-06-01T19:30:00Z', 40, 60],
    ['night', '2026-06-01T23:00:00Z', 30, 0.4],
    ['a negative reading', '2026-06-01T13:00:00Z', 30, -2],
    ['winter noon', '2026-12-15T11:00:00Z', 35, 900],
  ];
  const rows: number[][] = [];
  const expected: number[][] = [];
  for (const [name, iso, age, value] of cases) {
    const issue = new Date(iso);
    const latest = new Map([['site-meter', obs(solar, 'site-meter', issue, age, value)]]);
    const choice = chooseModel(solar, SITE, issue, served, { latest, limits });
    assert.equal(choice?.model.id, smart.id, name);
    rows.push(choice?.row ?? []);
    const observedAt = issue.getTime() - age * MINUTE_MS;
    expected.push(
      solar.forecast.leadsMinutes.map((lead) =>
        smartPersistence({ value, observedAt }, PARK, issue.getTime() + lead * MINUTE_MS),
      ),
    );
  }
  const out = await smart.model.predict(Float32Array.from(rows.flat()), rows.length);
  const L = solar.forecast.leadsMinutes.length;
  cases.forEach(([name], r) => {
    expected[r]?.forEach((e, l) => {
      const got = out[r * L + l] as number;
      // float32 inputs: clear sky and value carry about 7 significant digits.
      assert.ok(
        Math.abs(got - e) <= 1e-5 * Math.abs(e) + 1e-4,
        `${name} +${solar.forecast.leadsMinutes[l]}: ${got} vs ${e}`,
      );
    });
  });
  assert.ok(expected[4]?.every((v) => v === 0) && expected[3]?.every((v) => v === 0), 'night and dusk forecast 0');
  await Promise.all(served.map((m) => m.model.release()));
});

test('a target that is not solar gets plain persistence only', async () => {
  const runtime = new OnnxModelRuntime();
  const served = await new PersistenceModelSource(notSolar, runtime).current();
  assert.deepEqual(
    served.map((m) => m.id),
    ['persistence-site-meter-power_kw'],
  );
  assert.deepEqual(
    baselineDescriptors(notSolar).map((m) => m.id),
    ['persistence-site-meter-power_kw'],
  );
  await Promise.all(served.map((m) => m.model.release()));
});

/** Best first as live prediction orders them: trained models needing other sources, then the baselines. */
function candidates(config: ForecastConfig) {
  const model = (id: string, sources: string[]) => ({
    id,
    sources,
    featureNames: featureNames(withFeatureInputs(featureSpecFor(config, SITE, sources), undefined)),
  });
  return [model('all', ALL), model('neighbors', ['site-meter', 'neighbors']), ...baselineDescriptors(config)];
}

test('chooseModel: every source but the target stale -> smart persistence for a solar target, plain persistence otherwise', () => {
  const issue = new Date('2026-06-01T10:00:00Z');
  for (const [config, expected] of [
    [solar, 'smart-persistence-site-meter-power_kw'],
    [notSolar, 'persistence-site-meter-power_kw'],
  ] as const) {
    const latest = new Map([
      ['site-meter', obs(config, 'site-meter', issue, 30, 2000)],
      ['neighbors', obs(config, 'neighbors', issue, 300)],
      ['weather', obs(config, 'weather', issue, 300)],
    ]);
    const choice = chooseModel(config, SITE, issue, candidates(config), { latest, limits });
    assert.equal(choice?.model.id, expected);
    assert.equal(choice?.row.length, choice?.model.featureNames.length);
    assert.match(choice?.missing.find((m) => m.source === 'neighbors')?.reason ?? '', /^stale/);
    assert.match(choice?.missing.find((m) => m.source === 'skycam')?.reason ?? '', /^never seen/);
    // With the neighbors fresh again, the trained model on them serves, not a baseline.
    latest.set('neighbors', obs(config, 'neighbors', issue, 30));
    assert.equal(chooseModel(config, SITE, issue, candidates(config), { latest, limits })?.model.id, 'neighbors');
    // With the target stale too, no baseline that reads it can serve.
    latest.set('site-meter', obs(config, 'site-meter', issue, 300));
    latest.delete('neighbors');
    assert.equal(chooseModel(config, SITE, issue, candidates(config), { latest, limits }), undefined);
  }
});

test('buildSmartPersistenceModel: its metadata, and a precise error for a missing column or a bad threshold', () => {
  const options = {
    featureNames: ['m.p', 'm.age_min', 'm.clearsky_obs', 'clearsky.ghi_+20', 'clearsky.ghi_+40'],
    targetFeature: 'm.p',
    clearSkyAtObservationFeature: 'm.clearsky_obs',
    clearSkyAtValidTimeFeatures: ['clearsky.ghi_+20', 'clearsky.ghi_+40'],
    leadsMinutes: [20, 40],
    minClearSky: 50,
  };
  const model = describeOnnxModel(buildSmartPersistenceModel(options));
  assert.deepEqual(
    model.outputs.map((v) => [v.name, v.dims]),
    [['forecast', ['N', 2]]],
  );
  assert.equal(model.metadata['kind'], 'smart-persistence');
  assert.equal(model.metadata['model_id'], 'smart-persistence-m.p');
  assert.equal(model.metadata['min_clear_sky_wm2'], '50');
  const fails = (change: Partial<typeof options>, code: string, message: RegExp): void =>
    assert.throws(
      () => buildSmartPersistenceModel({ ...options, ...change }),
      (e: unknown) => e instanceof ModelError && e.code === code && message.test(e.message),
    );
  fails({ clearSkyAtObservationFeature: 'm.cs' }, 'UNKNOWN_FEATURE', /feature "m\.cs" is not among the features/);
  fails({ clearSkyAtValidTimeFeatures: ['clearsky.ghi_+20'] }, 'INVALID_LEAD', /1 clear-sky columns for 2 leads/);
  fails({ minClearSky: 0 }, 'INVALID_PARAMETER', /minClearSky 0 must be a positive/);
  fails({ targetFeature: 'm.q' }, 'UNKNOWN_TARGET', /"m\.q" is not among the features/);
});
