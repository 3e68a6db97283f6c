import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import type { Clock } from '../../../shared/time/Clock';
import { startIpCameraServer } from '../../../local/examples/ipCameraServer';
import { startOpenMeteoServer } from '../../../local/examples/openMeteoServer';
import type { RunningExample } from '../../../local/examples/RunningExample';
import { parseServeArgs, startExample } from '../../../local/examples/serveExample';
import { startSolarEdgeServer } from '../../../local/examples/solarEdgeServer';

/** A clock the test moves by hand. */
function movableClock(iso: string): Clock & { set(iso: string): void } {
  let now = new Date(iso);
  return { now: () => new Date(now.getTime()), set: (t) => (now = new Date(t)) };
}

const SE_KEY = 'L4QLVQ1LOKCQX2193VSEICXW61NP6B1O';

interface PowerBody {
  power: { timeUnit: string; unit: string; measuredBy: string; values: Array<{ date: string; value: number | null }> };
}

describe('SolarEdge Site Power example', () => {
  const clock = movableClock('2026-12-01T00:00:00Z');
  let berlin: RunningExample;
  let newYork: RunningExample;
  let retired: RunningExample;
  before(async () => {
    berlin = await startSolarEdgeServer({ apiKey: SE_KEY, clock });
    newYork = await startSolarEdgeServer({
      apiKey: SE_KEY,
      clock,
      site: { id: 42, timeZone: 'America/New_York', latitude: 40.7, longitude: -74 },
    });
    retired = await startSolarEdgeServer({ apiKey: SE_KEY, clock, retired: true });
  });
  after(async () => {
    await Promise.all([berlin.close(), newYork.close(), retired.close()]);
  });

  const power = (
    server: RunningExample,
    start: string,
    end: string,
    { site = 1, key = SE_KEY } = {},
  ): Promise<Response> => {
    const q = new URLSearchParams({ startTime: start, endTime: end, api_key: key });
    return fetch(`${server.url}/site/${site}/power?${q}`);
  };

  test('answers the documented shape: quarter-hour values in W, local dates, null at night', async () => {
    const res = await power(berlin, '2026-06-01 03:00:00', '2026-06-01 13:00:00');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    const body = (await res.json()) as PowerBody;
    assert.deepEqual(Object.keys(body), ['power']);
    assert.deepEqual(Object.keys(body.power), ['timeUnit', 'unit', 'measuredBy', 'values']);
    assert.equal(body.power.timeUnit, 'QUARTER_OF_AN_HOUR');
    assert.equal(body.power.unit, 'W');
    assert.equal(body.power.measuredBy, 'INVERTER');
    const values = body.power.values;
    assert.equal(values.length, 41);
    assert.deepEqual(values[0], { date: '2026-06-01 03:00:00', value: null });
    assert.equal(values.at(-1)?.date, '2026-06-01 13:00:00');
    for (const v of values) assert.match(v.date, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:00$/);
    const noon = values.find((v) => v.date === '2026-06-01 13:00:00')?.value;
    assert.ok(typeof noon === 'number' && noon > 500 && noon < 9_500, `midday power ${noon}`);
    // Sunrise in Berlin on 1 June is about 04:45 CEST: night values are null, the first light gives numbers.
    assert.equal(values.find((v) => v.date === '2026-06-01 03:30:00')?.value, null);
    assert.equal(typeof values.find((v) => v.date === '2026-06-01 06:00:00')?.value, 'number');
  });

  test("accepts the documentation example's single-digit day and is a pure function of the request and the clock", async () => {
    const a = await (await power(berlin, '2026-06-5 11:00:00', '2026-06-05 13:00:00')).text();
    const b = await (await power(berlin, '2026-06-05 11:00:00', '2026-06-05 13:00:00')).text();
    assert.equal(a, b);
    assert.equal((JSON.parse(a) as PowerBody).power.values.length, 9);
  });

  test("quarters not yet complete at the clock's now have no data", async () => {
    clock.set('2026-06-01T10:07:00Z'); // 12:07 CEST
    try {
      const body = (await (await power(berlin, '2026-06-01 11:00:00', '2026-06-01 13:00:00')).json()) as PowerBody;
      const byDate = new Map(body.power.values.map((v) => [v.date.slice(11, 16), v.value]));
      assert.equal(typeof byDate.get('11:45'), 'number');
      assert.equal(byDate.get('12:00'), null);
      assert.equal(byDate.get('13:00'), null);
    } finally {
      clock.set('2026-12-01T00:00:00Z');
    }
  });

  test('dates the quarters in the site zone across daylight-saving changes (Europe/Berlin)', async () => {
    const spring = ((await (await power(berlin, '2026-03-29 00:00:00', '2026-03-29 05:00:00')).json()) as PowerBody)
      .power.values;
    assert.equal(spring.length, 17, 'the hour 02:00-03:00 does not exist');
    assert.ok(!spring.some((v) => v.date.startsWith('2026-03-29 02:')));
    assert.deepEqual(
      spring.slice(7, 9).map((v) => v.date),
      ['2026-03-29 01:45:00', '2026-03-29 03:00:00'],
    );
    const autumn = ((await (await power(berlin, '2026-10-25 00:00:00', '2026-10-25 05:00:00')).json()) as PowerBody)
      .power.values;
    assert.equal(autumn.length, 25, 'the hour 02:00-03:00 happens twice');
    assert.equal(autumn.filter((v) => v.date === '2026-10-25 02:00:00').length, 2);
    assert.equal(autumn.filter((v) => v.date === '2026-10-25 02:45:00').length, 2);
  });

  test('the site zone is an option (America/New_York)', async () => {
    const spring = (
      (await (await power(newYork, '2026-03-08 00:00:00', '2026-03-08 04:00:00', { site: 42 })).json()) as PowerBody
    ).power.values;
    assert.equal(spring.length, 13);
    assert.ok(!spring.some((v) => v.date.startsWith('2026-03-08 02:')));
    const autumn = (
      (await (await power(newYork, '2026-11-01 00:00:00', '2026-11-01 03:00:00', { site: 42 })).json()) as PowerBody
    ).power.values;
    assert.equal(autumn.filter((v) => v.date === '2026-11-01 01:30:00').length, 2);
  });

  test('errors as documented: 403 for a bad key, another site or over a month; 400 for a malformed time', async () => {
    const cases: Array<[Promise<Response>, number]> = [
      [power(berlin, '2026-06-01 00:00:00', '2026-06-02 00:00:00', { key: 'WRONG' }), 403],
      [fetch(`${berlin.url}/site/1/power?startTime=2026-06-01%2000:00:00&endTime=2026-06-02%2000:00:00`), 403],
      [power(berlin, '2026-06-01 00:00:00', '2026-06-02 00:00:00', { site: 2 }), 403],
      [power(berlin, '2026-06-01 00:00:00', '2026-07-01 00:15:00'), 403],
      [power(berlin, '2026-06-02 00:00:00', '2026-06-01 00:00:00'), 403],
      [power(berlin, '2026-06-01T00:00:00', '2026-06-02 00:00:00'), 400],
      [power(berlin, '2026-02-30 00:00:00', '2026-03-02 00:00:00'), 400],
      [fetch(`${berlin.url}/site/1/power?startTime=2026-06-01%2000:00:00&api_key=${SE_KEY}`), 400],
      [fetch(`${berlin.url}/site/1/energy?api_key=${SE_KEY}`), 404],
      [power(retired, '2026-06-01 00:00:00', '2026-06-02 00:00:00'), 410],
    ];
    for (const [pending, status] of cases) {
      const res = await pending;
      assert.equal(res.status, status, `${res.url} -> ${res.status}: ${await res.text()}`);
    }
    const month = await power(berlin, '2026-06-01 00:00:00', '2026-07-01 00:00:00');
    assert.equal(month.status, 200, 'exactly one month is allowed');
    assert.equal(((await month.json()) as PowerBody).power.values.length, 30 * 96 + 1);
  });
});

interface ForecastBody {
  latitude: number;
  longitude: number;
  utc_offset_seconds: number;
  timezone: string;
  timezone_abbreviation: string;
  minutely_15?: Record<string, Array<string | number | null>>;
  minutely_15_units?: Record<string, string>;
  hourly?: Record<string, Array<string | number | null>>;
  hourly_units?: Record<string, string>;
}

describe('Open-Meteo forecast example', () => {
  const clock = movableClock('2026-06-01T08:00:00Z');
  let open: RunningExample;
  let customer: RunningExample;
  before(async () => {
    open = await startOpenMeteoServer({ clock });
    customer = await startOpenMeteoServer({ clock, apiKey: 'customer-key' });
  });
  after(async () => {
    await Promise.all([open.close(), customer.close()]);
  });

  const forecast = async (
    query: Record<string, string>,
    server = open,
  ): Promise<{ status: number; body: ForecastBody & { error?: boolean; reason?: string } }> => {
    const res = await fetch(
      `${server.url}/v1/forecast?${new URLSearchParams({ latitude: '52.52', longitude: '13.41', ...query })}`,
    );
    return { status: res.status, body: (await res.json()) as ForecastBody & { error?: boolean; reason?: string } };
  };

  test('answers column-oriented 15-minutely data with units for the requested window', async () => {
    const { status, body } = await forecast({
      minutely_15: 'temperature_2m,shortwave_radiation,wind_speed_10m',
      start_minutely_15: '2026-06-01T00:00',
      end_minutely_15: '2026-06-01T23:45',
      timezone: 'Europe/Berlin',
    });
    assert.equal(status, 200);
    assert.equal(body.timezone, 'Europe/Berlin');
    assert.equal(body.timezone_abbreviation, 'CEST');
    assert.equal(body.utc_offset_seconds, 7200);
    assert.ok(Math.abs(body.latitude - 52.52) < 0.05 && Math.abs(body.longitude - 13.41) < 0.05);
    assert.deepEqual(body.minutely_15_units, {
      time: 'iso8601',
      temperature_2m: '°C',
      shortwave_radiation: 'W/m²',
      wind_speed_10m: 'km/h',
    });
    const m = body.minutely_15 ?? {};
    assert.deepEqual(Object.keys(m), ['time', 'temperature_2m', 'shortwave_radiation', 'wind_speed_10m']);
    for (const column of Object.values(m)) assert.equal(column.length, 96);
    assert.equal(m['time']?.[0], '2026-06-01T00:00');
    assert.equal(m['time']?.[95], '2026-06-01T23:45');
    assert.equal(m['shortwave_radiation']?.[8], 0, 'no sun at 02:00 local');
    assert.ok((m['shortwave_radiation']?.[52] as number) > 100, 'sun at 13:00 local');
    assert.equal(body.hourly, undefined);
  });

  test('writes every time with the one utc_offset_seconds of now, also across a DST change, or as unix seconds', async () => {
    clock.set('2026-10-20T12:00:00Z'); // CEST: +7200 for the whole answer
    try {
      const window = {
        minutely_15: 'temperature_2m',
        start_minutely_15: '2026-10-25T01:00',
        end_minutely_15: '2026-10-25T04:00',
        timezone: 'Europe/Berlin',
      };
      const iso = (await forecast(window)).body;
      const times = iso.minutely_15?.['time'] as string[];
      assert.equal(iso.utc_offset_seconds, 7200);
      assert.equal(times.length, 13);
      assert.equal(new Set(times).size, 13, 'no repeated local times: the offset does not change inside an answer');
      const unix = (await forecast({ ...window, timeformat: 'unixtime' })).body;
      assert.equal(unix.minutely_15_units?.['time'], 'unixtime');
      const seconds = unix.minutely_15?.['time'] as number[];
      assert.deepEqual(
        seconds,
        times.map((t) => Date.parse(`${t}Z`) / 1000 - 7200),
      );
      assert.deepEqual(unix.minutely_15?.['temperature_2m'], iso.minutely_15?.['temperature_2m']);
    } finally {
      clock.set('2026-06-01T08:00:00Z');
    }
  });

  test('defaults: hourly 7 days from local midnight in GMT, 15-minutely 3 days with nulls past the model horizon', async () => {
    const { body } = await forecast({ hourly: 'temperature_2m,cloud_cover', minutely_15: 'shortwave_radiation' });
    assert.equal(body.timezone, 'GMT');
    assert.equal(body.utc_offset_seconds, 0);
    assert.equal(body.hourly?.['time']?.length, 168);
    assert.equal(body.hourly?.['time']?.[0], '2026-06-01T00:00');
    assert.ok(body.hourly?.['temperature_2m']?.every((v) => typeof v === 'number'));
    const radiation = body.minutely_15?.['shortwave_radiation'] ?? [];
    assert.equal(radiation.length, 288);
    const firstNull = radiation.indexOf(null);
    assert.equal(body.minutely_15?.['time']?.[firstNull], '2026-06-03T08:15', 'null after now + 48 h');
    assert.ok(radiation.slice(firstNull).every((v) => v === null));
  });

  test('errors as documented: HTTP 400 with {"error": true, "reason"}', async () => {
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ latitude: '95', hourly: 'temperature_2m' }, /^Latitude must be in range of -90 to 90°. Given: 95.0.$/],
      [
        { hourly: 'tempeture_2m' },
        /^Cannot initialize WeatherVariable from invalid String value tempeture_2m for key hourly$/,
      ],
      [
        { hourly: 'temperature_2m', start_date: '2025-01-01', end_date: '2025-01-02' },
        /^Parameter 'start_date' is out of allowed range from 2026-03-01 to 2026-06-16$/,
      ],
      [
        { hourly: 'temperature_2m', start_date: '2026-06-01' },
        /^Both 'start_date' and 'end_date' must be set in the url$/,
      ],
      [
        { hourly: 'temperature_2m', start_date: '2026-06-02', end_date: '2026-06-01' },
        /^End-date must be larger or equals than start-date$/,
      ],
      [
        { hourly: 'temperature_2m', past_days: '1', start_date: '2026-06-01', end_date: '2026-06-01' },
        /mutually exclusive/,
      ],
      [
        { hourly: 'temperature_2m', forecast_days: '17' },
        /^Forecast days is invalid. Allowed range 0 to 16. Given 17.$/,
      ],
      [{ hourly: 'temperature_2m', timezone: 'Mars/Olympus' }, /^Invalid timezone$/],
      [
        { minutely_15: 'temperature_2m', start_minutely_15: '2026-06-01 00:00', end_minutely_15: '2026-06-01T01:00' },
        /Invalid date format/,
      ],
    ];
    for (const [query, reason] of cases) {
      const { status, body } = await forecast(query);
      assert.equal(status, 400, JSON.stringify(query));
      assert.equal(body.error, true);
      assert.match(body.reason ?? '', reason);
    }
    const notFound = await fetch(`${open.url}/v1/nowhere`);
    assert.equal(notFound.status, 404);
  });

  test('the commercial server wants its apikey', async () => {
    assert.equal((await forecast({ hourly: 'temperature_2m' }, customer)).status, 401);
    assert.equal((await forecast({ hourly: 'temperature_2m', apikey: 'customer-key' }, customer)).status, 200);
  });
});

/** DateTimeOriginal (tag 0x9003 in the Exif IFD) of a JPEG's EXIF block, as sharp returns it. */
function exifDateTimeOriginal(exif: Buffer): string | undefined {
  const tiff = exif.subarray(exif.indexOf('Exif\0\0') + 6);
  const le = tiff.toString('latin1', 0, 2) === 'II';
  const u16 = (o: number): number => (le ? tiff.readUInt16LE(o) : tiff.readUInt16BE(o));
  const u32 = (o: number): number => (le ? tiff.readUInt32LE(o) : tiff.readUInt32BE(o));
  const entries = (ifd: number): Array<{ tag: number; count: number; value: number }> =>
    Array.from({ length: u16(ifd) }, (_, i) => ({
      tag: u16(ifd + 2 + i * 12),
      count: u32(ifd + 6 + i * 12),
      value: u32(ifd + 10 + i * 12),
    }));
  const exifIfd = entries(u32(4)).find((e) => e.tag === 0x8769)?.value;
  if (exifIfd === undefined) return undefined;
  const original = entries(exifIfd).find((e) => e.tag === 0x9003);
  return original && tiff.toString('latin1', original.value, original.value + original.count - 1);
}

describe('IP camera (Axis VAPIX) snapshot example', () => {
  const clock = movableClock('2026-06-01T10:02:00Z');
  let plain: RunningExample;
  let stamped: RunningExample;
  before(async () => {
    plain = await startIpCameraServer({ username: 'viewer', password: 's3cret', clock });
    stamped = await startIpCameraServer({
      username: 'viewer',
      password: 's3cret',
      clock,
      captureIntervalMinutes: 10,
      lastModified: true,
      exifTimeZone: 'Europe/Berlin',
    });
  });
  after(async () => {
    await Promise.all([plain.close(), stamped.close()]);
  });

  const basic = (user: string, password: string): Record<string, string> => ({
    authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
  });
  const snapshot = (
    server: RunningExample,
    query = 'resolution=640x480',
    headers = basic('viewer', 's3cret'),
  ): Promise<Response> => fetch(`${server.url}/axis-cgi/jpg/image.cgi?${query}`, { headers });

  test('asks for Basic credentials with 401 and WWW-Authenticate', async () => {
    for (const headers of [{}, basic('viewer', 'wrong')]) {
      const res = await snapshot(plain, 'resolution=640x480', headers);
      assert.equal(res.status, 401);
      assert.match(res.headers.get('www-authenticate') ?? '', /^Basic realm="/);
      await res.arrayBuffer();
    }
  });

  test('answers image/jpeg with Content-Length at the requested resolution', async () => {
    for (const [resolution, width, height] of [
      ['640x480', 640, 480],
      ['320x240', 320, 240],
    ] as const) {
      const res = await snapshot(plain, `resolution=${resolution}&compression=25`);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type'), 'image/jpeg');
      const bytes = Buffer.from(await res.arrayBuffer());
      assert.equal(Number(res.headers.get('content-length')), bytes.length);
      const meta = await sharp(bytes).metadata();
      assert.deepEqual([meta.format, meta.width, meta.height], ['jpeg', width, height]);
      assert.equal(meta.exif, undefined, 'the documented camera writes no EXIF time');
      assert.equal(res.headers.get('last-modified'), null, 'nor Last-Modified');
    }
    const bad = await snapshot(plain, 'resolution=999x1');
    assert.equal(bad.status, 400);
    await bad.text();
  });

  test('serves the same picture until the next capture, stamped with the capture time', async () => {
    const take = async (): Promise<{ bytes: Buffer; lastModified: string | null }> => {
      const res = await snapshot(stamped);
      return { bytes: Buffer.from(await res.arrayBuffer()), lastModified: res.headers.get('last-modified') };
    };
    clock.set('2026-06-01T10:02:00Z');
    const first = await take();
    clock.set('2026-06-01T10:09:59Z');
    const again = await take();
    clock.set('2026-06-01T10:10:00Z');
    const next = await take();
    assert.ok(first.bytes.equals(again.bytes), 'same capture, same bytes');
    assert.ok(!first.bytes.equals(next.bytes), 'a new capture every 10 minutes');
    assert.equal(first.lastModified, 'Mon, 01 Jun 2026 10:00:00 GMT');
    assert.equal(next.lastModified, 'Mon, 01 Jun 2026 10:10:00 GMT');
    const exif = (await sharp(first.bytes).metadata()).exif;
    assert.ok(exif);
    assert.equal(exifDateTimeOriginal(exif), '2026:06:01 12:00:00', 'local time in Europe/Berlin');
  });
});

describe('serveExample', () => {
  test('parses the CLI and starts each example', async () => {
    assert.deepEqual(parseServeArgs(['solaredge', '--port', '0', '--key', 'K', '--zone', 'Europe/Berlin']), {
      name: 'solaredge',
      opts: { port: 0, key: 'K', timeZone: 'Europe/Berlin' },
    });
    assert.throws(() => parseServeArgs(['fronius']), /expected one of/);
    assert.throws(() => parseServeArgs(['ip-camera', '--port']), /needs a value/);
    const clock = movableClock('2026-06-01T10:00:00Z');
    for (const name of ['solaredge', 'open-meteo', 'ip-camera'] as const) {
      const running = await startExample(name, { clock });
      try {
        assert.match(running.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      } finally {
        await running.close();
      }
    }
  });
});
