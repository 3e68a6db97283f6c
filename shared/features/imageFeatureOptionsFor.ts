import type { CameraConfig } from '../config/cameraSchema';
import { DEFAULT_IMAGE_FEATURE_OPTIONS, type ImageFeatureOptions } from './imageFeatures';

/** The extractor's options for a source's camera (`sources[].camera`): what it sets over `base`, the rest from `base`. */
export function imageFeatureOptionsFor(
  camera: CameraConfig | undefined,
  base: ImageFeatureOptions = DEFAULT_IMAGE_FEATURE_OPTIONS,
): ImageFeatureOptions {
  return {
    ...base,
    ...(camera?.mask !== undefined ? { mask: camera.mask } : {}),
    ...(camera?.cloudThreshold !== undefined ? { cloudThreshold: camera.cloudThreshold } : {}),
  };
}
