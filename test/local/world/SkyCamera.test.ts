import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PNG } from 'pngjs';
import { SKYCAM_CLOUD_RED_BLUE_RATIO, SKYCAM_SIZE_PX, SKYCAM_SPAN_KM } from '../../../local/world/SkyCamera';
import { World } from '../../../local/world/World';

const SITE = { id: 'park-1', latitude: 55.68, longitude: 12.57 };

test('skycam: a valid 64×64 RGB PNG', () => {
  const world = new World({ seed: 42, sites: [SITE] });
  const buf = world.skycamPng('park-1', new Date('2026-05-03T10:00:00Z'));
  assert.deepEqual([...buf.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const img = PNG.sync.read(buf);
  assert.equal(img.width, SKYCAM_SIZE_PX);
  assert.equal(img.height, SKYCAM_SIZE_PX);
  assert.equal(img.colorType, 2);
});

test('skycam: the red/blue threshold tells cloud from sky, by day and by night, where the clouds really are', () => {
  const world = new World({ seed: 42, sites: [SITE] });
  const step = SKYCAM_SPAN_KM / SKYCAM_SIZE_PX;
  // Noon, dusk and the middle of the night across broken, clear and overcast days.
  for (const iso of [
    '2026-05-03T11:00:00Z',
    '2026-05-03T19:30:00Z',
    '2026-05-05T23:00:00Z',
    '2026-05-07T11:00:00Z',
    '2026-05-02T08:00:00Z',
  ]) {
    const t = new Date(iso);
    const img = PNG.sync.read(world.skycamPng('park-1', t));
    let agree = 0;
    let decided = 0;
    for (let row = 0; row < SKYCAM_SIZE_PX; row++) {
      for (let col = 0; col < SKYCAM_SIZE_PX; col++) {
        // Pixel centres: east to the right, north up.
        const truth = world.cloudOpacity(
          'park-1',
          -SKYCAM_SPAN_KM / 2 + (col + 0.5) * step,
          SKYCAM_SPAN_KM / 2 - (row + 0.5) * step,
          t,
        );
        if (truth > 0.25 && truth < 0.65) continue; // the soft edge, where either answer is fair
        const p = (row * SKYCAM_SIZE_PX + col) * 4;
        const cloudy = (img.data[p] ?? 0) > SKYCAM_CLOUD_RED_BLUE_RATIO * Math.max(1, img.data[p + 2] ?? 0);
        decided++;
        if (cloudy === truth >= 0.65) agree++;
      }
    }
    assert.ok(agree / decided > 0.99, `${iso}: ${agree}/${decided} pixels classified right`);
  }
});

test('skycam: bright by day, dim but still coloured at night', () => {
  const world = new World({ seed: 42, sites: [SITE] });
  const mean = (iso: string): number => {
    const img = PNG.sync.read(world.skycamPng('park-1', new Date(iso)));
    let s = 0;
    for (let i = 0; i < img.data.length; i += 4)
      s += ((img.data[i] ?? 0) + (img.data[i + 1] ?? 0) + (img.data[i + 2] ?? 0)) / 3;
    return s / (img.data.length / 4);
  };
  const day = mean('2026-05-03T11:00:00Z');
  const night = mean('2026-05-03T23:00:00Z');
  assert.ok(day > 100, `day brightness ${day}`);
  assert.ok(night > 5 && night < day / 4, `night brightness ${night}`);
});
