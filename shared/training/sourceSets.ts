/** Every non-empty subset of `sources` (in their order) plus the empty set (the baseline), fullest first. */
export function sourceSets(sources: readonly string[]): string[][] {
  const sets: string[][] = [];
  for (let mask = (1 << sources.length) - 1; mask >= 0; mask--) {
    sets.push(sources.filter((_, i) => mask & (1 << i)));
  }
  return sets.sort((a, b) => b.length - a.length);
}

/** A model id for a source set: `all`, `none` or the sources joined with `+`. */
export function sourceSetName(set: readonly string[], all: readonly string[]): string {
  if (set.length === 0) return 'none';
  if (set.length === all.length) return 'all';
  return set.join('+');
}
