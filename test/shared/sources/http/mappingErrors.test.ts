import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createProviderAdapter } from '../../../../shared/sources/createProviderAdapter';
import { ProviderPageError } from '../../../../shared/sources/ProviderError';
import { FixedClock } from '../../../support/fixedClock';
import { scriptedFetch } from '../../../support/scriptedFetch';
import {
  answer,
  configOf,
  csvLogger,
  fixture,
  openMeteo,
  rejection,
  type SourceSpec,
  solarEdge,
} from '../../ingest/httpProviderRig';

const meter = (o: Parameters<typeof solarEdge>[0]): SourceSpec => ({
  fields: ['power_kw'],
  provider: solarEdge(o),
  target: { field: 'power_kw', unit: 'kW' },
});
const logger = (powerColumn: string): SourceSpec => ({
  fields: ['power_kw', 'ghi_wm2'],
  provider: csvLogger({ powerColumn }),
});
const weather = (o: Parameters<typeof openMeteo>[0]): SourceSpec => ({
  fields: ['temp_c', 'wind_speed_ms'],
  provider: openMeteo(o),
});

const SE = (): string => fixture('solaredge-power-autumn-dst.json');
const CSV = (): string => fixture('logger-export-autumn-dst.csv');
const OM = (): string => fixture('open-meteo-minutely15.json');

// A broken mapping fails the whole response (nothing is stored, the watermark stays) with the configuration key to
// fix and what the response has instead.
const cases: { name: string; spec: SourceSpec; body: () => string; type: string; reason: string }[] = [
  {
    name: 'records path that the response lacks',
    spec: meter({ records: 'power.vals' }),
    body: SE,
    type: 'application/json',
    reason:
      'sources[0].provider.response.records "power.vals" does not match the response: power has no member "vals" (it has "timeUnit", "unit", "measuredBy", "values")',
  },
  {
    name: 'records path that names an object',
    spec: meter({ records: 'power' }),
    body: SE,
    type: 'application/json',
    reason: 'sources[0].provider.response.records: power is an object, expected an array of records',
  },
  {
    name: 'a value path no record has ("val" for "value")',
    spec: meter({ valuePath: 'val' }),
    body: SE,
    type: 'application/json',
    reason:
      'sources[0].provider.response.values.power_kw.path "val" matches no record of power.values (the first record has "date", "value")',
  },
  {
    name: 'a time path no record has ("datum" for "date")',
    spec: meter({ timePath: 'datum' }),
    body: SE,
    type: 'application/json',
    reason:
      'sources[0].provider.response.time.path "datum" matches no record of power.values (the first record has "date", "value")',
  },
  {
    name: 'a CSV column the header lacks',
    spec: logger('Leistung'),
    body: CSV,
    type: 'text/csv',
    reason:
      'sources[0].provider.response.values.power_kw.path "Leistung" is not a column of the response (its header, line 2, has "Zeitstempel", "Leistung [W]", "Einstrahlung [W/m2]")',
  },
  {
    name: 'a columns path the response lacks',
    spec: weather({ columns: 'minutely_10' }),
    body: OM,
    type: 'application/json',
    reason:
      'sources[0].provider.response.columns "minutely_10" does not match the response: (the document) has no member "minutely_10" (it has "latitude", "longitude", "generationtime_ms", "utc_offset_seconds", "timezone", "timezone_abbreviation", "elevation", "minutely_15_units", ...)',
  },
  {
    name: 'a value column the columns lack',
    spec: weather({ temperaturePath: 'temperature' }),
    body: OM,
    type: 'application/json',
    reason:
      'sources[0].provider.response.values.temp_c.path "temperature" does not match the columns at minutely_15: (the document) has no member "temperature" (it has "time", "temperature_2m", "wind_speed_10m")',
  },
  {
    name: 'a body that is not JSON',
    spec: meter({}),
    body: CSV,
    type: 'application/json',
    reason: 'the body is not JSON: Unexpected token \'#\', "# Data log"... is not valid JSON',
  },
];

for (const c of cases) {
  test(`broken mapping: ${c.name}`, async () => {
    const { config, source } = configOf(c.spec);
    const now = new Date('2026-10-25T03:05:00Z');
    const adapter = createProviderAdapter(
      source,
      config,
      scriptedFetch(() => answer(c.body(), c.type)),
      new FixedClock(now),
    );
    const reader = adapter.reader({ watermark: undefined, initialSince: new Date('2026-10-24T22:00:00Z'), now });
    const err = await rejection(reader.next({ timeoutMs: 1000, now }));
    assert.ok(err instanceof ProviderPageError, String(err));
    assert.equal(err.reason, c.reason);
    assert.match(
      err.message,
      /^provider "pv": GET \/\S+ \S+Z\.\.\S+Z (\(site park-1\) )?answered a body that cannot be read: /,
    );
    assert.equal(err.body.toString('utf8'), c.body());
  });
}

test('the right mappings read the same recorded bodies without a rejection', async () => {
  for (const [spec, body] of [
    [meter({}), SE],
    [logger('Leistung [W]'), CSV],
    [weather({}), OM],
  ] as const) {
    const { config, source } = configOf(spec);
    const now = new Date('2026-10-25T03:05:00Z');
    const adapter = createProviderAdapter(
      source,
      config,
      scriptedFetch(() => answer(body(), 'application/json')),
      new FixedClock(now),
    );
    const step = await adapter
      .reader({ watermark: undefined, initialSince: new Date('2026-10-24T22:00:00Z'), now })
      .next({ timeoutMs: 1000, now });
    assert.ok(step.records.length > 0);
    assert.deepEqual(
      step.records.filter((r) => r.rejected !== undefined),
      [],
    );
  }
});
