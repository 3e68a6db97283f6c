import { z } from 'zod';
import { timeZoneSpec as timeZone } from '../time/timeZoneSpec';
import { placeholdersIn } from '../util/urlTemplate';

/**
 * How a source's provider is read (`provider.protocol`): our own wire format, or a declarative adapter for another
 * company's API (a time-window GET answered with JSON or CSV, or a camera's snapshot URL). Modelled on Telegraf's
 * `inputs.http` with its `json_v2` and `csv` parsers, kept small and typed.
 */

/** `iso`, `epoch-seconds`, `epoch-millis`, or a luxon format such as `yyyy-MM-dd HH:mm:ss`. */
const timeFormat = z.string().min(1);

/** How a time is written, and in which zone a wall-clock time is read (a time with its own offset keeps it). */
export const timeSpecSchema = z.strictObject({
  /** `iso` (default), `epoch-seconds`, `epoch-millis`, or a luxon format such as `yyyy-MM-dd HH:mm:ss`. */
  format: timeFormat.default('iso'),
  /** Zone of wall-clock times; IANA names follow daylight-saving changes. */
  timeZone: timeZone.default('UTC'),
});

/** Path into a JSON document: `power.values`, `data[0].rows`, `["key.with.dots"]`; empty: the document itself. */
const jsonPath = z.string().max(500);

/** Authentication, its secret normally an app-setting reference such as `%SITE_METER_KEY%`. */
export const authSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('none') }),
  /** A header carrying the key, e.g. `x-api-key`. */
  z.strictObject({
    kind: z.literal('header'),
    name: z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'expected an HTTP header name'),
    value: z.string().min(1),
  }),
  /** A query parameter carrying the key, e.g. `api_key`. */
  z.strictObject({
    kind: z.literal('query'),
    name: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'expected a query parameter name'),
    value: z.string().min(1),
  }),
  /** `Authorization: Bearer <token>`. */
  z.strictObject({ kind: z.literal('bearer'), token: z.string().min(1) }),
  /** HTTP Basic authentication (IP cameras). */
  z.strictObject({ kind: z.literal('basic'), username: z.string().min(1), password: z.string().min(1) }),
]);

/** What every HTTP protocol shares: where it may go, how it proves itself, and the limits that protect us from it. */
const httpCommon = {
  /**
   * Base URL; the only scheme, host and port that receives the credentials (redirects are followed within it; a
   * picture may be redirected to a CDN, fetched without them). https, or http to a loopback host (see plainHttpProblem).
   */
  endpoint: z.url({ protocol: /^https?$/ }),
  auth: authSchema.default({ kind: 'none' }),
  /** Extra request headers, e.g. `{ "accept": "application/json" }`. */
  headers: z.record(z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'expected an HTTP header name'), z.string()).default({}),
  /** Per-request timeout in milliseconds. */
  timeoutMs: z.number().int().min(100).max(120_000).default(10_000),
  /** Largest response body read, in bytes; a longer one is refused (and its first bytes quarantined). */
  maxResponseBytes: z
    .number()
    .int()
    .min(1024)
    .max(64 * 1024 * 1024)
    .default(16 * 1024 * 1024),
  /** At most this many requests per run; the next run continues from the watermark. */
  maxRequestsPerRun: z.number().int().min(1).max(10_000).default(100),
  /** The site's own id at the provider by our site id (`{providerSiteId}`); a site not listed uses our id. */
  sites: z.record(z.string(), z.string().min(1)).default({}),
};

/** The request template: path and query under the endpoint, with placeholders (see PLACEHOLDERS). */
const requestTemplate = {
  /** Path under the endpoint, e.g. `/site/{providerSiteId}/power`. */
  path: z.string().max(1000).default(''),
  /** Query parameters, values with placeholders, e.g. `{ "startTime": "{from}" }`; encoded when sent. */
  query: z.record(z.string().min(1), z.string()).default({}),
};

/** Placeholders a request template may use. */
export const PLACEHOLDERS = ['from', 'to', 'providerSiteId', 'site', 'latitude', 'longitude'] as const;
/** Placeholders that make the request per site. */
export const SITE_PLACEHOLDERS: readonly string[] = ['providerSiteId', 'site', 'latitude', 'longitude'];

/** The placeholders a request template uses, in its path and query. */
export function requestPlaceholders(request: { path: string; query: Readonly<Record<string, string>> }): string[] {
  return [request.path, ...Object.values(request.query)].flatMap(placeholdersIn);
}

/** Whether a request template names the site (so it is made once per site). */
export function requestNamesSite(request: { path: string; query: Readonly<Record<string, string>> }): boolean {
  return requestPlaceholders(request).some((name) => SITE_PLACEHOLDERS.includes(name));
}

export const windowRequestSchema = z.strictObject({
  ...requestTemplate,
  /** How `{from}` is written: format and zone. */
  from: timeSpecSchema.prefault({}),
  /** How `{to}` is written: format and zone. */
  to: timeSpecSchema.prefault({}),
});

export const windowSchema = z.strictObject({
  /** Each run re-asks this much before the watermark, so values a provider publishes late are still picked up. */
  overlapMinutes: z
    .number()
    .min(0)
    .max(7 * 24 * 60)
    .default(60),
  /** Longest window one request asks for; a longer span (after an outage) is split. */
  maxWindowMinutes: z
    .number()
    .min(1)
    .max(366 * 24 * 60)
    .default(24 * 60),
});

/** A value field of the response and the source field it fills. */
export const valueMappingSchema = z.strictObject({
  /** JSON: path inside the record (record-oriented) or the column's path (column-oriented); CSV: the column header. */
  path: z.string().min(1),
  /** Unit of the values as the provider sends them (`W`, `kW`, `km/h`, ...). */
  unit: z.string().min(1).optional(),
  /** Convert to this unit by a factor; the target field converts to the configured target unit without it. */
  convertTo: z.string().min(1).optional(),
});

const nulls = z.enum(['skip', 'quarantine']).default('skip');

/**
 * Forecast sources: where the run's runAt (when the weather model started) comes from. Each fetch is one run per
 * site; its rows (time = validTime) become the run's steps, keyed by minutes after runAt; rows before runAt are left
 * out. `fetch`: the API does not say (Open-Meteo), so runAt is the newest multiple of `everyHours` (UTC, from
 * midnight) at or before the fetch time minus `availableAfterMinutes` - the newest run that should be out by then.
 */
export const fetchRunSchema = z.strictObject({
  from: z.literal('fetch'),
  /** The provider's run cycle, in hours: 1, 3, 6, 12, 24, or a fraction such as 0.25 (15 minutes). */
  everyHours: z
    .number()
    .positive()
    .max(24)
    .refine((h) => Number.isInteger(h * 60) && (24 * 60) % (h * 60) === 0, {
      message: 'expected a whole number of minutes that divides a day (1, 3, 6, 12, 24, 0.25, ...)',
    }),
  /** How long after it starts a run is published (minutes): the fetch time minus this picks the run. */
  availableAfterMinutes: z
    .number()
    .int()
    .min(0)
    .max(7 * 24 * 60)
    .default(0),
});

/** `response`: a JSON path to the run's time in the document (met.no's `properties.meta.updated_at`), its format and zone. */
export const responseRunSchema = timeSpecSchema.extend({
  from: z.literal('response'),
  path: jsonPath.min(1),
});

/** Where a forecast run's runAt comes from (JSON: the response or the fetch schedule). */
export const jsonRunSchema = z.discriminatedUnion('from', [fetchRunSchema, responseRunSchema]);

export const jsonResponseSchema = z
  .strictObject({
    /** Path to an array of records (`[{ "date": ..., "value": ... }]`): record-oriented. */
    records: jsonPath.optional(),
    /** Path to an object of equal-length arrays (`{ "time": [...], "ghi": [...] }`): column-oriented. */
    columns: jsonPath.optional(),
    /** The observation time: its path (in the record, or the column) with its format and zone. */
    time: timeSpecSchema.extend({ path: z.string().min(1) }),
    /** When the provider published the value, when it says so (its path, format and zone). */
    publishedAt: timeSpecSchema.extend({ path: z.string().min(1) }).optional(),
    /** Path of the provider's site id, for a response covering several sites (mapped back through `sites`). */
    site: z.string().min(1).optional(),
    /** Every field of the source, by field name. */
    values: z.record(z.string(), valueMappingSchema),
    /** A record with a null or missing value: `skip` it (no value is not a measurement), or `quarantine` it. */
    nulls,
    /** Forecast sources only (and required there): where each fetched run's runAt comes from. */
    run: jsonRunSchema.optional(),
  })
  .refine((r) => (r.records === undefined) !== (r.columns === undefined), {
    message: 'give either "records" (an array of records) or "columns" (an object of arrays), not both or neither',
    path: ['records'],
  });

export const csvResponseSchema = z.strictObject({
  /** One character between cells. */
  delimiter: z.string().length(1).default(','),
  /** Lines starting with this are comments. */
  comment: z.string().length(1).optional(),
  /** Lines to skip before the header. */
  skipLines: z.number().int().min(0).max(1000).default(0),
  /** The first line (after skipLines) names the columns; without one, paths are column numbers ("1" is the first). */
  header: z.boolean().default(true),
  /** The observation time: its column header, format and zone. */
  time: timeSpecSchema.extend({ path: z.string().min(1) }),
  /** Column of the provider's site id, for a file covering several sites. */
  site: z.string().min(1).optional(),
  /** Every field of the source, by field name; `path` is the column header. */
  values: z.record(z.string(), valueMappingSchema),
  /** Cells that mean "no value". */
  missingValues: z.array(z.string()).default(['', 'NA', 'NaN', 'null']),
  nulls,
  /** Forecast sources only (and required there): each fetch is one run, runAt from the fetch schedule. */
  run: fetchRunSchema.optional(),
});

export const nativeProviderSchema = z.strictObject({
  protocol: z.literal('native'),
  /** Base URL of the provider's HTTP API (`GET {endpoint}/observations?since=`); https, or http to a loopback host (see plainHttpProblem). */
  endpoint: z.url({ protocol: /^https?$/ }),
  /** The API key sent as `x-api-key`; normally an app-setting reference such as `%SITE_METER_KEY%`. */
  apiKey: z.string().min(1),
  /** Items requested per page. */
  pageSize: z.number().int().min(1).max(5000).default(500),
  /** Per-request timeout in milliseconds. */
  timeoutMs: z.number().int().min(100).max(120_000).default(10_000),
});

export const httpJsonProviderSchema = z.strictObject({
  protocol: z.literal('http-json'),
  ...httpCommon,
  request: windowRequestSchema,
  window: windowSchema.prefault({}),
  response: jsonResponseSchema,
});

export const httpCsvProviderSchema = z.strictObject({
  protocol: z.literal('http-csv'),
  ...httpCommon,
  request: windowRequestSchema,
  window: windowSchema.prefault({}),
  response: csvResponseSchema,
});

export const snapshotProviderSchema = z.strictObject({
  protocol: z.literal('snapshot'),
  ...httpCommon,
  request: z.strictObject(requestTemplate).prefault({}),
  /** Where the picture's observedAt comes from: a response header, the picture's EXIF time, or the fetch time. */
  observedAt: z
    .strictObject({
      from: z.enum(['last-modified', 'date', 'exif', 'fetch']).default('last-modified'),
      /** Zone of an EXIF time without an offset. */
      timeZone: timeZone.default('UTC'),
    })
    .prefault({}),
});

/** A provider block; without `protocol` it is the native wire format, so older configurations keep working. */
export const providerSchema = z.preprocess(
  (v) =>
    v !== null && typeof v === 'object' && !Array.isArray(v) && !('protocol' in v) ? { protocol: 'native', ...v } : v,
  z.discriminatedUnion('protocol', [
    nativeProviderSchema,
    httpJsonProviderSchema,
    httpCsvProviderSchema,
    snapshotProviderSchema,
  ]),
);

export type TimeSpec = z.infer<typeof timeSpecSchema>;
export type RunSpec = z.infer<typeof jsonRunSchema>;
export type FetchRunSpec = z.infer<typeof fetchRunSchema>;
export type AuthConfig = z.infer<typeof authSchema>;
export type ValueMapping = z.infer<typeof valueMappingSchema>;
export type JsonResponseConfig = z.infer<typeof jsonResponseSchema>;
export type CsvResponseConfig = z.infer<typeof csvResponseSchema>;
export type NativeProviderConfig = z.infer<typeof nativeProviderSchema>;
export type HttpJsonProviderConfig = z.infer<typeof httpJsonProviderSchema>;
export type HttpCsvProviderConfig = z.infer<typeof httpCsvProviderSchema>;
export type SnapshotProviderConfig = z.infer<typeof snapshotProviderSchema>;
/** A window protocol: asks for `from..to`. */
export type WindowProviderConfig = HttpJsonProviderConfig | HttpCsvProviderConfig;
export type HttpProviderConfig = WindowProviderConfig | SnapshotProviderConfig;
export type ProviderConfig = z.infer<typeof providerSchema>;
