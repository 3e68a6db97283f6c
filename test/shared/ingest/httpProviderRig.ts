import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ForecastConfig, SourceConfig } from '../../../shared/config/ForecastConfig';
import { parseConfig } from '../../../shared/config/loadConfig';
import { type IngestOptions, type IngestResult, ingestSource } from '../../../shared/ingest/ingestSource';
import { createProviderAdapter } from '../../../shared/sources/createProviderAdapter';
import type { Observation } from '../../../shared/sources/Observation';
import type { ProviderAdapter } from '../../../shared/sources/ProviderAdapter';
import { storedObservations } from '../../support/storedObservations';
import { CONTAINERS } from '../../../shared/storage/BlobStore';
import { FakeTimer } from '../../support/FakeTimer';
import { FixedClock } from '../../support/fixedClock';
import { MemoryBlobStore } from '../../support/MemoryBlobStore';
import { type FetchScript, type SeenRequest, scriptedFetch } from '../../support/scriptedFetch';

/** Recorded provider answers (bodies shaped like the vendors' own). */
export const FIXTURES = resolve(__dirname, '../../../../test/fixtures/providers');

export function fixture(name: string): string {
  return readFileSync(resolve(FIXTURES, name), 'utf8');
}

export const SITE = 'park-1';
export const SOLAREDGE = 'https://monitoringapi.solaredge.example';
export const SOLAREDGE_KEY = 'L4QLVQ1LOKCQX2193VSEICXW61NP6B1O';
export const LOGGER = 'https://logger.example';
export const OPEN_METEO = 'https://api.open-meteo.example';
export const CAMERA = 'https://camera.example';

type Nulls = 'skip' | 'quarantine';
interface WindowSpec {
  overlapMinutes?: number;
  maxWindowMinutes?: number;
}
interface Limits {
  maxRequestsPerRun?: number;
  maxResponseBytes?: number;
}

/** A SolarEdge "site power" provider block: quarter-hour values in W, local Berlin time, key in the query. */
export function solarEdge(
  o: { nulls?: Nulls; records?: string; timePath?: string; valuePath?: string; window?: WindowSpec } & Limits = {},
): Record<string, unknown> {
  const local = { format: 'yyyy-MM-dd HH:mm:ss', timeZone: 'Europe/Berlin' };
  return {
    protocol: 'http-json',
    endpoint: SOLAREDGE,
    auth: { kind: 'query', name: 'api_key', value: SOLAREDGE_KEY },
    sites: { [SITE]: '1234567' },
    ...limits(o),
    request: {
      path: '/site/{providerSiteId}/power',
      query: { startTime: '{from}', endTime: '{to}' },
      from: local,
      to: local,
    },
    window: { overlapMinutes: 60, maxWindowMinutes: 1440, ...o.window },
    response: {
      records: o.records ?? 'power.values',
      time: { path: o.timePath ?? 'date', ...local },
      values: { power_kw: { path: o.valuePath ?? 'value', unit: 'W' } },
      nulls: o.nulls ?? 'skip',
    },
  };
}

/** A data logger's CSV export: a comment line, `;` between cells, local Berlin time `dd.MM.yyyy HH:mm`. */
export function csvLogger(
  o: { nulls?: Nulls; powerColumn?: string; window?: WindowSpec } & Limits = {},
): Record<string, unknown> {
  return {
    protocol: 'http-csv',
    endpoint: LOGGER,
    auth: { kind: 'bearer', token: 'logger-token-123' },
    ...limits(o),
    request: {
      path: '/export.csv',
      query: { from: '{from}', to: '{to}' },
      from: { format: 'epoch-seconds' },
      to: { format: 'epoch-seconds' },
    },
    window: { overlapMinutes: 60, maxWindowMinutes: 1440, ...o.window },
    response: {
      delimiter: ';',
      comment: '#',
      time: { path: 'Zeitstempel', format: 'dd.MM.yyyy HH:mm', timeZone: 'Europe/Berlin' },
      values: {
        power_kw: { path: o.powerColumn ?? 'Leistung [W]', unit: 'W' },
        ghi_wm2: { path: 'Einstrahlung [W/m2]', unit: 'W/m2' },
      },
      nulls: o.nulls ?? 'skip',
    },
  };
}

/** An Open-Meteo `minutely_15` forecast: column arrays, GMT times without an offset, wind in km/h. */
export function openMeteo(
  o: { nulls?: Nulls; columns?: string; temperaturePath?: string; window?: WindowSpec } & Limits = {},
): Record<string, unknown> {
  return {
    protocol: 'http-json',
    endpoint: OPEN_METEO,
    ...limits(o),
    request: {
      path: '/v1/forecast',
      query: {
        latitude: '{latitude}',
        longitude: '{longitude}',
        minutely_15: 'temperature_2m,wind_speed_10m',
        start_minutely_15: '{from}',
        end_minutely_15: '{to}',
        timezone: 'GMT',
      },
      from: { format: "yyyy-MM-dd'T'HH:mm" },
      to: { format: "yyyy-MM-dd'T'HH:mm" },
    },
    window: { overlapMinutes: 60, maxWindowMinutes: 1440, ...o.window },
    response: {
      columns: o.columns ?? 'minutely_15',
      time: { path: 'time', format: 'iso', timeZone: 'UTC' },
      values: {
        temp_c: { path: o.temperaturePath ?? 'temperature_2m', unit: '°C' },
        wind_speed_ms: { path: 'wind_speed_10m', unit: 'km/h', convertTo: 'm/s' },
      },
      nulls: o.nulls ?? 'skip',
    },
  };
}

/** An IP camera's snapshot URL behind HTTP Basic authentication. */
export function camera(observedAt: {
  from: 'last-modified' | 'date' | 'exif' | 'fetch';
  timeZone?: string;
}): Record<string, unknown> {
  return {
    protocol: 'snapshot',
    endpoint: CAMERA,
    auth: { kind: 'basic', username: 'viewer', password: 'cam-secret-9' },
    request: { path: '/cgi-bin/snapshot.jpg' },
    observedAt,
  };
}

function limits(o: Limits): Record<string, number> {
  return {
    ...(o.maxRequestsPerRun !== undefined ? { maxRequestsPerRun: o.maxRequestsPerRun } : {}),
    ...(o.maxResponseBytes !== undefined ? { maxResponseBytes: o.maxResponseBytes } : {}),
  };
}

/** The source under test; it is `sources[0]`, so mapping errors name `sources[0].provider...`. */
export interface SourceSpec {
  kind?: 'sensor' | 'image' | 'forecast';
  fields: string[];
  provider: Record<string, unknown>;
  /** The forecast target on this source; default: the target is on a second (native) source. */
  target?: { field: string; unit: string };
  maxImageBytes?: number;
}

/** A whole configuration around the source under test, as a file would hold it (before parseConfig). */
export function rawConfig(spec: SourceSpec): Record<string, unknown> {
  return {
    sites: [{ id: SITE, name: 'Solar park', latitude: 52.52, longitude: 13.41 }],
    sources: [
      {
        id: 'pv',
        kind: spec.kind ?? 'sensor',
        provider: spec.provider,
        schedule: '0 */15 * * * *',
        fields: spec.fields,
        ...(spec.maxImageBytes !== undefined ? { maxImageBytes: spec.maxImageBytes } : {}),
      },
      {
        id: 'meter',
        kind: 'sensor',
        provider: { endpoint: 'https://meter.example', apiKey: 'meter-key' },
        schedule: '0 */10 * * * *',
        fields: ['power_kw'],
      },
    ],
    target: spec.target ? { source: 'pv', ...spec.target } : { source: 'meter', field: 'power_kw', unit: 'kW' },
  };
}

export function configOf(spec: SourceSpec): { config: ForecastConfig; source: SourceConfig } {
  const config = parseConfig(rawConfig(spec), {});
  const source = config.sources[0];
  assert.ok(source);
  return { config, source };
}

/** What a quarantine entry holds, with the bytes kept beside it. */
export interface QuarantinedEntry {
  reason: string;
  record: unknown;
  bin: Buffer | undefined;
}

/**
 * One source read by ingestSource through the adapter of its protocol over a scripted fetch, into memory:
 * runs, stored observations, pictures, quarantine and watermark.
 */
export function rig(
  spec: SourceSpec,
  o: { now: string | FixedClock; initialSince?: string; script?: FetchScript; fetchImpl?: typeof fetch },
) {
  const { config, source } = configOf(spec);
  const clock = typeof o.now === 'string' ? new FixedClock(new Date(o.now)) : o.now;
  const blobs = new MemoryBlobStore();
  const fetchImpl = scriptedFetch(o.script ?? (() => assert.fail('no scripted answer')));
  // A test that must see the request's options (redirect, signal) brings its own fetch.
  const provider: ProviderAdapter = createProviderAdapter(source, config, o.fetchImpl ?? fetchImpl, clock);
  const timer = new FakeTimer();
  const initialSince = o.initialSince !== undefined ? new Date(o.initialSince) : undefined;
  const run = (options: IngestOptions = {}): Promise<IngestResult> =>
    ingestSource(
      source,
      new Set([SITE]),
      { blobs, clock, provider, timer, random: () => 0 },
      { ...(initialSince ? { initialSince } : {}), retry: { maxRetries: 0 }, ...options },
    );
  const observations = async (): Promise<Observation[]> => {
    // Both layouts: per-observation blobs (no state yet, old days) and batches.
    const out = [...(await storedObservations(blobs, CONTAINERS.raw)).values()];
    return out.sort((a, b) => a.observedAt.localeCompare(b.observedAt));
  };
  const quarantined = async (): Promise<QuarantinedEntry[]> => {
    const out: QuarantinedEntry[] = [];
    for (const name of blobs.names(CONTAINERS.quarantine).filter((n) => n.endsWith('.json'))) {
      const entry = JSON.parse((await blobs.get(CONTAINERS.quarantine, name))?.body.toString('utf8') ?? '{}') as {
        reason: string;
        record: unknown;
        bytes?: string;
      };
      const bin = entry.bytes !== undefined ? (await blobs.get(CONTAINERS.quarantine, entry.bytes))?.body : undefined;
      out.push({ reason: entry.reason, record: entry.record, bin });
    }
    return out;
  };
  const watermark = async (): Promise<string | undefined> => {
    const blob = await blobs.get(CONTAINERS.state, `watermarks/${source.id}.json`);
    return blob ? (JSON.parse(blob.body.toString('utf8')) as { since: string }).since : undefined;
  };
  return {
    config,
    source,
    clock,
    blobs,
    provider,
    run,
    seen: fetchImpl.seen as SeenRequest[],
    observations,
    quarantined,
    watermark,
  };
}

/** `observedAt -> value of field` of stored observations. */
export function valuesByTime(observations: readonly Observation[], field: string): Record<string, number | undefined> {
  return Object.fromEntries(observations.map((o) => [o.observedAt, o.values[field]]));
}

/** A body answered with 200 and a content type. */
export function answer(
  body: string | Buffer,
  contentType: string,
  headers: Record<string, string> = {},
  status = 200,
): Response {
  return new Response(body, { status, headers: { 'content-type': contentType, ...headers } });
}

/** The run's rejection (it must reject). */
export async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof Error, `rejected with ${String(err)}`);
    return err;
  }
  assert.fail('expected the run to reject');
}
