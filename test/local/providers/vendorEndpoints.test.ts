import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { DateTime } from 'luxon';
import { PNG } from 'pngjs';
import type { ProviderItem, ProviderPage } from '../../../shared/sources/ProviderApi';
import type { Clock } from '../../../shared/time/Clock';
import { ObservationFeed } from '../../../local/providers/ObservationFeed';
import { outageBehaviour } from '../../../local/providers/outageBehaviour';
import { type RunningProviders, startProviders } from '../../../local/providers/startProviders';
import { NEIGHBOR_STATIONS } from '../../../local/world/NEIGHBOR_STATIONS';
import { World } from '../../../local/world/World';
import type { SensorSourceId } from '../../../local/world/WorldSource';

const SITES = [
  { id: 'park-1', latitude: 55.68, longitude: 12.57 },
  { id: 'park-2', latitude: 55.7, longitude: 12.4 },
];
const KEYS = { 'site-meter': 'meter-key', neighbors: 'nb-key', weather: 'wx-key', skycam: 'cam-key' } as const;
type Source = keyof typeof KEYS;
const RETENTION_DAYS = 3;
const MIN = 60_000;
const SLOT = 10 * MIN;
const ZONE = 'Europe/Copenhagen';
const OUTAGE = { from: new Date('2026-06-10T10:00:00Z'), to: new Date('2026-06-10T13:00:00Z') };

/** A clock the test moves by hand. */
let current = new Date('2026-06-21T12:03:00Z');
const clock: Clock = { now: () => new Date(current.getTime()) };
const setClock = (iso: string): void => {
  current = new Date(iso);
};

const world = new World({ seed: 42, sites: SITES });
const sources = Object.keys(KEYS) as Source[];
let reliable: RunningProviders;
let flaky: RunningProviders;

before(async () => {
  reliable = await startProviders({
    world,
    clock,
    retentionDays: RETENTION_DAYS,
    providers: sources.map((id) => ({ id, port: 0, apiKey: KEYS[id] })),
  });
  const behaviour = outageBehaviour([OUTAGE]);
  flaky = await startProviders({
    world,
    clock,
    retentionDays: RETENTION_DAYS,
    providers: sources.map((id) => ({ id, port: 0, apiKey: KEYS[id], behaviour })),
  });
});

after(async () => {
  await Promise.all([reliable.close(), flaky.close()]);
});

/** The request with the key where each vendor wants it (`key` null: none, a string: that one instead). */
function vendorGet(
  source: Source,
  path: string,
  key: string | null = KEYS[source],
  running = reliable,
): Promise<Response> {
  const url = new URL(`${running.urls[source]}${path}`);
  const headers: Record<string, string> = {};
  if (key !== null) {
    if (source === 'site-meter') url.searchParams.set('api_key', key);
    else if (source === 'weather') url.searchParams.set('apikey', key);
    else if (source === 'neighbors') headers['authorization'] = `Bearer ${key}`;
    else headers['x-api-key'] = key;
  }
  return fetch(url, { headers });
}

const telemetryPath = (site: string, start: string, end: string): string =>
  `/api/v2/sites/${site}/telemetry?${new URLSearchParams({ startTime: start, endTime: end })}`;
const forecastPath = (q: Record<string, string>): string =>
  `/v1/forecast?${new URLSearchParams({ latitude: '55.68', longitude: '12.57', timezone: 'GMT', ...q })}`;
const exportPath = (site: string, fromIso: string, toIso: string): string =>
  `/stations/${site}/export.csv?from=${Date.parse(fromIso) / 1000}&to=${Date.parse(toIso) / 1000}`;

/** The observation times the window must hold, from the world itself: on the grid, retained, published by now. */
function expectedTimes(source: SensorSourceId, site: string, fromIso: string, toIso: string): number[] {
  const now = clock.now().getTime();
  const times: number[] = [];
  const first = Math.max(Date.parse(fromIso), now - RETENTION_DAYS * 86_400_000);
  for (let t = Math.ceil(first / SLOT) * SLOT; t <= Date.parse(toIso); t += SLOT) {
    if (world.publishedAt(source, site, new Date(t)).getTime() <= now) times.push(t);
  }
  return times;
}

/** What the native feed has published for the site in the window, by observedAt. */
async function nativeItems(source: Source, site: string, fromIso: string, toIso: string): Promise<ProviderItem[]> {
  const res = await fetch(`${reliable.urls[source]}/observations?site=${site}&limit=5000`, {
    headers: { 'x-api-key': KEYS[source] },
  });
  assert.equal(res.status, 200);
  const page = (await res.json()) as ProviderPage;
  assert.equal(page.next, null);
  return page.items
    .filter((it) => it.observedAt >= new Date(fromIso).toISOString() && it.observedAt <= new Date(toIso).toISOString())
    .sort((a, b) => Date.parse(a.observedAt) - Date.parse(b.observedAt));
}

const wallClock = (ms: number): string => DateTime.fromMillis(ms, { zone: ZONE }).toFormat('yyyy-MM-dd HH:mm:ss');

interface Telemetry {
  telemetry: {
    siteId: string;
    timeUnit: string;
    timeZone: string;
    units: Record<string, string>;
    values: { date: string; power: number; irradiance: number }[];
  };
}

async function telemetry(site: string, start: string, end: string): Promise<Telemetry['telemetry']> {
  const res = await vendorGet('site-meter', telemetryPath(site, start, end));
  assert.equal(res.status, 200, await res.clone().text());
  assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
  return ((await res.json()) as Telemetry).telemetry;
}

test('site-meter telemetry: the published observations of the window, both ends inclusive, in W and W/m², local dates', async () => {
  setClock('2026-06-21T12:03:00Z');
  // 08:00-12:00 UTC is 10:00-14:00 in Copenhagen summer time; the last few are not published at 12:03.
  const t = await telemetry('park-1', '2026-06-21 10:00:00', '2026-06-21 14:00:00');
  assert.deepEqual(
    { ...t, values: [] },
    {
      siteId: 'park-1',
      timeUnit: 'TEN_MINUTES',
      timeZone: ZONE,
      units: { power: 'W', irradiance: 'W/m2' },
      values: [],
    },
  );
  const times = expectedTimes('site-meter', 'park-1', '2026-06-21T08:00:00Z', '2026-06-21T12:00:00Z');
  assert.ok(times.length >= 21 && times.length < 25, `${times.length} published of 25`);
  assert.equal(times[0], Date.parse('2026-06-21T08:00:00Z'), 'the start is inclusive');
  assert.deepEqual(
    t.values.map((v) => v.date),
    times.map(wallClock),
  );
  const native = await nativeItems('site-meter', 'park-1', '2026-06-21T08:00:00Z', '2026-06-21T12:00:00Z');
  assert.deepEqual(
    t.values,
    native.map((it) => ({
      date: wallClock(Date.parse(it.observedAt)),
      power: Math.round((it.values?.['power_kw'] ?? NaN) * 10_000) / 10,
      irradiance: it.values?.['ghi_wm2'],
    })),
  );
  assert.ok(
    t.values.some((v) => v.power > 100_000),
    'midday power in W, not kW',
  );

  const closed = await telemetry('park-2', '2026-06-21 10:00:00', '2026-06-21 12:00:00');
  assert.equal(closed.values.length, 13, 'the end is inclusive');
  assert.equal(closed.values[12]?.date, '2026-06-21 12:00:00');
  const empty = await telemetry('park-2', '2026-06-21 10:01:00', '2026-06-21 10:09:59');
  assert.deepEqual(empty.values, []);
});

test('site-meter telemetry: Copenhagen wall-clock across the end and the start of summer time', async () => {
  setClock('2026-10-25T12:00:00Z');
  // 00:00 CEST is 22:00 UTC, 04:00 CET is 03:00 UTC: five hours, the 02:xx hour twice.
  const t = await telemetry('park-1', '2026-10-25 00:00:00', '2026-10-25 04:00:00');
  const times = expectedTimes('site-meter', 'park-1', '2026-10-24T22:00:00Z', '2026-10-25T03:00:00Z');
  assert.equal(times.length, 31);
  assert.deepEqual(
    t.values.map((v) => v.date),
    times.map(wallClock),
  );
  const twice = t.values.filter((v) => v.date.startsWith('2026-10-25 02:'));
  assert.equal(twice.length, 12, 'the repeated hour, once per observation');
  assert.deepEqual(
    twice.slice(0, 6).map((v) => v.date),
    twice.slice(6).map((v) => v.date),
  );
  assert.equal(new Set(t.values.map((v) => v.date)).size, 25);
  // A time in the repeated hour means its first occurrence (CEST).
  const first = await telemetry('park-1', '2026-10-25 02:00:00', '2026-10-25 02:50:00');
  assert.equal(first.values.length, 6);
  const across = await telemetry('park-1', '2026-10-25 02:30:00', '2026-10-25 03:00:00');
  assert.equal(across.values.length, 10, '02:30 CEST (00:30Z) .. 03:00 CET (02:00Z)');

  setClock('2026-03-29T12:00:00Z');
  const spring = await telemetry('park-1', '2026-03-29 01:00:00', '2026-03-29 04:00:00');
  assert.deepEqual(
    spring.values.map((v) => v.date),
    expectedTimes('site-meter', 'park-1', '2026-03-29T00:00:00Z', '2026-03-29T02:00:00Z').map(wallClock),
  );
  assert.equal(spring.values.length, 13);
  assert.ok(
    spring.values.every((v) => !v.date.startsWith('2026-03-29 02:')),
    'the skipped hour has no dates',
  );
});

test('weather forecast: columns of the nearest site, converted units, UTC times', async () => {
  setClock('2026-06-21T12:03:00Z');
  const res = await vendorGet(
    'weather',
    forecastPath({
      latitude: '55.72',
      longitude: '12.38',
      start_minutely_10: '2026-06-21T09:00',
      end_minutely_10: '2026-06-21T12:00',
    }),
  );
  assert.equal(res.status, 200);
  const body = (await res.json()) as {
    minutely_10: Record<string, (string | number)[]>;
    minutely_10_units: Record<string, string>;
  } & Record<string, unknown>;
  assert.equal(body['latitude'], 55.7, 'park-2 is the nearest');
  assert.equal(body['longitude'], 12.4);
  assert.equal(body['utc_offset_seconds'], 0);
  assert.equal(body['timezone'], 'GMT');
  assert.deepEqual(body.minutely_10_units, {
    time: 'iso8601',
    temperature_2m: '°C',
    wind_speed_10m: 'km/h',
    wind_direction_10m: '°',
    relative_humidity_2m: '%',
    surface_pressure: 'hPa',
  });
  const times = expectedTimes('weather', 'park-2', '2026-06-21T09:00:00Z', '2026-06-21T12:00:00Z');
  assert.ok(times.length >= 15 && times.length < 19, `${times.length} published of 19`);
  assert.deepEqual(
    body.minutely_10['time'],
    times.map((t) => new Date(t).toISOString().slice(0, 16)),
  );
  const native = await nativeItems('weather', 'park-2', '2026-06-21T09:00:00Z', '2026-06-21T12:00:00Z');
  const column = (field: string): (number | undefined)[] => native.map((it) => it.values?.[field]);
  assert.deepEqual(body.minutely_10['temperature_2m'], column('temp_c'));
  assert.deepEqual(
    body.minutely_10['wind_speed_10m'],
    column('wind_speed_ms').map((v) => Math.round((v ?? NaN) * 3.6 * 100) / 100),
  );
  assert.deepEqual(body.minutely_10['wind_direction_10m'], column('wind_dir_deg'));
  assert.deepEqual(body.minutely_10['relative_humidity_2m'], column('humidity_pct'));
  assert.deepEqual(body.minutely_10['surface_pressure'], column('pressure_hpa'));

  const some = await vendorGet(
    'weather',
    forecastPath({
      minutely_10: 'wind_speed_10m,temperature_2m',
      start_minutely_10: '2026-06-21T09:00',
      end_minutely_10: '2026-06-21T10:00',
    }),
  );
  const picked = (await some.json()) as { latitude: number; minutely_10: Record<string, unknown[]> };
  assert.equal(picked.latitude, 55.68);
  assert.deepEqual(Object.keys(picked.minutely_10), ['time', 'wind_speed_10m', 'temperature_2m']);
  assert.equal(picked.minutely_10['time']?.length, 7);
});

test('neighbors export: semicolon CSV with a comment line, epoch seconds, W/m² to 0.1', async () => {
  setClock('2026-06-21T12:03:00Z');
  const res = await vendorGet('neighbors', exportPath('park-1', '2026-06-21T09:00:00Z', '2026-06-21T12:00:00Z'));
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'text/csv; charset=utf-8');
  const lines = (await res.text()).split('\n');
  assert.equal(lines.pop(), '', 'ends with a newline');
  assert.equal(lines[0], '# upwind stations of park-1; irradiance in W/m2; times in seconds since 1970-01-01 UTC');
  assert.equal(lines[1], 'timestamp;ghi_w25;ghi_w45;ghi_nw35;ghi_sw35');
  const native = await nativeItems('neighbors', 'park-1', '2026-06-21T09:00:00Z', '2026-06-21T12:00:00Z');
  assert.deepEqual(
    native.map((it) => Date.parse(it.observedAt)),
    expectedTimes('neighbors', 'park-1', '2026-06-21T09:00:00Z', '2026-06-21T12:00:00Z'),
  );
  assert.deepEqual(
    lines.slice(2),
    native.map((it) =>
      [
        Date.parse(it.observedAt) / 1000,
        ...NEIGHBOR_STATIONS.map((s) => (it.values?.[s.field] ?? NaN).toFixed(1)),
      ].join(';'),
    ),
  );
  assert.ok(lines.length > 12);
});

test('vendor endpoints: 401 without the key, with a wrong one, or with it in the wrong place', async () => {
  const paths: Record<Exclude<Source, 'skycam'>, [string, RegExp]> = {
    'site-meter': [telemetryPath('park-1', '2026-06-21 10:00:00', '2026-06-21 12:00:00'), /"api_key" query parameter/],
    weather: [
      forecastPath({ start_minutely_10: '2026-06-21T09:00', end_minutely_10: '2026-06-21T10:00' }),
      /"apikey" query parameter/,
    ],
    neighbors: [exportPath('park-1', '2026-06-21T09:00:00Z', '2026-06-21T10:00:00Z'), /Authorization: Bearer/],
  };
  for (const [source, [path, where]] of Object.entries(paths) as [Exclude<Source, 'skycam'>, [string, RegExp]][]) {
    for (const key of [null, 'wrong', `${KEYS[source]}x`, KEYS.skycam]) {
      const res = await vendorGet(source, path, key);
      assert.equal(res.status, 401, `${source} key ${key}`);
      const body = (await res.json()) as { error: string; code: string };
      assert.equal(body.code, 'UNAUTHORIZED');
      assert.match(body.error, where);
    }
    // The native header does not open a vendor path.
    const native = await fetch(`${reliable.urls[source]}${path}`, { headers: { 'x-api-key': KEYS[source] } });
    assert.equal(native.status, 401, `${source} with x-api-key`);
    await native.arrayBuffer();
  }
  const snapshot = await vendorGet('skycam', '/snapshot/park-1.png', 'wrong');
  assert.equal(snapshot.status, 401);
  await snapshot.arrayBuffer();
});

test('vendor endpoints: 400 naming the bad parameter, 404 for an unknown site in the path or a path of another vendor', async () => {
  setClock('2026-06-21T12:03:00Z');
  const cases: [Source, string, string][] = [
    ['site-meter', telemetryPath('park-1', '2026-06-21T10:00:00', '2026-06-21 12:00:00'), 'startTime'],
    ['site-meter', telemetryPath('park-1', '2026-06-21 10:00:00', '2026-02-30 12:00:00'), 'endTime'],
    ['site-meter', telemetryPath('park-1', '2026-06-21 12:00:00', '2026-06-21 10:00:00'), 'endTime'],
    ['site-meter', telemetryPath('park-1', '2026-06-01 00:00:00', '2026-06-08 00:00:01'), 'endTime'],
    ['site-meter', telemetryPath('park-1', '2026-03-29 02:30:00', '2026-03-29 04:00:00'), 'startTime'],
    ['site-meter', '/api/v2/sites/park-1/telemetry?startTime=2026-06-21%2010:00:00', 'endTime'],
    [
      'weather',
      forecastPath({ latitude: 'north', start_minutely_10: '2026-06-21T09:00', end_minutely_10: '2026-06-21T10:00' }),
      'latitude',
    ],
    [
      'weather',
      forecastPath({ latitude: '55.9', start_minutely_10: '2026-06-21T09:00', end_minutely_10: '2026-06-21T10:00' }),
      'latitude',
    ],
    [
      'weather',
      forecastPath({ longitude: '12.5', start_minutely_10: '2026-06-21T09:00', end_minutely_10: '2026-06-21T10:00' }),
      'longitude',
    ],
    [
      'weather',
      forecastPath({
        minutely_10: 'temperature_2m,snowfall',
        start_minutely_10: '2026-06-21T09:00',
        end_minutely_10: '2026-06-21T10:00',
      }),
      'minutely_10',
    ],
    [
      'weather',
      forecastPath({ start_minutely_10: '2026-06-21T09:00Z', end_minutely_10: '2026-06-21T10:00' }),
      'start_minutely_10',
    ],
    [
      'weather',
      forecastPath({ start_minutely_10: '2026-06-21T09:00', end_minutely_10: '2026-06-21T24:00' }),
      'end_minutely_10',
    ],
    [
      'weather',
      forecastPath({ start_minutely_10: '2026-06-01T00:00', end_minutely_10: '2026-06-08T00:10' }),
      'end_minutely_10',
    ],
    ['weather', forecastPath({ start_minutely_10: '2026-06-21T09:00' }), 'end_minutely_10'],
    [
      'weather',
      forecastPath({
        timezone: 'Europe/Berlin',
        start_minutely_10: '2026-06-21T09:00',
        end_minutely_10: '2026-06-21T10:00',
      }),
      'timezone',
    ],
    ['neighbors', '/stations/park-1/export.csv?from=yesterday&to=1782032400', 'from'],
    ['neighbors', '/stations/park-1/export.csv?from=1782025800&to=1782032400.5', 'to'],
    ['neighbors', '/stations/park-1/export.csv?from=1782032400&to=1782025800', 'to'],
    ['neighbors', '/stations/park-1/export.csv?from=1782025800&to=1782025800&to=1782032400', 'to'],
    ['neighbors', `/stations/park-1/export.csv?from=1782025800&to=${1782025800 + 7 * 86_400 + 1}`, 'to'],
  ];
  for (const [source, path, parameter] of cases) {
    const res = await vendorGet(source, path);
    assert.equal(res.status, 400, `${source} ${path}`);
    const body = (await res.json()) as { error: string; code: string; parameter: string };
    assert.equal(body.parameter, parameter, `${path}: ${body.error}`);
    assert.equal(body.code, 'BAD_PARAMETER');
    assert.ok(body.error.includes(`"${parameter}"`), `${path}: ${body.error}`);
  }
  const notFound: [Source, string][] = [
    ['site-meter', telemetryPath('park-9', '2026-06-21 10:00:00', '2026-06-21 12:00:00')],
    ['neighbors', exportPath('park-9', '2026-06-21T09:00:00Z', '2026-06-21T10:00:00Z')],
    ['skycam', '/snapshot/park-9.png'],
    ['site-meter', '/v1/forecast'],
    ['weather', '/stations/park-1/export.csv'],
    ['neighbors', '/snapshot/park-1.png'],
    ['skycam', '/api/v2/sites/park-1/telemetry'],
  ];
  for (const [source, path] of notFound) {
    const res = await vendorGet(source, path);
    assert.equal(res.status, 404, `${source} ${path}`);
    assert.ok(
      ((await res.json()) as { error: string }).error.includes(
        path.includes('9') ? 'park-9' : (path.split('?')[0] ?? ''),
      ),
    );
  }
});

test('vendor endpoints: 503 with Retry-After during an outage, then the backlog appears in later windows', async () => {
  const window = {
    'site-meter': telemetryPath('park-1', '2026-06-10 10:00:00', '2026-06-10 15:00:00'), // 08:00-13:00 UTC
    weather: forecastPath({ start_minutely_10: '2026-06-10T08:00', end_minutely_10: '2026-06-10T13:00' }),
    neighbors: exportPath('park-1', '2026-06-10T08:00:00Z', '2026-06-10T13:00:00Z'),
  } as const;
  const rows = async (source: keyof typeof window): Promise<number> => {
    const res = await vendorGet(source, window[source], KEYS[source], flaky);
    assert.equal(res.status, 200, source);
    if (source === 'neighbors') return (await res.text()).trim().split('\n').length - 2;
    const body = (await res.json()) as Telemetry & { minutely_10: { time: string[] } };
    return source === 'site-meter' ? body.telemetry.values.length : body.minutely_10.time.length;
  };
  const feedOf = (source: SensorSourceId): ObservationFeed =>
    new ObservationFeed(world, source, outageBehaviour([OUTAGE]), RETENTION_DAYS);

  setClock('2026-06-10T11:00:00Z');
  for (const source of [...Object.keys(window), 'skycam'] as Source[]) {
    const res = await vendorGet(
      source,
      source === 'skycam' ? '/snapshot/park-1.png' : window[source as keyof typeof window],
      KEYS[source],
      flaky,
    );
    assert.equal(res.status, 503, source);
    assert.equal(res.headers.get('retry-after'), String(2 * 3600));
    assert.equal(((await res.json()) as { code: string }).code, 'UNAVAILABLE');
  }
  const reliableRes = await vendorGet('neighbors', window.neighbors);
  assert.equal(reliableRes.status, 200, 'a provider without outages is up');
  await reliableRes.arrayBuffer();

  for (const source of Object.keys(window) as (keyof typeof window)[]) {
    // Just before the outage: what was published by then (observed up to about 09:40).
    setClock(new Date(OUTAGE.from.getTime() - 1).toISOString());
    const before = await rows(source);
    assert.equal(
      before,
      feedOf(source).window(
        'park-1',
        Date.parse('2026-06-10T08:00:00Z'),
        Date.parse('2026-06-10T13:00:00Z'),
        clock.now(),
      ).length,
    );
    // As it ends, the backlog comes back spread over the jitter; a few minutes later it is all there, nothing lost.
    setClock(new Date(OUTAGE.to.getTime() + 45_000).toISOString());
    const atEnd = await rows(source);
    setClock('2026-06-10T13:05:00Z');
    const later = await rows(source);
    const all = expectedTimes(source, 'park-1', '2026-06-10T08:00:00Z', '2026-06-10T13:00:00Z');
    assert.equal(later, all.length, `${source}: every observation published on schedule by now is there`);
    assert.ok(
      before < atEnd && atEnd < later,
      `${source}: ${before} before, ${atEnd} 45 s after the outage, ${later} after`,
    );
    assert.ok(later - before >= 15, `${source}: the backlog of three hours (${later - before})`);
  }
});

test('skycam snapshot: the newest published picture with Last-Modified its observedAt; 404 before any', async () => {
  setClock('2026-06-21T12:03:00Z');
  const res = await vendorGet('skycam', '/snapshot/park-2.png');
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'image/png');
  let latest = 0;
  for (let t = Date.parse('2026-06-21T11:00:00Z'); t <= clock.now().getTime(); t += SLOT) {
    if (world.publishedAt('skycam', 'park-2', new Date(t)).getTime() <= clock.now().getTime()) latest = t;
  }
  assert.ok(latest >= Date.parse('2026-06-21T11:20:00Z'), 'published within 40 minutes');
  assert.equal(res.headers.get('last-modified'), new Date(latest).toUTCString());
  const bytes = Buffer.from(await res.arrayBuffer());
  assert.deepEqual(bytes, world.skycamPng('park-2', new Date(latest)));
  assert.equal(PNG.sync.read(bytes).width, 64);

  // Retention shorter than the shortest publication delay: nothing published is retained.
  const none = await startProviders({
    world,
    clock,
    retentionDays: 10 / 1440,
    providers: [{ id: 'skycam', port: 0, apiKey: 'k' }],
  });
  try {
    const empty = await fetch(`${none.urls['skycam']}/snapshot/park-1.png`, { headers: { 'x-api-key': 'k' } });
    assert.equal(empty.status, 404);
    assert.match(((await empty.json()) as { error: string }).error, /no picture of site "park-1"/);
  } finally {
    await none.close();
  }
});

test('vendor endpoints: a seven-day window is answered in reasonable time', async () => {
  setClock('2026-06-21T12:03:00Z');
  const started = Date.now();
  const res = await vendorGet(
    'weather',
    forecastPath({ start_minutely_10: '2026-06-14T12:03', end_minutely_10: '2026-06-21T12:03' }),
  );
  assert.equal(res.status, 200);
  const body = (await res.json()) as { minutely_10: { time: string[] } };
  // Retention (three days) bounds what is returned.
  assert.equal(
    body.minutely_10.time.length,
    expectedTimes('weather', 'park-1', '2026-06-14T12:03:00Z', '2026-06-21T12:03:00Z').length,
  );
  assert.ok(Date.now() - started < 5000, `${Date.now() - started} ms`);
});
