import assert from 'node:assert/strict';
import { test } from 'node:test';
import sharp from 'sharp';
import { DEFAULT_IMAGE_FEATURE_OPTIONS, imageFeatures } from '../../../shared/features/imageFeatures';
import { skyView } from '../../../shared/features/skyView';
import { World } from '../../../local/world/World';

function correlation(a: number[], b: number[]): number {
  const mean = (x: number[]) => x.reduce((s, v) => s + v, 0) / x.length;
  const ma = mean(a);
  const mb = mean(b);
  let num = 0;
  let da = 0;
  let db = 0;
  a.forEach((v, i) => {
    const w = (b[i] as number) - mb;
    num += (v - ma) * w;
    da += (v - ma) ** 2;
    db += w * w;
  });
  return num / Math.sqrt(da * db);
}

test("the preprocessor reads the simulated camera's clouds: its centre cloud fraction follows the true cloud over the park", async () => {
  const world = new World({ seed: 42, sites: [{ id: 'park-1', latitude: 55.68, longitude: 12.57 }] });
  const measured: number[] = [];
  const truth: number[] = [];
  for (let i = 0; i < 72; i++) {
    const t = new Date(Date.UTC(2026, 4, 10 + Math.floor(i / 12), 8 + (i % 12), 0));
    const f = await imageFeatures(world.skycamPng('park-1', t));
    measured.push(f.cloud_center);
    let sum = 0;
    for (let dx = -3; dx <= 3; dx += 1)
      for (let dy = -3; dy <= 3; dy += 1) sum += world.cloudOpacity('park-1', dx, dy, t) > 0.3 ? 1 : 0;
    truth.push(sum / 49);
  }
  const r = correlation(measured, truth);
  assert.ok(r > 0.8, `correlation ${r.toFixed(3)}`);
});

test('the simulated camera has no fisheye rim: by day and by night its sky is the whole frame', async () => {
  const world = new World({ seed: 42, sites: [{ id: 'park-1', latitude: 55.68, longitude: 12.57 }] });
  for (const hour of [0, 3, 8, 12, 20]) {
    const png = world.skycamPng('park-1', new Date(Date.UTC(2026, 4, 10, hour, 0)));
    const grid = { data: await sharp(png).removeAlpha().resize(32, 32).raw().toBuffer(), n: 32, channels: 3 };
    const view = skyView({ ...grid, width: 64, height: 64 }, 'auto', DEFAULT_IMAGE_FEATURE_OPTIONS);
    assert.equal(view.kind, 'frame', `${hour}:00`);
    // The masks agree: auto is "none" here.
    const auto = await imageFeatures(png);
    assert.deepEqual(await imageFeatures(png, { ...DEFAULT_IMAGE_FEATURE_OPTIONS, mask: 'none' }), auto);
  }
});
