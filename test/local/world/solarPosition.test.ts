import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clearSkyGhi } from '../../../shared/solar/clearSkyGhi';
import { solarPosition } from '../../../shared/solar/solarPosition';

// Reference values worked out by hand from the declination, the equation of time and the hour angle
// (e.g. Copenhagen at the June solstice: noon elevation 90 - 55.68 + 23.44 = 57.76°, 11:00 UTC is ~11 min before
// apparent noon, so 2.8° of hour angle east of the meridian).
const CASES = [
  {
    name: 'Copenhagen, summer solstice, 11:00 UTC',
    lat: 55.68,
    lon: 12.57,
    t: '2026-06-21T11:00:00Z',
    elevation: 57.7,
    azimuth: 175.1,
  },
  {
    name: 'Copenhagen, winter solstice, 11:00 UTC',
    lat: 55.68,
    lon: 12.57,
    t: '2026-12-21T11:00:00Z',
    elevation: 10.9,
    azimuth: 178.2,
  },
  {
    name: 'Equator, March equinox, 06:00 UTC (sunrise)',
    lat: 0,
    lon: 0,
    t: '2026-03-20T06:00:00Z',
    elevation: -1.9,
    azimuth: 90.1,
  },
  {
    name: 'Sydney, 02:00 UTC (noon)',
    lat: -33.87,
    lon: 151.21,
    t: '2026-01-15T02:00:00Z',
    elevation: 77.3,
    azimuth: 4.7,
  },
];

for (const c of CASES) {
  test(`solarPosition: ${c.name}`, () => {
    const sun = solarPosition(c.lat, c.lon, new Date(c.t));
    assert.ok(Math.abs(sun.elevationDeg - c.elevation) < 0.3, `elevation ${sun.elevationDeg} vs ${c.elevation}`);
    const dAz = Math.abs(((sun.azimuthDeg - c.azimuth + 540) % 360) - 180);
    assert.ok(dAz < 1, `azimuth ${sun.azimuthDeg} vs ${c.azimuth}`);
    assert.ok(Math.abs(sun.cosZenith - Math.sin((sun.elevationDeg * Math.PI) / 180)) < 1e-9);
  });
}

test('solarPosition: morning sun in the east, evening sun in the west', () => {
  const morning = solarPosition(55.68, 12.57, new Date('2026-06-21T05:00:00Z'));
  const evening = solarPosition(55.68, 12.57, new Date('2026-06-21T17:00:00Z'));
  assert.ok(morning.azimuthDeg > 45 && morning.azimuthDeg < 135, `morning azimuth ${morning.azimuthDeg}`);
  assert.ok(evening.azimuthDeg > 225 && evening.azimuthDeg < 315, `evening azimuth ${evening.azimuthDeg}`);
});

test('clearSkyGhi: zero below the horizon, about 1000 W/m² with the sun overhead, rising with the sun', () => {
  assert.equal(clearSkyGhi(-0.2), 0);
  assert.equal(clearSkyGhi(0), 0);
  const overhead = clearSkyGhi(1);
  assert.ok(overhead > 1000 && overhead < 1050, `overhead ${overhead}`);
  assert.ok(clearSkyGhi(0.3) < clearSkyGhi(0.6));
});
