import { z } from 'zod';

const fraction = (what: string) =>
  z
    .number({ error: `expected a number: ${what}` })
    .min(0, `expected ${what} between 0 and 1`)
    .max(1, `expected ${what} between 0 and 1`);

/** A fisheye circle: its centre as fractions of the picture's width and height, its radius of the shorter side. */
export const fisheyeCircleSchema = z.strictObject({
  /** Centre, as a fraction of the width from the left edge. */
  centerX: fraction("the circle's centre as a fraction of the width"),
  /** Centre, as a fraction of the height from the top edge. */
  centerY: fraction("the circle's centre as a fraction of the height"),
  /** Radius, as a fraction of the shorter side: 0.5 touches the short edges. */
  radius: z
    .number({ error: "expected a number: the circle's radius as a fraction of the shorter side" })
    .gt(0, "expected the circle's radius, as a fraction of the shorter side, above 0")
    .max(1, "expected the circle's radius, as a fraction of the shorter side, at most 1"),
});

const MASK_HELP =
  'expected "auto" (find the fisheye circle in each picture), "none" (the whole frame) or a circle ' +
  '{ "centerX", "centerY", "radius" } (fractions of the width, the height and the shorter side)';

/** Which pixels show the sky: found in each picture, the whole frame, or a fixed circle. */
export const cameraMaskSchema = z.union([z.enum(['auto', 'none']), fisheyeCircleSchema], {
  error: (issue) => {
    const input = issue.input;
    // An object meant a circle: say what is wrong with it rather than that it is not "auto".
    const circle = 'errors' in issue && Array.isArray(issue.errors) ? (issue.errors[1] as z.core.$ZodIssue[]) : [];
    if (input !== null && typeof input === 'object' && !Array.isArray(input) && circle.length > 0)
      return `${MASK_HELP}; ${circle.map((i) => `${i.path.map(String).join('.')}: ${i.message}`).join('; ')}`;
    return MASK_HELP;
  },
});

/**
 * How an image source's camera is read (`sources[].camera`). Unset keys take the preprocessor's defaults
 * (DEFAULT_IMAGE_FEATURE_OPTIONS), which suit an unknown camera: a top-down view or a fisheye all-sky camera.
 */
export const cameraSchema = z.strictObject({
  /** `auto` (default): a fisheye circle is found in each picture, the whole frame when it has no black rim. */
  mask: cameraMaskSchema.optional(),
  /**
   * A pixel is cloud when its normalised blue-red ratio (B - R) / (B + R) is below this (default 0.1: clear sky
   * scatters blue, about 0.18 in real cameras; cloud is grey-white, about 0 to 0.03).
   */
  cloudThreshold: z
    .number({
      error: 'expected a number: the normalised blue-red ratio (B - R) / (B + R) below which a pixel is cloud',
    })
    .gt(-1, 'expected a normalised blue-red ratio between -1 and 1')
    .lt(1, 'expected a normalised blue-red ratio between -1 and 1')
    .optional(),
});

export type CameraMask = z.infer<typeof cameraMaskSchema>;
export type CameraConfig = z.infer<typeof cameraSchema>;
