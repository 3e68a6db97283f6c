import { hash32 } from '../../shared/util/hash32';

/** A uniform number in [0, 1) drawn from the key (see hash32). */
export function unitFromHash(parts: ReadonlyArray<number | string>): number {
  return hash32(parts) / 4294967296;
}
