import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import sharp from 'sharp';
import type { CameraMask } from '../../../shared/config/cameraSchema';
import {
  DEFAULT_IMAGE_FEATURE_OPTIONS,
  type ImageFeatures,
  imageFeatures,
} from '../../../shared/features/imageFeatures';
import { skyView } from '../../../shared/features/skyView';
import {
  centredCircle,
  CLEAR_SKY,
  frame,
  type FrameSpec,
  NIGHT_SKY,
  OVERCAST,
  type Rgb,
  SUN,
} from '../../support/skyFrames';

/**
 * Frames shaped like a real fisheye all-sky camera's: black corners outside the circle (about 40 % of a square
 * frame), a clear sky whose red/blue ratio is 0.7, not the simulated camera's 0.27.
 */
type Sky = (circle: { cx: number; cy: number; r: number }) => (x: number, y: number) => Rgb;

const SKIES: Record<string, Sky> = {
  clear: () => () => CLEAR_SKY,
  'clear with a saturated sun': (c) => {
    const sun = { x: c.cx + 0.45 * c.r, y: c.cy - 0.35 * c.r, r: 0.25 * c.r };
    return (x, y) => ((x - sun.x) ** 2 + (y - sun.y) ** 2 < sun.r ** 2 ? SUN : CLEAR_SKY);
  },
  overcast: () => () => OVERCAST,
  'cloud over the western half': (c) => (x) => (x < c.cx ? OVERCAST : CLEAR_SKY),
  night: () => () => NIGHT_SKY,
};

/** What each sky must give: [feature, lowest, highest]. */
const EXPECTED: Record<string, [keyof ImageFeatures, number, number][]> = {
  clear: [
    ['cloud_all', 0, 0.1],
    ['cloud_center', 0, 0.1],
    ['brightness', 0.54, 0.6],
  ],
  // The sun covers 6 % of the sky, most of it in the eastern sector: counted as cloud, it would show there.
  'clear with a saturated sun': [
    ['cloud_all', 0, 0.02],
    ['cloud_n', 0, 0.05],
    ['cloud_e', 0, 0.05],
  ],
  overcast: [
    ['cloud_all', 0.9, 1],
    ['cloud_center', 0.9, 1],
    ['cloud_n', 0.9, 1],
  ],
  'cloud over the western half': [
    ['cloud_all', 0.4, 0.6],
    ['cloud_w', 0.9, 1],
    ['cloud_e', 0, 0.1],
    ['cloud_n', 0.35, 0.65],
    ['cloud_s', 0.35, 0.65],
  ],
  night: [
    ['cloud_all', 0, 0],
    ['brightness', 0, 0.03],
  ],
};

const SIZES: [number, number][] = [
  [64, 64],
  [640, 480],
  [480, 640],
];

/**
 * The same cloud fractions, brightness and contrast: reducing the picture to the analysis grid blends the pixels
 * just outside the mask into the cells just inside it, by a ten-thousandth or so of brightness.
 */
function assertSame(actual: ImageFeatures, expected: ImageFeatures): void {
  for (const k of Object.keys(expected) as (keyof ImageFeatures)[]) {
    const tolerance = k === 'brightness' || k === 'contrast' ? 0.002 : 0;
    assert.ok(Math.abs(actual[k] - expected[k]) <= tolerance, `${k}: ${actual[k]}, expected ${expected[k]}`);
  }
}

function spec(width: number, height: number, sky: Sky, seed = 3): FrameSpec {
  const circle = centredCircle(width, height);
  return { width, height, circle, sky: sky(circle), seed };
}

describe('a fisheye all-sky camera: the circle is found in the picture, black corners never count', () => {
  for (const [width, height] of SIZES) {
    for (const [name, sky] of Object.entries(SKIES)) {
      test(`${width}x${height}, ${name}`, async () => {
        const f = await imageFeatures(await frame(spec(width, height, sky)));
        for (const [feature, low, high] of EXPECTED[name] ?? []) {
          assert.ok(f[feature] >= low && f[feature] <= high, `${feature} ${f[feature]} in [${low}, ${high}]`);
        }
      });
    }
  }

  test('a clear sky is clearer than an overcast one in every feature that counts cloud (the bug this fixes)', async () => {
    const clear = await imageFeatures(await frame(spec(64, 64, SKIES['clear with a saturated sun'] as Sky)));
    const overcast = await imageFeatures(await frame(spec(64, 64, SKIES['overcast'] as Sky)));
    for (const k of ['cloud_all', 'cloud_center', 'cloud_n', 'cloud_e', 'cloud_s', 'cloud_w'] as const)
      assert.ok(overcast[k] - clear[k] > 0.8, `${k}: clear ${clear[k]}, overcast ${overcast[k]}`);
  });

  test("brightness is the sky's, not diluted by the corners", async () => {
    const f = await imageFeatures(await frame(spec(640, 480, SKIES['clear'] as Sky)));
    const luma = (0.2126 * CLEAR_SKY[0] + 0.7152 * CLEAR_SKY[1] + 0.0722 * CLEAR_SKY[2]) / 255;
    assert.ok(Math.abs(f.brightness - luma) < 0.02, `brightness ${f.brightness}, sky ${luma.toFixed(4)}`);
  });

  test('a caption in a corner neither hides the rim nor widens the circle', async () => {
    const s = spec(64, 64, SKIES['overcast'] as Sky);
    const plain = await imageFeatures(await frame(s));
    const captioned = await imageFeatures(
      await frame({ ...s, outside: (x, y) => (x < 12 && y > 58 ? [250, 250, 250] : [1, 1, 1]) }),
    );
    assertSame(captioned, plain);
  });
});

describe('the sky view', () => {
  const grid = async (png: Buffer, width: number, height: number) => ({
    data: await sharp(png).resize(32, 32, { fit: 'fill' }).raw().toBuffer(),
    n: 32,
    channels: 3,
    width,
    height,
  });
  const cases: [string, FrameSpec, 'frame' | 'found' | 'default'][] = [
    ['centred 64x64', spec(64, 64, SKIES['clear'] as Sky), 'found'],
    ['centred 640x480', spec(640, 480, SKIES['clear'] as Sky), 'found'],
    ['centred 480x640', spec(480, 640, SKIES['overcast'] as Sky), 'found'],
    [
      'off-centre, larger than the short side (clipped at top and bottom)',
      { width: 640, height: 480, circle: { cx: 300, cy: 240, r: 270 }, sky: () => CLEAR_SKY },
      'found',
    ],
    ['night: nothing to find, the inscribed circle', spec(64, 64, SKIES['night'] as Sky), 'default'],
    ['no rim (a top-down view, a crop): the whole frame', { width: 64, height: 64, sky: () => CLEAR_SKY }, 'frame'],
    [
      'a dim sky, no rim (the simulated camera at night): the whole frame',
      { width: 64, height: 64, sky: () => [7, 15, 27], noise: 2.5 },
      'frame',
    ],
  ];
  for (const [name, s, kind] of cases) {
    test(name, async () => {
      const view = skyView(await grid(await frame(s), s.width, s.height), 'auto', DEFAULT_IMAGE_FEATURE_OPTIONS);
      assert.equal(view.kind, kind);
      if (kind !== 'found' || !s.circle) return;
      // Known to about a cell of the 32-cell grid.
      const cell = Math.max(s.width, s.height) / 32;
      assert.ok(Math.abs(view.cx - s.circle.cx) <= cell, `cx ${view.cx} vs ${s.circle.cx}`);
      assert.ok(Math.abs(view.cy - s.circle.cy) <= cell, `cy ${view.cy} vs ${s.circle.cy}`);
      assert.ok(Math.abs(view.diameter / 2 - s.circle.r) <= 1.5 * cell, `radius ${view.diameter / 2} vs ${s.circle.r}`);
    });
  }
});

describe('other formats decode to the same features as the PNG of the same pixels', () => {
  for (const format of ['gif', 'tiff'] as const) {
    test(format, async () => {
      // No sky noise: few enough colours for GIF's palette to be exact.
      const s: FrameSpec = { ...spec(64, 64, SKIES['cloud over the western half'] as Sky), noise: 0 };
      const png = await imageFeatures(await frame(s));
      assert.deepEqual(await imageFeatures(await frame(s, format)), png);
    });
  }

  test('webp (lossless; its decoder shrinks on load, so brightness may differ in the third decimal)', async () => {
    const s: FrameSpec = { ...spec(64, 64, SKIES['cloud over the western half'] as Sky), noise: 0 };
    const png = await imageFeatures(await frame(s));
    const webp = await imageFeatures(await frame(s, 'webp'));
    for (const k of Object.keys(png) as (keyof ImageFeatures)[])
      assert.ok(Math.abs(webp[k] - png[k]) <= 0.005, `${k}: WebP ${webp[k]}, PNG ${png[k]}`);
  });

  test('a noisy frame as GIF (palette of 256) gives features within 0.02 of its PNG', async () => {
    const s = spec(480, 640, SKIES['clear with a saturated sun'] as Sky);
    const png = await imageFeatures(await frame(s));
    const gif = await imageFeatures(await frame(s, 'gif'));
    for (const k of Object.keys(png) as (keyof ImageFeatures)[])
      assert.ok(Math.abs(gif[k] - png[k]) <= 0.02, `${k}: GIF ${gif[k]}, PNG ${png[k]}`);
  });
});

describe('a configured mask and threshold', () => {
  const CIRCLE: CameraMask = { centerX: 0.5, centerY: 0.5, radius: 0.48 };

  test('a configured circle reads what auto finds, and whatever lies outside it is never counted', async () => {
    const s = spec(640, 480, SKIES['cloud over the western half'] as Sky);
    const options = { ...DEFAULT_IMAGE_FEATURE_OPTIONS, mask: CIRCLE };
    const black = await imageFeatures(await frame(s), options);
    const garish = await imageFeatures(await frame({ ...s, outside: () => [250, 30, 30] }), options);
    assertSame(garish, black);
    const auto = await imageFeatures(await frame(s));
    for (const k of ['cloud_all', 'cloud_w', 'cloud_e'] as const)
      assert.ok(Math.abs(auto[k] - black[k]) < 0.05, `${k}: auto ${auto[k]}, configured ${black[k]}`);
  });

  test('mask "none" takes the whole frame: the dark corners are not cloud, but they dim the brightness', async () => {
    const png = await frame(spec(64, 64, SKIES['clear'] as Sky));
    const none = await imageFeatures(png, { ...DEFAULT_IMAGE_FEATURE_OPTIONS, mask: 'none' });
    const auto = await imageFeatures(png);
    assert.ok(none.cloud_all < 0.1, `cloud_all ${none.cloud_all}`);
    assert.ok(none.brightness < auto.brightness - 0.1, `brightness ${none.brightness} vs ${auto.brightness}`);
  });

  // A hazy sky, (B - R) / (B + R) = 0.06: cloud for the default threshold (0.1), sky for a camera set to 0.04. A
  // threshold as high as 0.25 (red/blue 0.6, the old fixed test) takes even the clear sky for cloud.
  const hazy: Rgb = [150, 165, 169];
  const thresholds: [string, Rgb, number | undefined, number, number][] = [
    ['hazy', hazy, undefined, 0.9, 1],
    ['hazy', hazy, 0.04, 0, 0.1],
    ['clear', CLEAR_SKY, undefined, 0, 0.1],
    ['clear', CLEAR_SKY, 0.25, 0.9, 1],
  ];
  for (const [name, colour, threshold, low, high] of thresholds) {
    test(`a ${name} sky with cloudThreshold ${threshold ?? 'default (0.1)'}: cloud_all in [${low}, ${high}]`, async () => {
      const png = await frame({ ...spec(64, 64, () => () => colour), noise: 2 });
      const f = await imageFeatures(png, {
        ...DEFAULT_IMAGE_FEATURE_OPTIONS,
        ...(threshold === undefined ? {} : { cloudThreshold: threshold }),
      });
      assert.ok(f.cloud_all >= low && f.cloud_all <= high, `cloud_all ${f.cloud_all}`);
    });
  }
});
