import type { SourceConfig } from '../config/ForecastConfig';
import { MAX_RUN_OFFSET_MINUTES, parseRunValueKey } from '../sources/forecastRun';
import { describeValue as describe, parseIsoTime as parseTime, quote } from '../time/parseIsoTime';

/** A provider item that passed validation, normalised (ISO times in `toISOString()` form). */
export interface ValidItem {
  site: string;
  observedAt: string;
  publishedAt?: string;
  values?: Record<string, number>;
  imageUrl?: string;
}

export type Validation = { ok: true; item: ValidItem } | { ok: false; reason: string };

/** How far in the future an observedAt may lie (clock skew between provider and us). */
const MAX_FUTURE_MS = 5 * 60_000;
/** Older than this is not a late record but a broken one. */
const MAX_AGE_MS = 400 * 86_400_000;

/** Most value keys a forecast run may carry (steps x fields): beyond it, a run is a broken or hostile one. */
export const MAX_RUN_KEYS = 2000;

/** Checks one provider record against the source's configuration; the reason names the bad field and value. */
export function validateItem(raw: unknown, source: SourceConfig, siteIds: ReadonlySet<string>, now: Date): Validation {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    return fail(`record is ${describe(raw)}, expected an object`);
  const r = raw as Record<string, unknown>;
  if (typeof r['site'] !== 'string') return fail(`"site" is ${describe(r['site'])}, expected a string`);
  const site = r['site'];
  if (!siteIds.has(site))
    return fail(`"site" is ${quote(site)}, expected one of ${[...siteIds].map((s) => `"${s}"`).join(', ')}`);
  const observed = parseTime(r['observedAt'], 'observedAt');
  if (typeof observed === 'string') return fail(observed);
  if (observed.getTime() > now.getTime() + MAX_FUTURE_MS)
    return fail(`"observedAt" ${observed.toISOString()} is in the future (now ${now.toISOString()})`);
  if (observed.getTime() < now.getTime() - MAX_AGE_MS)
    return fail(`"observedAt" ${observed.toISOString()} is more than 400 days old`);
  const item: ValidItem = { site, observedAt: observed.toISOString() };
  if (r['publishedAt'] !== undefined) {
    const published = parseTime(r['publishedAt'], 'publishedAt');
    if (typeof published === 'string') return fail(published);
    // Availability is derived from publishedAt in training: one in the future or before the measurement is broken.
    if (published.getTime() > now.getTime() + MAX_FUTURE_MS)
      return fail(`"publishedAt" ${published.toISOString()} is in the future (now ${now.toISOString()})`);
    if (published.getTime() < observed.getTime())
      return fail(`"publishedAt" ${published.toISOString()} is before "observedAt" ${observed.toISOString()}`);
    item.publishedAt = published.toISOString();
  }
  if (source.kind === 'sensor') {
    const values = r['values'];
    if (values === null || typeof values !== 'object' || Array.isArray(values))
      return fail(`"values" is ${describe(values)}, expected an object of numbers`);
    const out: Record<string, number> = {};
    for (const field of source.fields) {
      const v = Object.hasOwn(values, field) ? (values as Record<string, unknown>)[field] : undefined;
      if (typeof v !== 'number' || !Number.isFinite(v))
        return fail(`"values.${field}" is ${describe(v)}, expected a finite number`);
      out[field] = v;
    }
    item.values = out;
  } else if (source.kind === 'forecast') {
    const values = validateRun(r['values'], source.fields);
    if (typeof values === 'string') return fail(values);
    item.values = values;
  } else {
    const url = r['imageUrl'];
    if (typeof url !== 'string' || url.length === 0 || url.length > 1024)
      return fail(`"imageUrl" is ${describe(url)}, expected a path string of at most 1024 characters`);
    // Only a plain path under the endpoint: no scheme, no host ("//"), no dot segments (also %-encoded), no
    // backslashes or control characters that URL parsers read differently.
    if (/^[a-z][a-z0-9+.-]*:/i.test(url) || url.startsWith('//') || /\.\.|%2e|\\|[\u0000-\u001f\u007f]/i.test(url)) {
      return fail(`"imageUrl" ${quote(url)} is not a path under the provider endpoint`);
    }
    item.imageUrl = url;
  }
  return { ok: true, item };
}

/**
 * A forecast run's values: every key `<field>@+<minutes after runAt>` of a configured field, a finite number each,
 * at least one step per field, at most MAX_RUN_KEYS keys; or the reason naming the first bad key or value.
 */
function validateRun(values: unknown, fields: readonly string[]): Record<string, number> | string {
  if (values === null || typeof values !== 'object' || Array.isArray(values))
    return `"values" is ${describe(values)}, expected an object of numbers keyed "<field>@+<minutes>"`;
  const entries = Object.entries(values as Record<string, unknown>);
  if (entries.length > MAX_RUN_KEYS)
    return `"values" has ${entries.length} keys, more than the ${MAX_RUN_KEYS} a run may carry`;
  const known = new Set(fields);
  const steps = new Map<string, number>();
  const out: Record<string, number> = {};
  for (const [key, v] of entries) {
    const parsed = parseRunValueKey(key);
    if (!parsed)
      return `"values" key ${quote(key)} is not "<field>@+<minutes after runAt>" (whole minutes, 0..${MAX_RUN_OFFSET_MINUTES})`;
    if (!known.has(parsed.field))
      return `"values" key ${quote(key)} names the field ${quote(parsed.field)}, expected one of ${fields.map((f) => `"${f}"`).join(', ')}`;
    if (typeof v !== 'number' || !Number.isFinite(v))
      return `"values.${key}" is ${describe(v)}, expected a finite number`;
    steps.set(parsed.field, (steps.get(parsed.field) ?? 0) + 1);
    out[key] = v;
  }
  const empty = fields.filter((f) => !steps.has(f));
  if (empty.length > 0)
    return `"values" has no step of ${empty.map((f) => `"${f}"`).join(', ')} (keys "<field>@+<minutes after runAt>")`;
  return out;
}

function fail(reason: string): Validation {
  return { ok: false, reason };
}
