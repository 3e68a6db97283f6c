import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clearSkyGhi } from '../../../shared/solar/clearSkyGhi';
import { solarPosition } from '../../../shared/solar/solarPosition';

// Outputs of local/world/solarPosition and clearSkyGhi recorded just before they moved to shared/solar: the move
// must not change the sun the simulated world shines with, nor the one the features describe.
const GOLDEN = [
  {
    lat: 55.68,
    lon: 12.57,
    t: '2026-06-21T11:00:00Z',
    elevationDeg: 57.687802864454646,
    azimuthDeg: 175.04605338127953,
    cosZenith: 0.8451480610485163,
    ghi: 865.4000817265907,
  },
  {
    lat: 55.68,
    lon: 12.57,
    t: '2026-12-21T11:00:00Z',
    elevationDeg: 10.865445851242043,
    azimuthDeg: 178.18378102511565,
    cosZenith: 0.18850320537748472,
    ghi: 151.3527688009641,
  },
  {
    lat: 0,
    lon: 0,
    t: '2026-03-20T06:00:00Z',
    elevationDeg: -1.8767293514566177,
    azimuthDeg: 90.14220015635505,
    cosZenith: -0.032749249523419864,
    ghi: 0,
  },
  {
    lat: -33.87,
    lon: 151.21,
    t: '2026-01-15T02:00:00Z',
    elevationDeg: 77.23724984279636,
    azimuthDeg: 4.6692901914260005,
    cosZenith: 0.9752931840682513,
    ghi: 1008.0104753721685,
  },
  {
    lat: 55.68,
    lon: 12.57,
    t: '2026-03-01T03:17:00Z',
    elevationDeg: -23.548954346179755,
    azimuthDeg: 67.5340168414819,
    cosZenith: -0.3995324727286225,
    ghi: 0,
  },
  {
    lat: 90,
    lon: 0,
    t: '2026-06-21T12:00:00Z',
    elevationDeg: 23.43805166315755,
    azimuthDeg: 180,
    cosZenith: 0.3977573084561226,
    ghi: 376.5311310676313,
  },
  {
    lat: -45,
    lon: -70,
    t: '2025-10-05T18:40:00Z',
    elevationDeg: 40.79640754725259,
    azimuthDeg: 314.3243608179264,
    cosZenith: 0.6533731390183505,
    ghi: 655.4605453026796,
  },
];

const close = (actual: number, expected: number, what: string): void => {
  assert.ok(
    Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(expected)),
    `${what}: ${actual} vs golden ${expected}`,
  );
};

for (const g of GOLDEN) {
  test(`shared/solar matches the world's pre-move sun: ${g.lat},${g.lon} at ${g.t}`, () => {
    const sun = solarPosition(g.lat, g.lon, new Date(g.t));
    close(sun.elevationDeg, g.elevationDeg, 'elevation');
    close(sun.azimuthDeg, g.azimuthDeg, 'azimuth');
    close(sun.cosZenith, g.cosZenith, 'cosZenith');
    close(clearSkyGhi(sun.cosZenith), g.ghi, 'clear-sky GHI');
  });
}

test('clearSkyGhi follows the sun through a day: zero at night, peaking near solar noon', () => {
  const day = Date.parse('2026-06-21T00:00:00Z');
  const ghi = Array.from({ length: 145 }, (_, i) =>
    clearSkyGhi(solarPosition(55.68, 12.57, new Date(day + i * 600_000)).cosZenith),
  );
  assert.equal(ghi[0], 0);
  const peak = ghi.indexOf(Math.max(...ghi));
  // Copenhagen's solar noon is about 11:10 UTC in June (longitude 12.57°E, equation of time about -2 min).
  assert.ok(Math.abs(peak * 10 - 670) <= 10, `peak at minute ${peak * 10}`);
});
