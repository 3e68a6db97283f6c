import type { SourceConfig } from '../config/ForecastConfig';

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

/** Checks one provider record against the source's configuration; the reason names the bad field and value. */
export function validateItem(raw: unknown, source: SourceConfig, siteIds: ReadonlySet<string>, now: Date): Validation {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return fail(`record is ${describe(raw)}, expected an object`);
  const r = raw as Record<string, unknown>;
  if (typeof r['site'] !== 'string') return fail(`"site" is ${describe(r['site'])}, expected a string`);
  const site = r['site'];
  if (!siteIds.has(site)) return fail(`"site" is ${JSON.stringify(site.slice(0, 60))}, expected one of ${[...siteIds].map((s) => `"${s}"`).join(', ')}`);
  const observed = parseTime(r['observedAt'], 'observedAt');
  if (typeof observed === 'string') return fail(observed);
  if (observed.getTime() > now.getTime() + MAX_FUTURE_MS) return fail(`"observedAt" ${observed.toISOString()} is in the future (now ${now.toISOString()})`);
  if (observed.getTime() < now.getTime() - MAX_AGE_MS) return fail(`"observedAt" ${observed.toISOString()} is more than 400 days old`);
  const item: ValidItem = { site, observedAt: observed.toISOString() };
  if (r['publishedAt'] !== undefined) {
    const published = parseTime(r['publishedAt'], 'publishedAt');
    if (typeof published === 'string') return fail(published);
    item.publishedAt = published.toISOString();
  }
  if (source.kind === 'sensor') {
    const values = r['values'];
    if (values === null || typeof values !== 'object' || Array.isArray(values)) return fail(`"values" is ${describe(values)}, expected an object of numbers`);
    const out: Record<string, number> = {};
    for (const field of source.fields) {
      const v = (values as Record<string, unknown>)[field];
      if (typeof v !== 'number' || !Number.isFinite(v)) return fail(`"values.${field}" is ${describe(v)}, expected a finite number`);
      out[field] = v;
    }
    item.values = out;
  } else {
    const url = r['imageUrl'];
    if (typeof url !== 'string' || url.length === 0 || url.length > 1024) return fail(`"imageUrl" is ${describe(url)}, expected a path string`);
    if (/^[a-z]+:/i.test(url) || url.includes('..')) return fail(`"imageUrl" ${JSON.stringify(url.slice(0, 100))} is not a path under the provider endpoint`);
    item.imageUrl = url;
  }
  return { ok: true, item };
}

function parseTime(v: unknown, name: string): Date | string {
  if (typeof v !== 'string') return `"${name}" is ${describe(v)}, expected an ISO 8601 time`;
  // Require an explicit zone so a provider's local time is never silently read as ours.
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(v)) {
    return `"${name}" is ${JSON.stringify(v.slice(0, 60))}, expected an ISO 8601 time with a zone (e.g. 2026-01-01T10:00:00Z)`;
  }
  const t = new Date(v);
  // Date rolls 2026-02-31 over to March; a calendar date that does not exist is an error, not a guess.
  const [y, m, d] = v.slice(0, 10).split('-').map(Number) as [number, number, number];
  if (Number.isNaN(t.getTime()) || new Date(Date.UTC(y, m - 1, d)).getUTCDate() !== d) return `"${name}" is ${JSON.stringify(v.slice(0, 60))}, not a valid time`;
  return t;
}

function describe(v: unknown): string {
  if (v === undefined) return 'missing';
  if (v === null) return 'null';
  if (typeof v === 'number') return Number.isNaN(v) ? 'NaN' : String(v);
  if (typeof v === 'string') return JSON.stringify(v.slice(0, 60));
  if (Array.isArray(v)) return 'an array';
  return `a ${typeof v}`;
}

function fail(reason: string): Validation {
  return { ok: false, reason };
}
