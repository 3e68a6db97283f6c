import '../../support/testEnv';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chooseModel } from '../../../shared/predict/chooseModel';
import type { StalenessLimit } from '../../../shared/features/learnStalenessLimit';
import type { Observation } from '../../../shared/sources/Observation';
import { featureNames } from '../../../shared/features/featureNames';
import { featureSpecFor } from '../../../shared/features/featureSpecFor';
import { withFeatureInputs } from '../../../shared/features/FeatureSpec';
import { testConfig } from '../../support/testServices';

const config = testConfig();
const issue = new Date('2026-06-01T12:00:00Z');
const ALL = ['site-meter', 'neighbors', 'weather', 'skycam'];

/** A candidate on `sources`, with the columns featureRow builds for them (a card without history inputs). */
const model = (id: string, sources: string[]) => ({
  id,
  sources,
  featureNames: featureNames(withFeatureInputs(featureSpecFor(config, 'park-1', sources), undefined)),
});
// Best first, as the registry orders them: full, three subsets, a baseline, then persistence's shape.
const candidates = [
  model('all', ALL),
  model('no-cam', ['site-meter', 'neighbors', 'weather']),
  model('meter+cam', ['site-meter', 'skycam']),
  model('weather', ['weather']),
  model('baseline', []),
];

function obs(source: string, ageMinutes: number): Observation {
  const observedAt = new Date(issue.getTime() - ageMinutes * 60_000).toISOString();
  const fields = config.sources.find((s) => s.id === source)?.fields ?? [];
  return {
    source,
    site: 'park-1',
    observedAt,
    availableAt: observedAt,
    values: Object.fromEntries(fields.map((f) => [f, 1])),
  };
}

const limit = (minutes: number): StalenessLimit => ({ minutes, basis: 'configured', samples: 0 });
const limits = new Map(ALL.map((s) => [s, limit(60)]));

// [freshness pattern: source -> age in minutes (absent = never seen)], expected model, expected missing reasons
const table: [string, Record<string, number>, string, Record<string, RegExp>][] = [
  ['all fresh', { 'site-meter': 30, neighbors: 30, weather: 40, skycam: 30 }, 'all', {}],
  [
    'camera stale',
    { 'site-meter': 30, neighbors: 30, weather: 40, skycam: 200 },
    'no-cam',
    { skycam: /^stale since .*200 min old, limit 60 min/ },
  ],
  ['camera never seen', { 'site-meter': 30, neighbors: 30, weather: 40 }, 'no-cam', { skycam: /^never seen/ }],
  [
    'neighbors and weather down',
    { 'site-meter': 30, skycam: 30, neighbors: 500, weather: 500 },
    'meter+cam',
    { neighbors: /^stale/, weather: /^stale/ },
  ],
  ['only weather', { weather: 20, 'site-meter': 61 }, 'weather', { 'site-meter': /^stale/, neighbors: /^never seen/ }],
  [
    'nothing fresh',
    { 'site-meter': 300, neighbors: 300, weather: 300, skycam: 300 },
    'baseline',
    { 'site-meter': /^stale/ },
  ],
  ['exactly at the limit is fresh', { 'site-meter': 60, neighbors: 60, weather: 60, skycam: 60 }, 'all', {}],
];

for (const [name, ages, expected, reasons] of table) {
  test(`model choice: ${name} -> ${expected}`, () => {
    const latest = new Map(Object.entries(ages).map(([s, age]) => [s, obs(s, age)]));
    const choice = chooseModel(config, 'park-1', issue, candidates, { latest, limits });
    assert.equal(choice?.model.id, expected);
    assert.equal(choice?.row.length, choice?.model.featureNames.length);
    for (const s of choice?.model.sources ?? []) assert.ok((ages[s] ?? Infinity) <= 60, `${s} is fresh`);
    for (const [source, reason] of Object.entries(reasons)) {
      assert.match(choice?.missing.find((m) => m.source === source)?.reason ?? '', reason, source);
    }
    const named = new Set([...(choice?.model.sources ?? []), ...(choice?.missing.map((m) => m.source) ?? [])]);
    assert.deepEqual(
      [...named].sort(),
      config.sources.map((s) => s.id).sort(),
      'every source is either used or named as missing (the weather model never seen here)',
    );
  });
}

test('with no baseline and nothing fresh, no model can run', () => {
  assert.equal(chooseModel(config, 'park-1', issue, candidates.slice(0, 4), { latest: new Map(), limits }), undefined);
});

test('a model whose columns no longer match the configuration is passed over', () => {
  const stale = { ...model('all', ALL), featureNames: ['x', 'y'] };
  const latest = new Map(ALL.map((s) => [s, obs(s, 30)]));
  assert.equal(
    chooseModel(config, 'park-1', issue, [stale, ...candidates.slice(1)], { latest, limits })?.model.id,
    'no-cam',
  );
});

test('per-source limits apply: a learned 45-minute limit makes a 50-minute-old camera stale', () => {
  const latest = new Map(ALL.map((s) => [s, obs(s, 50)]));
  const tight = new Map(limits);
  tight.set('skycam', { minutes: 45, basis: 'learned', samples: 100 });
  assert.equal(chooseModel(config, 'park-1', issue, candidates, { latest, limits: tight })?.model.id, 'no-cam');
});
