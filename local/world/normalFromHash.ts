import { hash32 } from '../../shared/util/hash32';

/** A standard normal number drawn from the key (Box-Muller over two hashes), for measurement noise. */
export function normalFromHash(parts: ReadonlyArray<number | string>): number {
  // +1 keeps u1 away from 0, where log() would diverge.
  const u1 = (hash32([...parts, 1]) + 1) / 4294967297;
  const u2 = hash32([...parts, 2]) / 4294967296;
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}
