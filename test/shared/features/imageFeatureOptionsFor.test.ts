import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ConfigError } from '../../../shared/config/ConfigError';
import { parseConfig } from '../../../shared/config/loadConfig';
import { imageFeatureOptionsFor } from '../../../shared/features/imageFeatureOptionsFor';
import { DEFAULT_IMAGE_FEATURE_OPTIONS, imageFeatures } from '../../../shared/features/imageFeatures';
import { preprocessPictures } from '../../../shared/features/preprocessPictures';
import { CONTAINERS } from '../../../shared/storage/BlobStore';
import { readImageFolderReplay } from '../../../shared/replay/readImageFolderReplay';
import { imageFolderReplaySchema } from '../../../shared/replay/ReplaySpec';
import { FixedClock } from '../../support/fixedClock';
import { MemoryBlobStore } from '../../support/MemoryBlobStore';
import { centredCircle, frame, type Rgb } from '../../support/skyFrames';
import { testConfig } from '../../support/testServices';

/** A configuration with one sensor and one image source, the camera's settings as given. */
function withCamera(camera: unknown, on: 'cam' | 'meter' = 'cam'): Record<string, unknown> {
  const source = (id: string, kind: string, fields: string[]) => ({
    id,
    kind,
    provider: { endpoint: `https://${id}.example`, apiKey: 'k' },
    schedule: '0 */10 * * * *',
    fields,
    ...(id === on ? { camera } : {}),
  });
  return {
    sites: [{ id: 'park-1', latitude: 55.7, longitude: 12.6 }],
    sources: [source('meter', 'sensor', ['power_kw']), source('cam', 'image', ['cloud_all', 'brightness'])],
    target: { source: 'meter', field: 'power_kw' },
  };
}

function problemsOf(raw: unknown): string[] {
  try {
    parseConfig(raw, {});
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    return err.problems;
  }
  return [];
}

describe('sources[].camera in the configuration', () => {
  const good: [string, unknown, Partial<typeof DEFAULT_IMAGE_FEATURE_OPTIONS>][] = [
    ['absent: the defaults', undefined, {}],
    ['empty: the defaults', {}, {}],
    ['mask "none"', { mask: 'none' }, { mask: 'none' }],
    [
      'a circle and a threshold',
      { mask: { centerX: 0.5, centerY: 0.52, radius: 0.47 }, cloudThreshold: 0.05 },
      { mask: { centerX: 0.5, centerY: 0.52, radius: 0.47 }, cloudThreshold: 0.05 },
    ],
  ];
  for (const [name, camera, expected] of good) {
    test(`accepted, ${name}`, () => {
      const config = parseConfig(withCamera(camera), {});
      const cam = config.sources.find((s) => s.id === 'cam');
      assert.deepEqual(imageFeatureOptionsFor(cam?.camera), { ...DEFAULT_IMAGE_FEATURE_OPTIONS, ...expected });
    });
  }

  const bad: [string, unknown, string, RegExp, ('cam' | 'meter')?][] = [
    [
      'an unknown mask',
      { mask: 'fisheye' },
      'sources[1].camera.mask',
      /expected "auto" .*"none" .*or a circle .*\(got "fisheye"\)/,
    ],
    [
      'a circle without its radius',
      { mask: { centerX: 0.5, centerY: 0.5 } },
      'sources[1].camera.mask',
      /a circle \{ "centerX", "centerY", "radius" \}.*radius: expected a number/,
    ],
    [
      'a radius above 1',
      { mask: { centerX: 0.5, centerY: 0.5, radius: 1.5 } },
      'sources[1].camera.mask.radius',
      /at most 1 \(got 1\.5\)/,
    ],
    [
      'a centre outside the picture',
      { mask: { centerX: -0.1, centerY: 0.5, radius: 0.4 } },
      'sources[1].camera.mask.centerX',
      /between 0 and 1 \(got -0\.1\)/,
    ],
    [
      'a threshold out of range',
      { cloudThreshold: 2 },
      'sources[1].camera.cloudThreshold',
      /between -1 and 1 \(got 2\)/,
    ],
    [
      'a threshold that is no number',
      { cloudThreshold: 'low' },
      'sources[1].camera.cloudThreshold',
      /expected a number.*\(got "low"\)/,
    ],
    ['an unknown key', { threshold: 0.1 }, 'sources[1].camera', /threshold/],
    [
      'a camera on a sensor source',
      { mask: 'auto' },
      'sources[0].camera',
      /sensor source "meter" has no camera/,
      'meter',
    ],
  ];
  for (const [name, camera, path, message, on] of bad) {
    test(`refused, naming the bad value: ${name}`, () => {
      const problems = problemsOf(withCamera(camera, on));
      const hit = problems.find((p) => p.startsWith(`${path}:`));
      assert.ok(hit, `a problem at ${path}; got ${JSON.stringify(problems)}`);
      assert.match(hit, message);
    });
  }
});

describe("the source's camera reaches the feature extraction", () => {
  // A hazy sky, (B - R) / (B + R) = 0.06: cloud with the default threshold, sky for a camera set to 0.04.
  const hazy: Rgb = [150, 165, 169];
  const picture = () => frame({ width: 64, height: 64, circle: centredCircle(64, 64), sky: () => hazy, noise: 2 });

  test('preprocess-image uses the configured threshold', async () => {
    const config = testConfig();
    const skycam = config.sources.find((s) => s.id === 'skycam');
    assert.ok(skycam);
    skycam.fields = ['cloud_all'];
    const name = 'skycam/park-1/2026-06-01/2026-06-01T11:30:00.000Z.png';
    const run = async () => {
      const blobs = new MemoryBlobStore();
      await blobs.putIfAbsent(CONTAINERS.images, name, await picture());
      const [outcome] = await preprocessPictures([name], {
        blobs,
        clock: new FixedClock(new Date('2026-06-01T12:00:00Z')),
        config,
      });
      return outcome ?? assert.fail('one outcome');
    };
    const byDefault = await run();
    skycam.camera = { cloudThreshold: 0.04 };
    const configured = await run();
    assert.ok('features' in byDefault && 'features' in configured);
    assert.ok((byDefault.features?.['cloud_all'] ?? 0) > 0.9, JSON.stringify(byDefault.features));
    assert.ok((configured.features?.['cloud_all'] ?? 1) < 0.1, JSON.stringify(configured.features));
  });

  for (const format of ['png', 'gif'] as const) {
    test(`a replayed folder of ${format.toUpperCase()} pictures uses it too`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'camera-replay-'));
      for (const [i, name] of ['cam_20260601_1000', 'cam_20260601_1010'].entries())
        writeFileSync(
          join(dir, `${name}.${format}`),
          await frame(
            { width: 64, height: 64, circle: centredCircle(64, 64), sky: () => hazy, noise: 0, seed: i + 1 },
            format,
          ),
        );
      const spec = imageFolderReplaySchema.parse({
        kind: 'images',
        folder: dir,
        fileNamePattern: `cam_{yyyyMMdd_HHmm}.${format}`,
        timeZone: 'UTC',
      });
      const source = { id: 'cam', fields: ['cloud_all'], maxImageBytes: 100_000 };
      const byDefault = await readImageFolderReplay(spec, dir, source);
      const configured = await readImageFolderReplay(spec, dir, { ...source, camera: { cloudThreshold: 0.04 } });
      assert.deepEqual(byDefault.stats.rejected, []);
      assert.deepEqual(
        byDefault.observations.map((o) => o.values['cloud_all']),
        [1, 1],
      );
      assert.deepEqual(
        configured.observations.map((o) => o.values['cloud_all']),
        [0, 0],
      );
    });
  }

  test('without a camera the extractor keeps its defaults (the simulated camera)', async () => {
    const png = await picture();
    assert.deepEqual(await imageFeatures(png, imageFeatureOptionsFor(undefined)), await imageFeatures(png));
  });
});
