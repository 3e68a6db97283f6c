/**
 * A forecast source's record is one run of someone else's forecast: observedAt is the run's `runAt` (when their
 * model started), availableAt when we first had it, and its values are keyed `<field>@+<minutes after runAt>`, one
 * per step and field. Stored, listed, deduplicated and read as-of availability exactly like an observation.
 */

/** Longest step offset a run may carry (minutes): 16 days, beyond any weather model's horizon. */
export const MAX_RUN_OFFSET_MINUTES = 16 * 24 * 60;

/** The value key of `field` at `offsetMinutes` after the run's runAt, e.g. `ghi_wm2@+90`. */
export function runValueKey(field: string, offsetMinutes: number): string {
  return `${field}@+${offsetMinutes}`;
}

/** The field and offset of a run value key, or undefined when the key is not one. */
export function parseRunValueKey(key: string): { field: string; offsetMinutes: number } | undefined {
  const offset = runValueOffset(key);
  return offset === undefined ? undefined : { field: key.slice(0, key.lastIndexOf('@+')), offsetMinutes: offset };
}

/** The offset of a run value key (as parseRunValueKey reads it), without building the pair: health reads every key. */
export function runValueOffset(key: string): number | undefined {
  const at = key.lastIndexOf('@+');
  if (at <= 0) return undefined;
  const text = key.slice(at + 2);
  const offset = Number(text);
  if (!Number.isInteger(offset) || offset < 0 || offset > MAX_RUN_OFFSET_MINUTES || text !== String(offset))
    return undefined;
  return offset;
}

/** The steps of one field of a run, by offset (minutes after runAt), ascending; non-finite values left out. */
export function runSteps(
  values: Readonly<Record<string, number>>,
  field: string,
): { offsets: number[]; values: number[] } {
  const steps: [number, number][] = [];
  // Only keys that start with the field's prefix can be its steps: the others are not parsed (a run has hundreds).
  const prefix = `${field}@+`;
  // What parseRunValueKey accepts as this field's key, without its allocations (predict reads a run per site):
  // no other `@+` after the prefix, and a whole number of minutes written as String writes it.
  if (field.length === 0) return { offsets: [], values: [] };
  for (const key of Object.keys(values)) {
    if (!key.startsWith(prefix)) continue;
    const v = values[key] as number;
    if (!Number.isFinite(v)) continue;
    const rest = key.slice(prefix.length);
    if (rest.includes('@+')) continue;
    const offset = Number(rest);
    if (Number.isInteger(offset) && offset >= 0 && offset <= MAX_RUN_OFFSET_MINUTES && rest === String(offset))
      steps.push([offset, v]);
  }
  steps.sort((a, b) => a[0] - b[0]);
  return { offsets: steps.map((s) => s[0]), values: steps.map((s) => s[1]) };
}

/**
 * The run's value of `field` at `offsetMinutes` after its runAt: linear between the two steps around it, the step
 * itself when it falls on one, undefined outside the run's steps (never extrapolated).
 */
export function runValueAt(
  steps: { readonly offsets: readonly number[]; readonly values: readonly number[] },
  offsetMinutes: number,
): number | undefined {
  const { offsets, values } = steps;
  if (offsets.length === 0 || !Number.isFinite(offsetMinutes)) return undefined;
  if (offsetMinutes < (offsets[0] as number) || offsetMinutes > (offsets[offsets.length - 1] as number))
    return undefined;
  let lo = 0;
  let hi = offsets.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if ((offsets[mid] as number) <= offsetMinutes) lo = mid;
    else hi = mid;
  }
  const a = offsets[lo] as number;
  const b = offsets[hi] as number;
  if (offsetMinutes === a || a === b) return values[lo] as number;
  if (offsetMinutes === b) return values[hi] as number;
  const w = (offsetMinutes - a) / (b - a);
  return (values[lo] as number) * (1 - w) + (values[hi] as number) * w;
}
