/**
 * Which source the i-th bench site has no observations of: none for half the sites and for the first (the park
 * itself), one source each for the other half, in turn. So a run with many sites chooses several models and the
 * predict path makes several batches, as it would with providers down at some sites.
 */
export function missingSourceOf(siteIndex: number, sources: readonly string[]): string | undefined {
  if (!(Number.isInteger(siteIndex) && siteIndex >= 0))
    throw new RangeError(`site index must be an integer >= 0, got ${siteIndex}`);
  if (siteIndex === 0 || sources.length === 0) return undefined;
  const k = siteIndex % (2 * sources.length);
  return k < sources.length ? sources[k] : undefined;
}
