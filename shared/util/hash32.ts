/**
 * A stateless 32-bit hash of a list of numbers and strings (murmur3-style mixing).
 * The world draws every random choice and every bit of measurement noise from it, so a value depends only on
 * its key (seed, source, site, time, ...) and never on the order in which values are computed.
 */
export function hash32(parts: ReadonlyArray<number | string>): number {
  let h = 0x9e3779b9;
  for (const part of parts) {
    if (typeof part === 'string') {
      h = mix(h, part.length);
      for (let i = 0; i < part.length; i++) h = mix(h, part.charCodeAt(i));
    } else {
      // Split into two 32-bit words so epoch milliseconds (> 2^32) keep all their bits.
      const lo = part >>> 0;
      const hi = Math.floor(part / 4294967296) >>> 0;
      h = mix(mix(h, lo), hi);
    }
  }
  return finalise(h);
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
