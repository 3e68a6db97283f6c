import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  clearSkyAt,
  SMART_PERSISTENCE_MIN_CLEAR_SKY_WM2,
  smartPersistence,
  smartPersistenceFromClearSky,
} from '../../../shared/solar/smartPersistence';

/** The shipped park (Copenhagen); on 1 June the sun rises about 02:40 UTC and sets about 19:35 UTC. */
const PARK = { latitude: 55.68, longitude: 12.57 };
const at = (iso: string): number => Date.parse(iso);
const MINUTE_MS = 60_000;

test('day: the clear-sky index of the newest value is carried forward to the validTime', () => {
  const observedAt = at('2026-06-01T08:30:00Z');
  const csObs = clearSkyAt(PARK, observedAt);
  assert.ok(csObs > 600, `clear sky ${csObs}`);
  for (const lead of [20, 40, 60]) {
    const validTime = observedAt + (30 + lead) * MINUTE_MS;
    const f = smartPersistence({ value: 2500, observedAt }, PARK, validTime);
    const csValid = clearSkyAt(PARK, validTime);
    // Morning: the sun climbs, so the same index is worth more kW later than plain persistence (2500) says.
    assert.ok(csValid > csObs && f > 2500, `+${lead}: ${f}`);
    assert.ok(Math.abs(f / csValid - 2500 / csObs) < 1e-12, `+${lead}: k ${f / csValid} vs ${2500 / csObs}`);
  }
  // In the afternoon the same index forecasts less than plain persistence.
  const pm = at('2026-06-01T15:00:00Z');
  assert.ok(smartPersistence({ value: 2500, observedAt: pm }, PARK, pm + 90 * MINUTE_MS) < 2500);
});

test('dawn: below 50 W/m² of clear sky at the observation the index is damped (value / 50), continuously', () => {
  const observedAt = at('2026-06-01T03:20:00Z');
  const csObs = clearSkyAt(PARK, observedAt);
  assert.ok(csObs > 0 && csObs < SMART_PERSISTENCE_MIN_CLEAR_SKY_WM2, `clear sky ${csObs}`);
  const validTime = observedAt + 90 * MINUTE_MS;
  const f = smartPersistence({ value: 20, observedAt }, PARK, validTime);
  assert.ok(Math.abs(f - (20 * clearSkyAt(PARK, validTime)) / 50) < 1e-9, `${f}`);
  assert.ok(f < (20 * clearSkyAt(PARK, validTime)) / csObs, 'less than the undamped index would forecast');
  // No jump at the threshold.
  const below = smartPersistenceFromClearSky(100, 49.9999, 400);
  const above = smartPersistenceFromClearSky(100, 50.0001, 400);
  assert.ok(Math.abs(below - above) < 0.01, `${below} vs ${above}`);
});

test('night: 0 whenever the sun is down at validTime, whatever the sensor reads; plain persistence would not be', () => {
  const midnight = at('2026-06-01T00:00:00Z');
  assert.equal(clearSkyAt(PARK, midnight), 0);
  assert.equal(smartPersistence({ value: 0.3, observedAt: midnight }, PARK, midnight + 60 * MINUTE_MS), 0);
  // Dusk: observed in the last light, valid after sunset.
  const dusk = at('2026-06-01T19:00:00Z');
  assert.ok(clearSkyAt(PARK, dusk) > 0);
  assert.equal(smartPersistence({ value: 40, observedAt: dusk }, PARK, dusk + 60 * MINUTE_MS), 0);
  // Observed at night, valid after sunrise: the damped index of a night value of 0 stays 0.
  assert.equal(smartPersistence({ value: 0, observedAt: midnight }, PARK, at('2026-06-01T05:00:00Z')), 0);
});

test('clamp: a negative reading (a sensor offset) is no negative light; NaN stays NaN', () => {
  const observedAt = at('2026-06-01T10:00:00Z');
  assert.equal(smartPersistence({ value: -3, observedAt }, PARK, observedAt + 60 * MINUTE_MS), 0);
  assert.equal(smartPersistenceFromClearSky(-0.001, 500, 600), 0);
  assert.ok(Number.isNaN(smartPersistence({ value: Number.NaN, observedAt }, PARK, observedAt + 60 * MINUTE_MS)));
  // Above the clear sky is allowed (cloud enhancement): the index is not capped, it carries what was measured.
  assert.equal(smartPersistenceFromClearSky(1200, 1000, 900), 1080);
});
