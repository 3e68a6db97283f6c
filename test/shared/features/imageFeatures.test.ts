import assert from 'node:assert/strict';
import { test } from 'node:test';
import sharp from 'sharp';
import { imageFeatures, ImageRejectedError } from '../../../shared/features/imageFeatures';

const SKY = [70, 130, 210];
const CLOUD = [225, 228, 232];

/** A 64×64 PNG: blue sky, with cloud wherever `isCloud(x, y)` holds (x east, y south). */
async function picture(isCloud: (x: number, y: number) => boolean, scale = 1): Promise<Buffer> {
  const n = 64;
  const data = Buffer.alloc(n * n * 3);
  for (let y = 0; y < n; y++) {
    for (let x = 0; x < n; x++) {
      const c = isCloud(x, y) ? CLOUD : SKY;
      for (let k = 0; k < 3; k++) data[(y * n + x) * 3 + k] = Math.round((c[k] as number) * scale);
    }
  }
  return sharp(data, { raw: { width: n, height: n, channels: 3 } })
    .png()
    .toBuffer();
}

test('clear sky has no cloud anywhere', async () => {
  const f = await imageFeatures(await picture(() => false));
  assert.equal(f.cloud_all, 0);
  assert.equal(f.cloud_center, 0);
});

test('cloud in the west shows in the western sector, not the eastern one', async () => {
  const f = await imageFeatures(await picture((x) => x < 16));
  assert.ok(f.cloud_w > 0.7, `cloud_w ${f.cloud_w}`);
  assert.equal(f.cloud_e, 0);
  assert.equal(f.cloud_center, 0);
  assert.ok(f.cloud_all > 0.2 && f.cloud_all < 0.3, `cloud_all ${f.cloud_all}`);
});

test('cloud over the site shows in the centre; north is up', async () => {
  const center = await imageFeatures(await picture((x, y) => (x - 31.5) ** 2 + (y - 31.5) ** 2 < 144));
  assert.ok(center.cloud_center > 0.9);
  const north = await imageFeatures(await picture((_x, y) => y < 12));
  assert.ok(north.cloud_n > 0.5 && north.cloud_s === 0, JSON.stringify(north));
});

test('the red/blue ratio finds cloud in a dim picture too', async () => {
  const f = await imageFeatures(await picture((x) => x < 16, 0.25));
  assert.ok(f.cloud_w > 0.7, `cloud_w ${f.cloud_w}`);
  assert.ok(f.brightness < 0.2);
});

const broken: [string, () => Promise<Buffer>][] = [
  ['zero bytes', async () => Buffer.alloc(0)],
  ['not an image', async () => Buffer.from('<html>502 Bad Gateway</html>')],
  ['truncated PNG', async () => (await picture((x) => x < 16)).subarray(0, 120)],
  [
    'corrupt PNG body',
    async () => {
      const png = Buffer.from(await picture((x) => x < 16));
      for (let i = 60; i < png.length - 20; i += 7) png[i] = 0x5a;
      return png;
    },
  ],
];
for (const [name, make] of broken) {
  test(`an unreadable picture is rejected, not crashed on: ${name}`, async () => {
    await assert.rejects(
      imageFeatures(await make()),
      (err: unknown) => err instanceof ImageRejectedError && err.canRetry() === false && err.message.length > 10,
    );
  });
}

test('a decompression bomb is refused by its pixel count', async () => {
  const big = await sharp({ create: { width: 5000, height: 5000, channels: 3, background: '#4682d2' } })
    .png()
    .toBuffer();
  await assert.rejects(
    imageFeatures(big),
    (err: unknown) => err instanceof ImageRejectedError && /pixel/i.test(err.message),
  );
});
