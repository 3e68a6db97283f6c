/**
 * A uniform draw in [0, 1) that depends only on its key (a seed, a source, a time, ...): murmur3-style mixing,
 * then a mulberry32 step. Keyed rather than sequential, so adding or removing a record never changes the draws of
 * the others and a replay is reproducible record by record.
 */
export function seededUnit(parts: ReadonlyArray<number | string>): number {
  let h = 0x9e3779b9;
  for (const part of parts) {
    if (typeof part === 'string') {
      h = mix(h, part.length);
      for (let i = 0; i < part.length; i++) h = mix(h, part.charCodeAt(i));
    } else {
      // Two 32-bit words, so epoch milliseconds (> 2^32) keep all their bits.
      h = mix(mix(h, part >>> 0), Math.floor(part / 4294967296) >>> 0);
    }
  }
  let t = (finalise(h) + 0x6d2b79f5) | 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

function mix(h: number, word: number): number {
  let k = Math.imul(word, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

function finalise(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
