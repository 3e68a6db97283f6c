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
  return offsetAt(key, at + 2);
}

/**
 * The whole number of minutes written from `start` to the end of `key`, as String writes it (digits, no leading
 * zero), from 0 to MAX_RUN_OFFSET_MINUTES; undefined otherwise. Read digit by digit: predict reads a run per site.
 */
function offsetAt(key: string, start: number): number | undefined {
  const end = key.length;
  if (start >= end || end - start > 6) return undefined;
  if (key.charCodeAt(start) === 48 /* 0 */) return end - start === 1 ? 0 : undefined;
  let offset = 0;
  for (let i = start; i < end; i++) {
    const d = key.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return undefined;
    offset = offset * 10 + d;
  }
  return offset <= MAX_RUN_OFFSET_MINUTES ? offset : undefined;
}

/** The steps of one field of a run, by offset (minutes after runAt), ascending; non-finite values left out. */
export function runSteps(
  values: Readonly<Record<string, number>>,
  field: string,
): { offsets: number[]; values: number[] } {
  const offsets: number[] = [];
  const stepValues: number[] = [];
  if (field.length === 0) return { offsets, values: stepValues };
  // Only keys that start with the field's prefix can be its steps: the others are not parsed (a run has hundreds).
  // What parseRunValueKey accepts as this field's key: no other `@+` after the prefix (digits only), and a whole
  // number of minutes written as String writes it.
  const prefix = `${field}@+`;
  let sorted = true;
  for (const key of Object.keys(values)) {
    if (!key.startsWith(prefix)) continue;
    const v = values[key] as number;
    if (!Number.isFinite(v)) continue;
    const offset = offsetAt(key, prefix.length);
    if (offset === undefined) continue;
    if (offsets.length > 0 && offset < (offsets[offsets.length - 1] as number)) sorted = false;
    offsets.push(offset);
    stepValues.push(v);
  }
  if (sorted) return { offsets, values: stepValues };
  // Keys out of order (as a provider listed them): sort the steps by offset.
  const order = offsets.map((_, i) => i).sort((a, b) => (offsets[a] as number) - (offsets[b] as number));
  return { offsets: order.map((i) => offsets[i] as number), values: order.map((i) => stepValues[i] as number) };
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
