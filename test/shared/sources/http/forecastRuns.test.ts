import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConfigError } from '../../../../shared/config/ConfigError';
import { parseConfig } from '../../../../shared/config/loadConfig';
import { validateItem } from '../../../../shared/ingest/validateItem';
import { createProviderAdapter } from '../../../../shared/sources/createProviderAdapter';
import { runSteps } from '../../../../shared/sources/forecastRun';
import { fetchRunAt } from '../../../../shared/sources/http/RunAdapter';
import type { ProviderStep, ReadPlan } from '../../../../shared/sources/ProviderAdapter';
import { ProviderPageError } from '../../../../shared/sources/ProviderError';
import { FixedClock } from '../../../support/fixedClock';
import { json, scriptedFetch, type FetchScript, type SeenRequest } from '../../../support/scriptedFetch';
import { configOf, OPEN_METEO, rawConfig, SITE, type SourceSpec } from '../../ingest/httpProviderRig';

const MET_NO = 'https://api.met.example';

/** An Open-Meteo forecast as a forecast source: `minutely_15` columns, runAt from the fetch schedule. */
function openMeteoForecast(
  run: Record<string, unknown> = { from: 'fetch', everyHours: 1, availableAfterMinutes: 60 },
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    protocol: 'http-json',
    endpoint: OPEN_METEO,
    request: {
      path: '/v1/forecast',
      query: {
        latitude: '{latitude}',
        longitude: '{longitude}',
        minutely_15: 'shortwave_radiation,wind_speed_10m',
        forecast_minutely_15: '48',
        timezone: 'GMT',
      },
    },
    response: {
      columns: 'minutely_15',
      time: { path: 'time', format: 'iso', timeZone: 'UTC' },
      values: {
        ghi_wm2: { path: 'shortwave_radiation', unit: 'W/m2' },
        wind_speed_ms: { path: 'wind_speed_10m', unit: 'km/h', convertTo: 'm/s' },
      },
      run,
      ...extra,
    },
  };
}

/** met.no Locationforecast 2.0 `compact`: GeoJSON, records under `properties.timeseries`, `meta.updated_at`. */
function metNoForecast(): Record<string, unknown> {
  return {
    protocol: 'http-json',
    endpoint: MET_NO,
    headers: { 'user-agent': 'stay-up-forecasting/1.0 ops@example.com' },
    request: { path: '/weatherapi/locationforecast/2.0/compact', query: { lat: '{latitude}', lon: '{longitude}' } },
    response: {
      records: 'properties.timeseries',
      time: { path: 'time', format: 'iso' },
      values: {
        temp_c: { path: 'data.instant.details.air_temperature', unit: '°C' },
        cloud_pct: { path: 'data.instant.details.cloud_area_fraction', unit: '%' },
      },
      run: { from: 'response', path: 'properties.meta.updated_at', format: 'iso' },
    },
  };
}

const forecastSource = (provider: Record<string, unknown>, fields: string[]): SourceSpec => ({
  kind: 'forecast',
  fields,
  provider,
});

/** Every step of one read of the source at `now` (a scripted provider). */
async function read(
  spec: SourceSpec,
  now: string,
  script: FetchScript,
  plan: Partial<ReadPlan> = {},
): Promise<{ steps: ProviderStep[]; seen: SeenRequest[] }> {
  const { config, source } = configOf(spec);
  const fetchImpl = scriptedFetch(script);
  const adapter = createProviderAdapter(source, config, fetchImpl, new FixedClock(new Date(now)));
  const reader = adapter.reader({
    watermark: undefined,
    initialSince: new Date(Date.parse(now) - 6 * 3_600_000),
    now: new Date(now),
    ...plan,
  });
  const steps: ProviderStep[] = [];
  for (;;) {
    const step = await reader.next({ timeoutMs: 1000, now: new Date(now) });
    steps.push(step);
    if (step.done) break;
  }
  return { steps, seen: fetchImpl.seen };
}

type Run = { site: string; observedAt: string; values: Record<string, number> };
const runsOf = (steps: readonly ProviderStep[]): Run[] =>
  steps.flatMap((s) => s.records.filter((r) => r.rejected === undefined).map((r) => r.value as Run));

/** An Open-Meteo answer for `times` (GMT, no offset) with the two columns. */
function openMeteoBody(times: string[], ghi: (number | null)[], wind: (number | null)[]): unknown {
  return {
    latitude: 52.525,
    longitude: 13.4,
    utc_offset_seconds: 0,
    timezone: 'GMT',
    minutely_15_units: { time: 'iso8601', shortwave_radiation: 'W/m²', wind_speed_10m: 'km/h' },
    minutely_15: { time: times, shortwave_radiation: ghi, wind_speed_10m: wind },
  };
}

describe('forecast runs through http-json', () => {
  test('Open-Meteo columns: one run per fetch, runAt from the schedule, values keyed by minutes after runAt', async () => {
    // Fetched 10:20: the newest hourly run out 60 minutes after it starts is 09:00. The answer starts at the current
    // quarter (10:15); a row at 08:45 (a provider also answering the past) is before runAt and left out.
    const times = ['2026-06-01T08:45', '2026-06-01T10:15', '2026-06-01T10:30', '2026-06-01T10:45'];
    const { steps, seen } = await read(
      forecastSource(openMeteoForecast(), ['ghi_wm2', 'wind_speed_ms']),
      '2026-06-01T10:20:00Z',
      () => json(openMeteoBody(times, [1, 500, null, 520], [3.6, 18, 36, null])),
    );
    assert.equal(steps.length, 1, 'one site, one request');
    assert.equal(seen.length, 1);
    const url = seen[0]?.url;
    assert.equal(url?.searchParams.get('forecast_minutely_15'), '48');
    assert.equal(url?.searchParams.get('latitude'), '52.52');
    assert.equal(url?.searchParams.has('start_minutely_15'), false);
    const runs = runsOf(steps);
    assert.equal(runs.length, 1);
    assert.deepEqual(runs[0], {
      site: SITE,
      observedAt: '2026-06-01T09:00:00.000Z',
      values: {
        'ghi_wm2@+75': 500,
        'wind_speed_ms@+75': 5,
        'wind_speed_ms@+90': 10,
        'ghi_wm2@+105': 520,
      },
    });
    // A null leaves only its own step out, counted; the features read around it.
    assert.equal(steps[0]?.withoutValue, 2);
    assert.deepEqual(runSteps(runs[0]?.values ?? {}, 'ghi_wm2'), { offsets: [75, 105], values: [500, 520] });
    assert.match(
      steps[0]?.request ?? '',
      /^GET \/v1\/forecast now \(site park-1\): run 2026-06-01T09:00:00.000Z, 3 step\(s\), 1 row\(s\) before runAt left out$/,
    );
    assert.equal(steps[0]?.watermark, '2026-06-01T10:20:00.000Z', 'the watermark says when the forecast was read');
    assert.equal(steps[0]?.rereads, true);
  });

  test("the stored shape passes ingestion's validation of a forecast run", async () => {
    const spec = forecastSource(openMeteoForecast(), ['ghi_wm2', 'wind_speed_ms']);
    const { steps } = await read(spec, '2026-06-01T10:20:00Z', () =>
      json(openMeteoBody(['2026-06-01T10:15', '2026-06-01T10:30'], [500, 510], [18, 19])),
    );
    const { source } = configOf(spec);
    const checked = validateItem(runsOf(steps)[0], source, new Set([SITE]), new Date('2026-06-01T10:20:00Z'));
    assert.ok(checked.ok, checked.ok ? '' : checked.reason);
  });

  test('re-fetching the same run gives the same record (same runAt: the same blob, stored once)', async () => {
    const spec = forecastSource(openMeteoForecast(), ['ghi_wm2', 'wind_speed_ms']);
    const body = (): Response => json(openMeteoBody(['2026-06-01T10:30', '2026-06-01T10:45'], [500, 510], [18, 19]));
    const a = runsOf((await read(spec, '2026-06-01T10:05:00Z', body)).steps);
    const b = runsOf((await read(spec, '2026-06-01T10:55:00Z', body)).steps);
    const c = runsOf((await read(spec, '2026-06-01T11:00:00Z', body)).steps);
    assert.deepEqual(a, b);
    assert.equal(c[0]?.observedAt, '2026-06-01T10:00:00.000Z', 'the next hour: the next run');
  });

  test('met.no Locationforecast (records): runAt from properties.meta.updated_at, to the minute', async () => {
    const body = {
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [13.41, 52.52, 40] },
      properties: {
        meta: { updated_at: '2026-06-01T09:13:27Z', units: { air_temperature: 'celsius', cloud_area_fraction: '%' } },
        timeseries: [
          {
            time: '2026-06-01T09:00:00Z',
            data: { instant: { details: { air_temperature: 14, cloud_area_fraction: 80 } } },
          },
          {
            time: '2026-06-01T10:00:00Z',
            data: { instant: { details: { air_temperature: 15.2, cloud_area_fraction: 62.5 } } },
          },
          {
            time: '2026-06-01T11:00:00Z',
            data: { instant: { details: { air_temperature: 16.1, cloud_area_fraction: 40 } } },
          },
        ],
      },
    };
    const { steps, seen } = await read(
      forecastSource(metNoForecast(), ['temp_c', 'cloud_pct']),
      '2026-06-01T09:40:00Z',
      () => json(body),
    );
    assert.equal(seen[0]?.headers['user-agent'], 'stay-up-forecasting/1.0 ops@example.com');
    assert.deepEqual(runsOf(steps), [
      {
        site: SITE,
        observedAt: '2026-06-01T09:13:00.000Z',
        values: { 'temp_c@+47': 15.2, 'cloud_pct@+47': 62.5, 'temp_c@+107': 16.1, 'cloud_pct@+107': 40 },
      },
    ]);
    assert.match(steps[0]?.request ?? '', /1 row\(s\) before runAt left out/);
  });

  test('a runAt the response does not hold fails the fetch, naming the key', async () => {
    const err = await read(forecastSource(metNoForecast(), ['temp_c', 'cloud_pct']), '2026-06-01T09:40:00Z', () =>
      json({ properties: { meta: {}, timeseries: [] } }),
    ).then(
      () => assert.fail('expected the read to fail'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof ProviderPageError, String(err));
    assert.match(
      err.message,
      /sources\[0\]\.provider\.response\.run\.path "properties\.meta\.updated_at" does not match the response/,
    );
  });

  test('a repeated validTime with another value is rejected, the first one stays', async () => {
    const times = ['2026-06-01T10:15', '2026-06-01T10:15'];
    const { steps } = await read(
      forecastSource(openMeteoForecast(), ['ghi_wm2', 'wind_speed_ms']),
      '2026-06-01T10:20:00Z',
      () => json(openMeteoBody(times, [500, 600], [18, 18])),
    );
    assert.deepEqual(runsOf(steps)[0]?.values, { 'ghi_wm2@+75': 500, 'wind_speed_ms@+75': 5 });
    const rejected = steps[0]?.records.filter((r) => r.rejected !== undefined) ?? [];
    assert.equal(rejected.length, 1);
    assert.match(
      rejected[0]?.rejected ?? '',
      /repeats validTime 2026-06-01T10:15:00.000Z of the run with another "ghi_wm2": 600 here, 500/,
    );
  });

  test('nulls: "quarantine" rejects a row with a null, the rest of the run stays', async () => {
    const { steps } = await read(
      forecastSource(openMeteoForecast(undefined, { nulls: 'quarantine' }), ['ghi_wm2', 'wind_speed_ms']),
      '2026-06-01T10:20:00Z',
      () => json(openMeteoBody(['2026-06-01T10:15', '2026-06-01T10:30'], [500, null], [18, 19])),
    );
    assert.deepEqual(runsOf(steps)[0]?.values, { 'ghi_wm2@+75': 500, 'wind_speed_ms@+75': 5 });
    assert.match(steps[0]?.records.find((r) => r.rejected)?.rejected ?? '', /response\.values\.ghi_wm2: null value/);
  });

  test('a request per site, one run per site; the site from the request', async () => {
    const raw = rawConfig(forecastSource(openMeteoForecast(), ['ghi_wm2', 'wind_speed_ms']));
    (raw['sites'] as unknown[]).push({ id: 'park-2', latitude: 48.1, longitude: 11.6 });
    const config = parseConfig(raw, {});
    const source = config.sources[0];
    assert.ok(source);
    const fetchImpl = scriptedFetch((url) =>
      json(openMeteoBody(['2026-06-01T10:15'], [Number(url.searchParams.get('latitude'))], [0])),
    );
    const adapter = createProviderAdapter(source, config, fetchImpl);
    const now = new Date('2026-06-01T10:20:00Z');
    const reader = adapter.reader({ watermark: undefined, initialSince: now, now });
    const first = await reader.next({ timeoutMs: 1000, now });
    const second = await reader.next({ timeoutMs: 1000, now });
    assert.equal(first.done, false);
    assert.equal(first.watermark, undefined);
    assert.equal(second.done, true);
    assert.deepEqual(
      runsOf([first, second]).map((r) => [r.site, r.values['ghi_wm2@+75']]),
      [
        ['park-1', 52.52],
        ['park-2', 48.1],
      ],
    );
  });

  test('http-csv: a forecast export becomes a run the same way', async () => {
    const provider = {
      protocol: 'http-csv',
      endpoint: 'https://solar-forecast.example',
      auth: { kind: 'bearer', token: 'forecast-token-1' },
      request: { path: '/forecast.csv', query: { lat: '{latitude}', lon: '{longitude}' } },
      response: {
        time: { path: 'period_end', format: 'iso' },
        values: { ghi_wm2: { path: 'ghi', unit: 'W/m2' } },
        run: { from: 'fetch', everyHours: 0.5, availableAfterMinutes: 10 },
      },
    };
    const csv = 'period_end,ghi\n2026-06-01T10:00:00Z,480\n2026-06-01T10:30:00Z,500\n2026-06-01T11:00:00Z,\n';
    const { steps } = await read(
      forecastSource(provider, ['ghi_wm2']),
      '2026-06-01T10:25:00Z',
      () => new Response(csv, { headers: { 'content-type': 'text/csv' } }),
    );
    // 10:25 - 10 min = 10:15: the newest half-hourly run is 10:00.
    assert.deepEqual(runsOf(steps), [
      { site: SITE, observedAt: '2026-06-01T10:00:00.000Z', values: { 'ghi_wm2@+0': 480, 'ghi_wm2@+30': 500 } },
    ]);
    assert.equal(steps[0]?.withoutValue, 1);
  });
});

describe('fetchRunAt', () => {
  const at = (fetch: string, everyHours: number, availableAfterMinutes: number): string =>
    new Date(fetchRunAt(Date.parse(fetch), { everyHours, availableAfterMinutes })).toISOString();
  test('the newest multiple of everyHours at or before the fetch time minus the publication delay', () => {
    assert.equal(at('2026-06-01T09:59:00Z', 6, 240), '2026-06-01T00:00:00.000Z');
    assert.equal(at('2026-06-01T10:00:00Z', 6, 240), '2026-06-01T06:00:00.000Z');
    assert.equal(at('2026-06-01T01:00:00Z', 6, 240), '2026-05-31T18:00:00.000Z', 'across midnight');
    assert.equal(at('2026-06-01T10:20:00Z', 1, 0), '2026-06-01T10:00:00.000Z');
    assert.equal(at('2026-06-01T10:20:00Z', 0.25, 0), '2026-06-01T10:15:00.000Z');
    assert.equal(at('2026-06-01T10:20:00Z', 3, 120), '2026-06-01T06:00:00.000Z');
  });
});

describe('forecast configuration', () => {
  function problemsOf(spec: SourceSpec): string[] {
    try {
      parseConfig(rawConfig(spec), {});
    } catch (err) {
      assert.ok(err instanceof ConfigError, String(err));
      return err.problems;
    }
    assert.fail('expected the configuration to be refused');
  }
  const fields = ['ghi_wm2', 'wind_speed_ms'];

  test('a forecast source reads as configured', () => {
    const { source } = configOf(forecastSource(openMeteoForecast(), fields));
    assert.equal(source.kind, 'forecast');
    assert.ok(source.provider.protocol === 'http-json');
    assert.deepEqual(source.provider.response.run, { from: 'fetch', everyHours: 1, availableAfterMinutes: 60 });
  });

  const cases: { name: string; spec: SourceSpec; problem: RegExp }[] = [
    {
      name: 'a forecast source without "run"',
      spec: forecastSource(openMeteoForecast(undefined, { run: undefined }), fields),
      problem:
        /^sources\[0\]\.provider\.response\.run: forecast source "pv" needs "run": where each fetched run's runAt comes from, \{ "from": "response"/,
    },
    {
      name: '"run" on a sensor source',
      spec: { ...forecastSource(openMeteoForecast(), fields), kind: 'sensor' },
      problem:
        /^sources\[0\]\.provider\.response\.run: "run" is for forecast sources; source "pv" is a sensor source \(remove "run", or make the source "kind": "forecast"\)$/,
    },
    {
      name: 'a time window in a forecast request',
      spec: forecastSource(
        {
          ...openMeteoForecast(),
          request: { path: '/v1/forecast', query: { latitude: '{latitude}', start_minutely_15: '{from}' } },
        },
        fields,
      ),
      problem:
        /^sources\[0\]\.provider\.request\.query\.start_minutely_15: \{from\} is a time window's placeholder; forecast source "pv" asks for the forecast now/,
    },
    {
      name: 'publishedAt on a forecast source',
      spec: forecastSource(openMeteoForecast(undefined, { publishedAt: { path: 'time' } }), fields),
      problem: /^sources\[0\]\.provider\.response\.publishedAt: forecast source "pv" takes no "publishedAt"/,
    },
    {
      name: 'a run cycle that does not divide a day',
      spec: forecastSource(openMeteoForecast({ from: 'fetch', everyHours: 7 }), fields),
      problem:
        /^sources\[0\]\.provider\.response\.run\.everyHours: expected a whole number of minutes that divides a day/,
    },
    {
      name: 'a runAt path that does not parse',
      spec: forecastSource(openMeteoForecast({ from: 'response', path: 'meta[' }), fields),
      problem: /^sources\[0\]\.provider\.response\.run\.path: /,
    },
    {
      name: 'a runAt from the response on a CSV source',
      spec: forecastSource(
        {
          protocol: 'http-csv',
          endpoint: 'https://solar-forecast.example',
          request: { path: '/forecast.csv' },
          response: {
            time: { path: 'period_end' },
            values: { ghi_wm2: { path: 'ghi' }, wind_speed_ms: { path: 'wind' } },
            run: { from: 'response', path: 'run' },
          },
        },
        fields,
      ),
      problem: /^sources\[0\]\.provider\.response\.run\.from: /,
    },
  ];
  for (const c of cases) {
    test(`refused: ${c.name}`, () => {
      const problems = problemsOf(c.spec);
      assert.ok(
        problems.some((p) => c.problem.test(p)),
        `expected ${String(c.problem)} among:\n${problems.join('\n')}`,
      );
    });
  }

  test('refused: more sites than requests a run may make', () => {
    const raw = rawConfig(forecastSource({ ...openMeteoForecast(), maxRequestsPerRun: 1 }, fields));
    (raw['sites'] as unknown[]).push({ id: 'park-2', latitude: 48.1, longitude: 11.6 });
    assert.throws(
      () => parseConfig(raw, {}),
      (err: unknown) =>
        err instanceof ConfigError &&
        err.problems.some((p) =>
          /^sources\[0\]\.provider\.maxRequestsPerRun: forecast source "pv" asks once per site each run, but 2 sites are configured and maxRequestsPerRun is 1: raise it to at least 2$/.test(
            p,
          ),
        ),
    );
  });

  test('a forecast request needs no {from} or {to}', () => {
    assert.doesNotThrow(() => configOf(forecastSource(openMeteoForecast(), fields)));
  });
});
