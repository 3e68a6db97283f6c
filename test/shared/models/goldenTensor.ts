import type { GoldenTensor } from '../../fixtures/models/GoldenFile';

/** A golden tensor's data as float32, with JSON's null read back as NaN. */
export function goldenFloat32(tensor: GoldenTensor): Float32Array {
  return Float32Array.from(tensor.data, (v) => (v === null ? Number.NaN : v));
}
