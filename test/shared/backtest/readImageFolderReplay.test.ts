import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { imageFeatures } from '../../../shared/features/imageFeatures';
import { readImageFolderReplay } from '../../../shared/replay/readImageFolderReplay';
import { ReplayError } from '../../../shared/replay/ReplayError';
import { imageFolderReplaySchema } from '../../../shared/replay/ReplaySpec';

async function png(r: number, g: number, b: number): Promise<Buffer> {
  return sharp({ create: { width: 16, height: 16, channels: 3, background: { r, g, b } } })
    .png()
    .toBuffer();
}

const cam = { id: 'cam', fields: ['cloud_all', 'brightness'], maxImageBytes: 100_000 };

test('readImageFolderReplay: times from the file names (in their zone, in subfolders), features as preprocess-image computes them, broken pictures left out with the reason', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'image-replay-'));
  mkdirSync(join(dir, 'day2'));
  const white = await png(240, 240, 240);
  const blue = await png(40, 90, 220);
  writeFileSync(join(dir, 'cam_20260601_1000.png'), white);
  writeFileSync(join(dir, 'cam_20260601_1010.png'), blue);
  writeFileSync(join(dir, 'day2', 'cam_20260602_0900.png'), blue);
  writeFileSync(join(dir, 'cam_20260601_1020.png'), white.subarray(0, 40));
  writeFileSync(join(dir, 'thumbnail.png'), white);
  writeFileSync(join(dir, 'notes.txt'), 'not a picture');
  const spec = imageFolderReplaySchema.parse({
    kind: 'images',
    folder: dir,
    fileNamePattern: 'cam_{yyyyMMdd_HHmm}.png',
    timeZone: 'Europe/Copenhagen',
  });
  const r = await readImageFolderReplay(spec, dir, cam);
  // Copenhagen summer time is UTC+2.
  assert.deepEqual(
    r.observations.map((o) => new Date(o.observedAt).toISOString()),
    ['2026-06-01T08:00:00.000Z', '2026-06-01T08:10:00.000Z', '2026-06-02T07:00:00.000Z'],
  );
  const expected = await imageFeatures(white);
  assert.deepEqual(r.observations[0]?.values, { cloud_all: expected.cloud_all, brightness: expected.brightness });
  assert.ok(
    (r.observations[0]?.values['cloud_all'] ?? 0) > (r.observations[1]?.values['cloud_all'] ?? 1),
    'white sky is cloudier than blue',
  );
  assert.equal(r.stats.files, 4);
  assert.equal(r.stats.ignored, 1);
  assert.deepEqual(
    r.stats.rejected.map((x) => x.item),
    ['cam_20260601_1020.png'],
  );
  assert.match(r.stats.rejected[0]?.reason ?? '', /truncated/);

  const empty = mkdtempSync(join(tmpdir(), 'image-replay-'));
  await assert.rejects(
    readImageFolderReplay(spec, empty, cam, undefined, 'images/'),
    (err: unknown) =>
      err instanceof ReplayError &&
      err.code === 'NO_DATA' &&
      err.message.startsWith('images/: no file matches "cam_{yyyyMMdd_HHmm}.png"'),
  );
});
