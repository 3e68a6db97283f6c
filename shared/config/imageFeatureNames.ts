/** The features every image source yields, in this order (see imageFeatures.ts). */
export const IMAGE_FEATURES = [
  'cloud_all',
  'cloud_center',
  'cloud_n',
  'cloud_e',
  'cloud_s',
  'cloud_w',
  'brightness',
  'contrast',
] as const;
