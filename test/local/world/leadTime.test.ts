import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PNG } from 'pngjs';
import { SKYCAM_CLOUD_RED_BLUE_RATIO, SKYCAM_SIZE_PX } from '../../../local/world/SkyCamera';
import { World } from '../../../local/world/World';

/**
 * The point of the world: each upstream source sees the park's future. Ten days of ten-minute daytime data are
 * enough for the lead to show in the cross-correlation of clear-sky indices.
 */
const SITE = { id: 'park-1', latitude: 55.68, longitude: 12.57 };
const START = Date.UTC(2026, 4, 1);
const DAYS = 10;
const SLOT_MS = 600_000;
const LAGS = [-3, -2, -1, 0, 1, 2, 3, 4, 5];

interface Series {
  park: number[];
  w6: number[];
  w12: number[];
  westCloud: number[];
}

/** Daytime series (NaN when the sun is below 15°, where the clear-sky index is mostly noise). */
function series(seed: number, withCamera: boolean): Series {
  const world = new World({ seed, sites: [SITE] });
  const out: Series = { park: [], w6: [], w12: [], westCloud: [] };
  for (let i = 0; i < DAYS * 144; i++) {
    const t = new Date(START + i * SLOT_MS);
    const day = world.sun('park-1', t).elevationDeg > 15;
    const clear = world.clearSkyGhi('park-1', t);
    const meter = world.sensorValues('site-meter', 'park-1', t);
    const nb = world.sensorValues('neighbors', 'park-1', t);
    out.park.push(day ? (meter.ghi_wm2 ?? NaN) / clear : NaN);
    out.w6.push(day ? (nb.ghi_w6 ?? NaN) / clear : NaN);
    out.w12.push(day ? (nb.ghi_w12 ?? NaN) / clear : NaN);
    out.westCloud.push(day && withCamera ? westernCloudFraction(world.skycamPng('park-1', t)) : NaN);
  }
  return out;
}

/** Share of cloudy pixels (red/blue above the threshold) in the western third of the picture. */
function westernCloudFraction(png: Buffer): number {
  const img = PNG.sync.read(png);
  const cols = Math.floor(SKYCAM_SIZE_PX / 3);
  let cloudy = 0;
  for (let y = 0; y < img.height; y++) {
    for (let x = 0; x < cols; x++) {
      const p = (y * img.width + x) * 4;
      if ((img.data[p] ?? 0) > SKYCAM_CLOUD_RED_BLUE_RATIO * Math.max(1, img.data[p + 2] ?? 0)) cloudy++;
    }
  }
  return cloudy / (cols * img.height);
}

/** Pearson correlation of upstream[i] with park[i + lag] over the pairs where both exist. */
function correlationAtLag(upstream: readonly number[], park: readonly number[], lag: number): number {
  let n = 0, sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
  for (let i = 0; i < upstream.length; i++) {
    const x = upstream[i];
    const y = park[i + lag];
    if (x === undefined || y === undefined || Number.isNaN(x) || Number.isNaN(y)) continue;
    n++; sx += x; sy += y; sxx += x * x; syy += y * y; sxy += x * y;
  }
  const cov = sxy / n - (sx / n) * (sy / n);
  return cov / Math.sqrt((sxx / n - (sx / n) ** 2) * (syy / n - (sy / n) ** 2));
}

function peakLag(upstream: readonly number[], park: readonly number[]): { lag: number; profile: string } {
  const rs = LAGS.map((lag) => correlationAtLag(upstream, park, lag));
  const best = rs.indexOf(Math.max(...rs));
  return { lag: LAGS[best] ?? NaN, profile: LAGS.map((l, i) => `${l * 10}min:${rs[i]?.toFixed(3)}`).join(' ') };
}

for (const seed of [42, 7]) {
  test(`upwind stations lead the park, the farther one by more (seed ${seed})`, () => {
    const s = series(seed, false);
    const w6 = peakLag(s.w6, s.park);
    const w12 = peakLag(s.w12, s.park);
    assert.ok(w6.lag > 0, `ghi_w6 should lead: ${w6.profile}`);
    assert.ok(w12.lag > w6.lag, `ghi_w12 should lead by more than ghi_w6: w12 ${w12.profile} / w6 ${w6.profile}`);
    // A real lead, not a flat profile: the peak clearly beats the simultaneous value.
    assert.ok(correlationAtLag(s.w6, s.park, w6.lag) > correlationAtLag(s.w6, s.park, 0) + 0.1, w6.profile);
  });
}

test('the camera sees the clouds that are coming: western cloud fraction predicts the park 20-40 min ahead', () => {
  const s = series(42, true);
  const now = correlationAtLag(s.westCloud, s.park, 0);
  const ahead = Math.min(...[2, 3, 4].map((lag) => correlationAtLag(s.westCloud, s.park, lag)));
  // More cloud upwind means a darker park later: the correlations are negative; "better" means more negative.
  assert.ok(now < -0.3, `western cloud vs park now: ${now}`);
  assert.ok(ahead < now - 0.02, `western cloud vs park 20-40 min later ${ahead}, now ${now}`);
});
