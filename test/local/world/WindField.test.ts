import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WindField } from '../../../local/world/WindField';

test('WindField: the closed-form displacement is the integral of the wind', () => {
  const wind = new WindField(42);
  const h = 60;
  for (const tauS of [0, 3_600, 86_400 * 3.3, 86_400 * 400, 86_400 * 3000]) {
    const a = wind.displacementKm(tauS - h);
    const b = wind.displacementKm(tauS + h);
    const w = wind.at(tauS);
    // Central difference of the displacement (km over 2h seconds) against the velocity (m/s).
    assert.ok(Math.abs(((b.dxKm - a.dxKm) * 1000) / (2 * h) - w.uMs) < 1e-3, `u at ${tauS}`);
    assert.ok(Math.abs(((b.dyKm - a.dyKm) * 1000) / (2 * h) - w.vMs) < 1e-3, `v at ${tauS}`);
  }
  assert.deepEqual(wind.displacementKm(0), { dxKm: 0, dyKm: 0 });
});

test('WindField: the meteorological direction is where the wind comes from', () => {
  const wind = new WindField(7);
  for (let tauS = 0; tauS < 86_400 * 10; tauS += 7_000) {
    const w = wind.at(tauS);
    // A wind blowing towards the east-north-east (u > 0, v > 0) comes from the west-south-west (180..270).
    const towards = (Math.atan2(w.uMs, w.vMs) * 180) / Math.PI;
    const from = (towards + 180 + 360) % 360;
    assert.ok(Math.abs(from - w.directionDeg) < 1e-9, `${from} vs ${w.directionDeg}`);
    assert.ok(Math.abs(Math.hypot(w.uMs, w.vMs) - w.speedMs) < 1e-12);
  }
});
