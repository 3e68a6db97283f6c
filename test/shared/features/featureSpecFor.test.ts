import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseConfig } from '../../../shared/config/loadConfig';
import { featureInputsOf, withFeatureInputs } from '../../../shared/features/FeatureSpec';
import { featureNames } from '../../../shared/features/featureNames';
import { featureSpecFor } from '../../../shared/features/featureSpecFor';
import { chooseModel } from '../../../shared/predict/chooseModel';
import type { Observation } from '../../../shared/sources/Observation';

function config(target: Record<string, unknown>, meter: Record<string, unknown> = {}): ReturnType<typeof parseConfig> {
  return parseConfig(
    {
      sites: [{ id: 'park-1', latitude: 55.7, longitude: 12.6, timeZone: 'Europe/Copenhagen' }],
      sources: [
        {
          id: 'meter',
          kind: 'sensor',
          provider: { endpoint: 'https://x', apiKey: 'k' },
          schedule: '0 */5 * * * *',
          fields: ['power_kw', 'ghi_wm2', 'temp_c'],
          ...meter,
        },
        {
          id: 'cam',
          kind: 'image',
          provider: { endpoint: 'https://y', apiKey: 'k' },
          schedule: '0 */5 * * * *',
          fields: ['cloud_all'],
        },
        {
          id: 'nwp',
          kind: 'forecast',
          provider: { endpoint: 'https://z', apiKey: 'k' },
          schedule: '0 0 * * * *',
          fields: ['ghi_wm2'],
        },
      ],
      target: { source: 'meter', field: 'power_kw', ...target },
    },
    {},
  );
}
const ALL = ['meter', 'cam', 'nwp'];

test('a non-solar target gets no sun-position or clear-sky columns; a solar one does', () => {
  const generic = featureNames(featureSpecFor(config({}), 'park-1', ALL));
  assert.equal(
    generic.filter((n) => n.startsWith('sun.') || n.startsWith('clearsky.') || n.endsWith('.csi')).length,
    0,
  );
  const solar = featureNames(featureSpecFor(config({ solar: true }), 'park-1', ALL));
  for (const name of [
    'sun.elevation',
    'clearsky.ghi_now',
    'clearsky.ghi_+20',
    'meter.power_kw.csi',
    'meter.ghi_wm2.csi',
  ])
    assert.ok(solar.includes(name), name);
  assert.ok(!solar.includes('meter.temp_c.csi'), 'only irradiance and power fields by default');
  const asked = featureNames(featureSpecFor(config({ solarInputs: true }), 'park-1', ALL));
  assert.ok(asked.includes('sun.elevation'), 'a generic target may ask for the sun');
});

test('history by default for sensor and image sources, never for forecast runs; false or lastK 0 turn it off', () => {
  const spec = featureSpecFor(config({}), 'park-1', ALL);
  assert.deepEqual(spec.history, { meter: { lastK: 3, windowMinutes: 60 }, cam: { lastK: 3, windowMinutes: 60 } });
  const names = featureNames(spec);
  assert.ok(names.includes('meter.power_kw@-3') && names.includes('cam.cloud_all.max_60m'));
  assert.ok(names.includes('meter.hist_count_60m') && names.includes('cam.hist_oldest_age_min'));
  assert.ok(!names.some((n) => n.startsWith('nwp.') && (n.includes('@-') || n.includes('hist_'))));
  assert.deepEqual(featureSpecFor(config({}, { history: false }), 'park-1', ['meter']).history, undefined);
  assert.deepEqual(featureSpecFor(config({}, { history: { lastK: 0 } }), 'park-1', ['meter']).history, undefined);
  assert.deepEqual(spec.calendar, { timeZone: 'Europe/Copenhagen' });
  assert.ok(names.includes('time.local_hour_sin') && !names.includes('time.hour_sin'));
});

test('backward compatibility: a spec without the new keys builds exactly the columns of older versions', () => {
  const spec = featureSpecFor(config({ solar: true }), 'park-1', ['meter']);
  assert.deepEqual(featureNames(withFeatureInputs(spec, undefined)), [
    'meter.power_kw',
    'meter.ghi_wm2',
    'meter.temp_c',
    'meter.age_min',
    'sun.elevation',
    'sun.azimuth_sin',
    'sun.azimuth_cos',
    'clearsky.ghi_now',
    'clearsky.ghi_+20',
    'clearsky.ghi_+40',
    'clearsky.ghi_+60',
    'time.hour_sin',
    'time.hour_cos',
    'time.doy_sin',
    'time.doy_cos',
  ]);
  assert.deepEqual(withFeatureInputs(spec, featureInputsOf(spec)), spec);
});

test('chooseModel serves an older card with its old row and a new card with its history row', () => {
  const cfg = config({ solar: true });
  const spec = featureSpecFor(cfg, 'park-1', ['meter']);
  const issue = new Date('2026-07-02T12:00:00Z');
  const obs = (min: number, p: number): Observation => ({
    source: 'meter',
    site: 'park-1',
    observedAt: new Date(issue.getTime() - min * 60_000).toISOString(),
    availableAt: new Date(issue.getTime() - (min - 20) * 60_000).toISOString(),
    values: { power_kw: p, ghi_wm2: 800, temp_c: 20 },
  });
  const latest = new Map([['meter', obs(30, 900)]]);
  const recent = new Map([
    [
      'meter',
      [obs(30, 900), obs(40, 850)].map((o) => ({
        ...o,
        observedAt: Date.parse(o.observedAt),
        availableAt: Date.parse(o.availableAt),
      })),
    ],
  ]);
  const old = { id: 'old', sources: ['meter'], featureNames: featureNames(withFeatureInputs(spec, undefined)) };
  const oldChoice = chooseModel(cfg, 'park-1', issue, [old], { latest, recent });
  assert.equal(oldChoice?.row.length, 15);
  assert.equal(oldChoice?.row[0], 900);
  const inputs = featureInputsOf(spec);
  const current = { id: 'new', sources: ['meter'], featureNames: featureNames(spec), featureInputs: inputs };
  const choice = chooseModel(cfg, 'park-1', issue, [current], { latest, recent });
  assert.equal(choice?.row.length, featureNames(spec).length);
  assert.equal(choice?.row[featureNames(spec).indexOf('meter.power_kw@-1')], 850);
  // Without its history the new model cannot be fed its columns: it is passed over, never fed a partial row.
  assert.equal(chooseModel(cfg, 'park-1', issue, [current], { latest }), undefined);
});
