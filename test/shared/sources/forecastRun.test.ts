import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  MAX_RUN_OFFSET_MINUTES,
  parseRunValueKey,
  runSteps,
  runValueAt,
  runValueKey,
  runValueOffset,
} from '../../../shared/sources/forecastRun';

test('runValueKey and parseRunValueKey: <field>@+<minutes after runAt>, round trip; anything else is not a key', () => {
  assert.equal(runValueKey('ghi_wm2', 90), 'ghi_wm2@+90');
  assert.deepEqual(parseRunValueKey('ghi_wm2@+90'), { field: 'ghi_wm2', offsetMinutes: 90 });
  assert.deepEqual(parseRunValueKey('a@b@+0'), { field: 'a@b', offsetMinutes: 0 });
  for (const bad of [
    'ghi_wm2',
    'ghi_wm2@90',
    'ghi_wm2@+',
    'ghi_wm2@+1.5',
    'ghi_wm2@+-5',
    'ghi_wm2@+090',
    '@+60',
    'x@+1e3',
  ])
    assert.equal(parseRunValueKey(bad), undefined, bad);
  assert.equal(parseRunValueKey(`x@+${MAX_RUN_OFFSET_MINUTES + 1}`), undefined);
  assert.ok(parseRunValueKey(`x@+${MAX_RUN_OFFSET_MINUTES}`));
  // runValueOffset reads the same keys, offset only.
  for (const key of ['ghi_wm2@+90', 'a@b@+0', 'ghi_wm2@+090', '@+60', 'x@+1e3', `x@+${MAX_RUN_OFFSET_MINUTES + 1}`])
    assert.equal(runValueOffset(key), parseRunValueKey(key)?.offsetMinutes, key);
});

test('runSteps: one field, by offset ascending, whatever the key order; other fields and non-finite values left out', () => {
  const values = { 'ghi@+120': 3, 'ghi@+0': 1, 'cc@+60': 0.5, 'ghi@+60': 2, 'ghi@+180': Number.NaN, other: 7 };
  assert.deepEqual(runSteps(values, 'ghi'), { offsets: [0, 60, 120], values: [1, 2, 3] });
  assert.deepEqual(runSteps(values, 'cc'), { offsets: [60], values: [0.5] });
  assert.deepEqual(runSteps(values, 'none'), { offsets: [], values: [] });
});

test('runValueAt: the step itself on a step, linear between steps, undefined outside the run (never extrapolated)', () => {
  const steps = { offsets: [0, 60, 180], values: [100, 200, 500] };
  const cases: [number, number | undefined][] = [
    [0, 100],
    [60, 200],
    [180, 500],
    [30, 150],
    [90, 275],
    [170, 475],
    [-1, undefined],
    [181, undefined],
    [Number.NaN, undefined],
  ];
  for (const [offset, expected] of cases) assert.equal(runValueAt(steps, offset), expected, `offset ${offset}`);
  assert.equal(runValueAt({ offsets: [60], values: [7] }, 60), 7);
  assert.equal(runValueAt({ offsets: [60], values: [7] }, 59), undefined);
  assert.equal(runValueAt({ offsets: [], values: [] }, 0), undefined);
});

test('runSteps takes exactly the keys parseRunValueKey reads as the field, however odd the names', () => {
  const values: Record<string, number> = {
    'ghi@+60@+5': 1,
    'ghi@+060': 2,
    'ghi@+30': 3,
    'a@b@+5': 4,
    'a@@+7': 5,
    'a@+9': 6,
    '@+3': 7,
    'ghi@+1e2': 8,
    [`ghi@+${MAX_RUN_OFFSET_MINUTES + 1}`]: 9,
  };
  for (const field of ['ghi', 'a', 'a@', 'a@b', '', 'ghi@+60']) {
    const expected = Object.entries(values)
      .map(([key, v]) => ({ k: parseRunValueKey(key), v }))
      .filter(({ k, v }) => k?.field === field && Number.isFinite(v))
      .sort((x, y) => (x.k?.offsetMinutes ?? 0) - (y.k?.offsetMinutes ?? 0));
    assert.deepEqual(
      runSteps(values, field),
      { offsets: expected.map((e) => e.k?.offsetMinutes), values: expected.map((e) => e.v) },
      field,
    );
  }
});
