import { hash32 } from '../util/hash32';

/**
 * A uniform draw in [0, 1) that depends only on its key (a seed, a source, a time, ...): murmur3-style mixing,
 * then a mulberry32 step. Keyed rather than sequential, so adding or removing a record never changes the draws of
 * the others and a replay is reproducible record by record.
 */
export function seededUnit(parts: ReadonlyArray<number | string>): number {
  let t = (hash32(parts) + 0x6d2b79f5) | 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
