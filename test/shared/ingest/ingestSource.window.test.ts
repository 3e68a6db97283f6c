import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DateTime } from 'luxon';
import { WatermarkStore } from '../../../shared/ingest/WatermarkStore';
import { ProviderHttpError, ProviderPageError } from '../../../shared/sources/ProviderError';
import { storedNames } from '../../support/storedObservations';
import { CONTAINERS } from '../../../shared/storage/BlobStore';
import { FixedClock } from '../../support/fixedClock';
import { type FetchScript, json, type SeenRequest } from '../../support/scriptedFetch';
import {
  answer,
  csvLogger,
  fixture,
  LOGGER,
  OPEN_METEO,
  openMeteo,
  rejection,
  rig,
  SOLAREDGE,
  SOLAREDGE_KEY,
  solarEdge,
  type SourceSpec,
  valuesByTime,
} from './httpProviderRig';

const MINUTE = 60_000;
const QUARTER = 15 * MINUTE;
const BERLIN = 'Europe/Berlin';
const SE_FORMAT = 'yyyy-MM-dd HH:mm:ss';

const meterSpec = (provider: Record<string, unknown>): SourceSpec => ({
  fields: ['power_kw'],
  provider,
  target: { field: 'power_kw', unit: 'kW' },
});
const loggerSpec = (provider: Record<string, unknown>): SourceSpec => ({
  fields: ['power_kw', 'ghi_wm2'],
  provider,
  target: { field: 'power_kw', unit: 'kW' },
});
const weatherSpec = (provider: Record<string, unknown>): SourceSpec => ({
  fields: ['temp_c', 'wind_speed_ms'],
  provider,
});

/** ISO times of `count` quarter-hours from `first`. */
function quarters(first: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => new Date(Date.parse(first) + i * QUARTER).toISOString());
}

describe('local time across daylight-saving changes', () => {
  // SolarEdge answers in the site's wall-clock time; the logger export too. Both must land on distinct UTC instants.
  const cases = [
    {
      name: 'http-json (SolarEdge), autumn: 02:00-02:45 come twice, first CEST then CET',
      spec: meterSpec(solarEdge()),
      body: () => answer(fixture('solaredge-power-autumn-dst.json'), 'application/json;charset=UTF-8'),
      now: '2026-10-25T03:05:00Z',
      since: '2026-10-24T22:00:00Z',
      // 00:00 CEST is 22:00Z; 21 quarters (the repeated hour included) run on without a gap to 04:00 CET = 03:00Z.
      expected: Object.fromEntries(
        quarters('2026-10-24T22:00:00.000Z', 21)
          .map((t, i) => [t, (180 + 10 * i) / 1000])
          .filter((_, i) => i !== 2 && i !== 14),
      ),
      withoutValue: 2,
    },
    {
      name: 'http-json (SolarEdge), spring: 02:00-02:45 do not exist and are not sent',
      spec: meterSpec(solarEdge()),
      body: () => answer(fixture('solaredge-power-spring-dst.json'), 'application/json'),
      now: '2026-03-29T02:05:00Z',
      since: '2026-03-28T22:00:00Z',
      // 00:00 CET is 23:00Z; 01:45 CET (00:45Z) is followed by 03:00 CEST (01:00Z).
      expected: Object.fromEntries(quarters('2026-03-28T23:00:00.000Z', 13).map((t, i) => [t, (100 + 10 * i) / 1000])),
      withoutValue: 0,
    },
    {
      name: 'http-csv (logger export), autumn',
      spec: loggerSpec(csvLogger()),
      body: () => answer(fixture('logger-export-autumn-dst.csv'), 'text/csv; charset=utf-8'),
      now: '2026-10-25T03:05:00Z',
      since: '2026-10-24T22:00:00Z',
      // 01:00 CEST is 23:00Z; 14 rows, the second 02:00 is 01:00Z.
      expected: Object.fromEntries(quarters('2026-10-24T23:00:00.000Z', 14).map((t, i) => [t, (1000 + 50 * i) / 1000])),
      withoutValue: 0,
    },
    {
      name: 'http-csv (logger export), spring',
      spec: loggerSpec(csvLogger()),
      body: () => answer(fixture('logger-export-spring-dst.csv'), 'text/csv'),
      now: '2026-03-29T02:05:00Z',
      since: '2026-03-28T22:00:00Z',
      // 01:00 CET is 00:00Z; 03:00 CEST follows 01:45 CET at 01:00Z.
      expected: Object.fromEntries(quarters('2026-03-29T00:00:00.000Z', 8).map((t, i) => [t, (1000 + 50 * i) / 1000])),
      withoutValue: 0,
    },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      const t = rig(c.spec, { now: c.now, initialSince: c.since, script: c.body });
      const r = await t.run();
      assert.deepEqual(
        [r.quarantined, r.quarantinedPages, r.withoutValue, r.duplicates],
        [0, 0, c.withoutValue, 0],
        JSON.stringify(r),
      );
      assert.equal(r.stored, Object.keys(c.expected).length);
      assert.deepEqual(valuesByTime(await t.observations(), 'power_kw'), c.expected);
    });
  }

  test('a wall-clock time inside the skipped spring hour is quarantined with the reason; the other rows are stored', async () => {
    const doc = JSON.parse(fixture('solaredge-power-spring-dst.json')) as {
      power: { values: { date: string; value: number | null }[] };
    };
    doc.power.values.splice(8, 0, { date: '2026-03-29 02:30:00', value: 55 });
    const t = rig(meterSpec(solarEdge()), {
      now: '2026-03-29T02:05:00Z',
      initialSince: '2026-03-28T22:00:00Z',
      script: () => json(doc),
    });
    const r = await t.run();
    assert.deepEqual([r.stored, r.quarantined], [13, 1]);
    const [entry] = await t.quarantined();
    assert.match(
      entry?.reason ?? '',
      /^sources\[0\]\.provider\.response\.time: "2026-03-29 02:30:00" does not exist in Europe\/Berlin .*\(at power\.values\[8\], path "date"\)$/,
    );
    assert.equal(entry?.bin?.toString('utf8'), '{"date":"2026-03-29 02:30:00","value":55}');
  });
});

describe('null values', () => {
  const night = {
    'http-json (SolarEdge)': {
      spec: (nulls: 'skip' | 'quarantine') => meterSpec(solarEdge({ nulls })),
      body: () =>
        json({
          power: {
            timeUnit: 'QUARTER_OF_AN_HOUR',
            unit: 'W',
            measuredBy: 'INVERTER',
            values: [
              { date: '2026-06-01 04:30:00', value: null },
              { date: '2026-06-01 04:45:00', value: null },
              { date: '2026-06-01 05:00:00', value: 12.0 },
              { date: '2026-06-01 05:15:00', value: 85.3 },
            ],
          },
        }),
      reason:
        /^sources\[0\]\.provider\.response\.values\.power_kw: null value at power\.values\[0\] \(path "value"\) and "nulls" is "quarantine"$/,
      raw: '{"date":"2026-06-01 04:30:00","value":null}',
    },
    'http-csv (logger)': {
      spec: (nulls: 'skip' | 'quarantine') => loggerSpec(csvLogger({ nulls })),
      body: () =>
        answer(
          '# export\nZeitstempel;Leistung [W];Einstrahlung [W/m2]\n01.06.2026 04:30;;0\n01.06.2026 04:45;NA;1\n01.06.2026 05:00;12;8\n01.06.2026 05:15;85.3;40\n',
          'text/csv',
        ),
      reason:
        /^sources\[0\]\.provider\.response\.values\.power_kw: "" value at line 3 \(path "Leistung \[W\]"\) and "nulls" is "quarantine"$/,
      raw: '01.06.2026 04:30;;0',
    },
    'http-json columns (Open-Meteo)': {
      spec: (nulls: 'skip' | 'quarantine') => weatherSpec(openMeteo({ nulls })),
      body: () =>
        json({
          utc_offset_seconds: 0,
          timezone: 'GMT',
          minutely_15_units: { time: 'iso8601', temperature_2m: '°C', wind_speed_10m: 'km/h' },
          minutely_15: {
            time: ['2026-06-01T02:30', '2026-06-01T02:45', '2026-06-01T03:00', '2026-06-01T03:15'],
            temperature_2m: [null, 11.0, 11.2, 11.5],
            wind_speed_10m: [7.2, null, 3.6, 0],
          },
        }),
      reason:
        /^sources\[0\]\.provider\.response\.values\.temp_c: null value at minutely_15 row 0 \(path "temperature_2m"\) and "nulls" is "quarantine"$/,
      raw: '{"time":"2026-06-01T02:30","temperature_2m":null,"wind_speed_10m":7.2}',
    },
  };
  for (const [name, c] of Object.entries(night)) {
    test(`${name}, nulls "skip": not stored, counted in withoutValue, nothing quarantined`, async () => {
      const t = rig(c.spec('skip'), {
        now: '2026-06-01T03:20:00Z',
        initialSince: '2026-06-01T02:00:00Z',
        script: c.body,
      });
      const r = await t.run();
      assert.deepEqual([r.received, r.stored, r.withoutValue, r.quarantined], [2, 2, 2, 0]);
      assert.equal(t.blobs.names(CONTAINERS.quarantine).length, 0);
      assert.deepEqual(
        (await t.observations()).map((o) => o.observedAt),
        ['2026-06-01T03:00:00.000Z', '2026-06-01T03:15:00.000Z'],
      );
    });
    test(`${name}, nulls "quarantine": quarantined with the configuration key and the place in the response`, async () => {
      const t = rig(c.spec('quarantine'), {
        now: '2026-06-01T03:20:00Z',
        initialSince: '2026-06-01T02:00:00Z',
        script: c.body,
      });
      const r = await t.run();
      assert.deepEqual([r.received, r.stored, r.withoutValue, r.quarantined], [4, 2, 0, 2]);
      const entries = await t.quarantined();
      const first = entries.find((e) => e.bin?.toString('utf8') === c.raw);
      assert.ok(
        first,
        `the row is kept as the provider sent it: ${entries.map((e) => e.bin?.toString('utf8')).join(' | ')}`,
      );
      assert.match(first.reason, c.reason);
    });
  }
});

describe('unit conversion', () => {
  const se = (values: unknown[]) =>
    json({
      power: {
        timeUnit: 'QUARTER_OF_AN_HOUR',
        unit: 'W',
        measuredBy: 'INVERTER',
        values: values.map((value, i) => ({ date: `2026-06-01 1${i}:00:00`, value })),
      },
    });
  const cases: { name: string; targetUnit: string; sent: unknown; stored: number }[] = [
    { name: 'W to the target unit kW', targetUnit: 'kW', sent: 1234.5, stored: 1.2345 },
    { name: 'a numeric string, W to kW', targetUnit: 'kW', sent: '2345.5', stored: 2.3455 },
    { name: 'a numeric string with spaces and an exponent', targetUnit: 'kW', sent: ' 1.5e3 ', stored: 1.5 },
    { name: 'W to the target unit MW: the target unit decides', targetUnit: 'MW', sent: 2500000, stored: 2.5 },
    { name: 'W to the target unit W: unchanged', targetUnit: 'W', sent: 815, stored: 815 },
  ];
  for (const c of cases) {
    test(`http-json: ${c.name}`, async () => {
      const t = rig(
        { fields: ['power_kw'], provider: solarEdge(), target: { field: 'power_kw', unit: c.targetUnit } },
        { now: '2026-06-01T09:00:00Z', initialSince: '2026-06-01T07:00:00Z', script: () => se([c.sent]) },
      );
      const r = await t.run();
      assert.deepEqual([r.stored, r.quarantined], [1, 0]);
      assert.deepEqual(valuesByTime(await t.observations(), 'power_kw'), { '2026-06-01T08:00:00.000Z': c.stored });
    });
  }

  test('http-json: a string that is not a number is quarantined with the field, value and place', async () => {
    const t = rig(meterSpec(solarEdge()), {
      now: '2026-06-01T09:00:00Z',
      initialSince: '2026-06-01T07:00:00Z',
      script: () => se(['n/a', 100]),
    });
    const r = await t.run();
    assert.deepEqual([r.stored, r.quarantined], [1, 1]);
    assert.match(
      (await t.quarantined())[0]?.reason ?? '',
      /^sources\[0\]\.provider\.response\.values\.power_kw: "n\/a" at power\.values\[0\] \(path "value"\) is not a number$/,
    );
  });

  test('http-json columns: km/h to m/s by convertTo; °C kept as sent', async () => {
    const t = rig(weatherSpec(openMeteo()), {
      now: '2026-06-01T03:05:00Z',
      initialSince: '2026-06-01T00:00:00Z',
      script: () => answer(fixture('open-meteo-minutely15.json'), 'application/json; charset=utf-8'),
    });
    const r = await t.run();
    assert.deepEqual([r.stored, r.quarantined], [13, 0]);
    const obs = await t.observations();
    assert.deepEqual(
      obs.slice(0, 5).map((o) => o.values),
      [
        { temp_c: 14.2, wind_speed_ms: 10 },
        { temp_c: 14.1, wind_speed_ms: 5 },
        { temp_c: 14, wind_speed_ms: 2 },
        { temp_c: 13.9, wind_speed_ms: 3 },
        { temp_c: 13.8, wind_speed_ms: 0 },
      ],
    );
    assert.equal(obs.at(-1)?.observedAt, '2026-06-01T03:00:00.000Z');
    assert.equal(obs.at(-1)?.values['wind_speed_ms'], 11);
  });

  test('http-csv: numeric cells W to kW (target), W/m2 kept', async () => {
    const t = rig(loggerSpec(csvLogger()), {
      now: '2026-06-01T10:05:00Z',
      initialSince: '2026-06-01T09:00:00Z',
      script: () =>
        answer('# export\nZeitstempel;Leistung [W];Einstrahlung [W/m2]\n01.06.2026 12:00;4321.5;812.4\n', 'text/csv'),
    });
    const r = await t.run();
    assert.deepEqual([r.stored, r.quarantined], [1, 0]);
    assert.deepEqual(
      (await t.observations()).map((o) => [o.observedAt, o.values]),
      [['2026-06-01T10:00:00.000Z', { power_kw: 4.3215, ghi_wm2: 812.4 }]],
    );
  });
});

test('column arrays of unequal length: the response is refused with both lengths, quarantined whole; nothing stored, the watermark stays', async () => {
  let body = fixture('open-meteo-minutely15.json');
  const t = rig(weatherSpec(openMeteo()), {
    now: '2026-06-01T03:05:00Z',
    initialSince: '2026-06-01T00:00:00Z',
    script: () => answer(body, 'application/json'),
  });
  const first = await t.run();
  assert.equal(first.stored, 13);
  const stored = await storedNames(t.blobs, CONTAINERS.raw);
  assert.equal(await t.watermark(), '2026-06-01T03:05:00.000Z');

  t.clock.advanceMinutes(15);
  body = fixture('open-meteo-minutely15-unequal.json');
  const err = await rejection(t.run());
  assert.ok(err instanceof ProviderPageError, String(err));
  assert.equal(err.canRetry(), true);
  assert.equal(
    err.reason,
    'columns of unequal length at minutely_15: "temperature_2m" has 12 values, the time column "time" has 13; they cannot be lined up',
  );
  assert.deepEqual(await storedNames(t.blobs, CONTAINERS.raw), stored, 'nothing more stored');
  assert.equal(await t.watermark(), '2026-06-01T03:05:00.000Z');
  const entries = await t.quarantined();
  assert.equal(entries.length, 1);
  assert.equal(entries[0]?.reason, err.reason);
  assert.equal(entries[0]?.bin?.toString('utf8'), body, 'the whole body is kept');
});

/** Parses a SolarEdge startTime/endTime (Berlin wall-clock time). */
function berlinMs(text: string | null): number {
  const t = DateTime.fromFormat(text ?? '', SE_FORMAT, { zone: BERLIN });
  assert.ok(t.isValid, `a SolarEdge time: ${text}`);
  return t.toMillis();
}

/**
 * SolarEdge's site power API over a simulated meter: every quarter-hour in startTime..endTime (inclusive), in Berlin
 * time; a quarter not yet published at the clock's now is sent as null, as SolarEdge does. `down` answers 503.
 */
function solarEdgeApi(
  clock: FixedClock,
  o: { value: (ms: number) => number; publishedAt?: (ms: number) => number; down?: () => boolean },
): FetchScript {
  return (url) => {
    assert.equal(url.origin, SOLAREDGE);
    assert.equal(url.pathname, '/site/1234567/power');
    assert.equal(url.searchParams.get('api_key'), SOLAREDGE_KEY);
    if (o.down?.()) return answer('{"String":"Service Unavailable"}', 'application/json', {}, 503);
    const start = berlinMs(url.searchParams.get('startTime'));
    const end = berlinMs(url.searchParams.get('endTime'));
    const values: { date: string; value: number | null }[] = [];
    for (let t = Math.ceil(start / QUARTER) * QUARTER; t <= end; t += QUARTER) {
      const published = (o.publishedAt ?? ((ms) => ms + 5 * MINUTE))(t) <= clock.now().getTime();
      values.push({
        date: DateTime.fromMillis(t, { zone: BERLIN }).toFormat(SE_FORMAT),
        value: published ? o.value(t) : null,
      });
    }
    return json({ power: { timeUnit: 'QUARTER_OF_AN_HOUR', unit: 'W', measuredBy: 'INVERTER', values } });
  };
}

/** The windows the requests asked for, as ISO from..to. */
function windowsOf(seen: readonly SeenRequest[]): { from: string; to: string }[] {
  return seen.map((r) => ({
    from: new Date(berlinMs(r.url.searchParams.get('startTime'))).toISOString(),
    to: new Date(berlinMs(r.url.searchParams.get('endTime'))).toISOString(),
  }));
}

test('a value published late is picked up by the overlap of the next run: stored once, available when seen; the rest are duplicates', async () => {
  const late = Date.parse('2026-06-01T11:15:00Z');
  const clock = new FixedClock(new Date('2026-06-01T12:00:00Z'));
  const t = rig(meterSpec(solarEdge()), {
    now: clock,
    initialSince: '2026-06-01T10:00:00Z',
    script: solarEdgeApi(clock, {
      value: (ms) => 1000 + (ms % 3_600_000) / MINUTE,
      publishedAt: (ms) => (ms === late ? Date.parse('2026-06-01T12:10:00Z') : ms + 5 * MINUTE),
    }),
  });
  const first = await t.run();
  // 10:00..12:00: 11:15 is not published yet, 12:00 neither (it is sent as null).
  assert.deepEqual([first.stored, first.withoutValue, first.duplicates, first.quarantined], [7, 2, 0, 0]);
  assert.ok(!(await t.observations()).some((o) => o.observedAt === '2026-06-01T11:15:00.000Z'));
  assert.equal(await t.watermark(), '2026-06-01T12:00:00.000Z');

  t.clock.set('2026-06-01T12:15:00Z');
  const second = await t.run();
  // Asked again from the watermark minus the 60-minute overlap: 11:00..12:15 (Berlin 13:00..14:15).
  assert.deepEqual(windowsOf(t.seen.slice(1)), [{ from: '2026-06-01T11:00:00.000Z', to: '2026-06-01T12:15:00.000Z' }]);
  assert.equal(t.seen[1]?.url.searchParams.get('startTime'), '2026-06-01 13:00:00');
  assert.deepEqual(
    [second.received, second.stored, second.duplicates, second.withoutValue, second.quarantined],
    [5, 2, 3, 1, 0],
  );
  const byTime = new Map((await t.observations()).map((o) => [o.observedAt, o]));
  assert.equal(
    byTime.get('2026-06-01T11:15:00.000Z')?.availableAt,
    '2026-06-01T12:15:00.000Z',
    'available when ingestion first saw it',
  );
  assert.equal(byTime.get('2026-06-01T11:15:00.000Z')?.values['power_kw'], 1.015);
  assert.equal(byTime.get('2026-06-01T12:00:00.000Z')?.availableAt, '2026-06-01T12:15:00.000Z');
  for (const at of ['11:00', '11:30', '11:45'])
    assert.equal(
      byTime.get(`2026-06-01T${at}:00.000Z`)?.availableAt,
      '2026-06-01T12:00:00.000Z',
      `${at} keeps its first availableAt`,
    );
  assert.equal(byTime.size, 9);
});

test('catch-up after a 12-hour outage: bounded, contiguous windows from the watermark minus the overlap to now, at most maxRequestsPerRun per run', async () => {
  let down = false;
  const clock = new FixedClock(new Date('2026-06-01T06:00:00Z'));
  const maxWindowMinutes = 120;
  const maxRequestsPerRun = 4;
  const t = rig(meterSpec(solarEdge({ window: { overlapMinutes: 60, maxWindowMinutes }, maxRequestsPerRun })), {
    now: clock,
    initialSince: '2026-06-01T05:00:00Z',
    script: solarEdgeApi(clock, { value: (ms) => 2000 + ((ms / QUARTER) % 100), down: () => down }),
  });
  const runs: { from: string; to: string }[][] = [];
  const runOnce = async () => {
    const before = t.seen.length;
    const r = await t.run({ retry: { maxRetries: 2 } });
    runs.push(windowsOf(t.seen.slice(before)));
    return r;
  };
  await runOnce();
  assert.equal(await t.watermark(), '2026-06-01T06:00:00.000Z');

  // Twelve virtual hours of runs every 15 minutes against a provider that answers 503.
  down = true;
  let failed = 0;
  for (let i = 0; i < 48; i++) {
    t.clock.advanceMinutes(15);
    try {
      const r = await t.run({ retry: { maxRetries: 2 } });
      assert.ok(r.skipped, 'a run that did not fail was skipped by the open breaker');
    } catch (err) {
      assert.ok(err instanceof ProviderHttpError && err.status === 503 && err.canRetry(), String(err));
      failed++;
    }
    assert.equal(await t.watermark(), '2026-06-01T06:00:00.000Z', 'the watermark does not move during the outage');
  }
  assert.ok(failed >= 3);
  assert.equal(t.clock.now().toISOString(), '2026-06-01T18:00:00.000Z');

  down = false;
  const storedBefore = (await storedNames(t.blobs, CONTAINERS.raw)).length;
  t.clock.advanceMinutes(15);
  const a = await runOnce();
  assert.equal(a.caughtUp, false, 'more than maxRequestsPerRun windows were due');
  t.clock.advanceMinutes(15);
  const b = await runOnce();
  assert.equal(b.caughtUp, true);
  assert.equal(await t.watermark(), '2026-06-01T18:30:00.000Z');

  const [runA, runB] = runs.slice(1) as [{ from: string; to: string }[], { from: string; to: string }[]];
  assert.deepEqual(runA, [
    { from: '2026-06-01T05:00:00.000Z', to: '2026-06-01T07:00:00.000Z' },
    { from: '2026-06-01T07:00:00.000Z', to: '2026-06-01T09:00:00.000Z' },
    { from: '2026-06-01T09:00:00.000Z', to: '2026-06-01T11:00:00.000Z' },
    { from: '2026-06-01T11:00:00.000Z', to: '2026-06-01T13:00:00.000Z' },
  ]);
  assert.deepEqual(runB, [
    { from: '2026-06-01T12:00:00.000Z', to: '2026-06-01T14:00:00.000Z' },
    { from: '2026-06-01T14:00:00.000Z', to: '2026-06-01T16:00:00.000Z' },
    { from: '2026-06-01T16:00:00.000Z', to: '2026-06-01T18:00:00.000Z' },
    { from: '2026-06-01T18:00:00.000Z', to: '2026-06-01T18:30:00.000Z' },
  ]);
  // The same, as properties of any such run: bounded, contiguous, from watermark - overlap to now.
  for (const [run, start, end] of [
    [runA, '2026-06-01T05:00:00.000Z', undefined],
    [runB, '2026-06-01T12:00:00.000Z', '2026-06-01T18:30:00.000Z'],
  ] as const) {
    assert.ok(run.length <= maxRequestsPerRun);
    assert.equal(run[0]?.from, start);
    if (end) assert.equal(run.at(-1)?.to, end);
    run.forEach((w, i) => {
      assert.ok(
        Date.parse(w.to) - Date.parse(w.from) <= maxWindowMinutes * MINUTE,
        `${w.from}..${w.to} is at most ${maxWindowMinutes} minutes`,
      );
      if (i > 0) assert.equal(w.from, run[i - 1]?.to, 'contiguous');
    });
  }
  // Every quarter-hour from the first run's start to now is stored, once (18:30 is not published yet at 18:30).
  const expected = quarters('2026-06-01T05:00:00.000Z', 54);
  assert.equal(b.withoutValue, 1);
  assert.deepEqual(
    (await t.observations()).map((o) => o.observedAt),
    expected,
  );
  assert.equal(a.stored + b.stored, expected.length - storedBefore);
});

describe('a 200 that is no answer: an HTML page or an empty body', () => {
  const html = fixture('login-page.html');
  const cases = [
    {
      name: 'http-json, HTML sent as text/html',
      spec: meterSpec(solarEdge()),
      body: html,
      type: 'text/html; charset=utf-8',
      reason:
        /^the body is an HTML page titled "Sign in - Monitoring Portal" \(content-type "text\/html; charset=utf-8"\), expected JSON: an error page sent with status 200$/,
    },
    {
      name: 'http-json, HTML sent as application/json',
      spec: meterSpec(solarEdge()),
      body: html,
      type: 'application/json',
      reason: /HTML page titled "Sign in - Monitoring Portal" .*expected JSON/,
    },
    {
      name: 'http-csv, HTML sent as text/csv',
      spec: loggerSpec(csvLogger()),
      body: html,
      type: 'text/csv',
      reason: /HTML page titled "Sign in - Monitoring Portal" \(content-type "text\/csv"\), expected CSV/,
    },
    {
      name: 'http-json, empty body',
      spec: meterSpec(solarEdge()),
      body: '',
      type: 'application/json',
      reason: /^the body is empty, expected JSON$/,
    },
    {
      name: 'http-csv, blank body',
      spec: loggerSpec(csvLogger()),
      body: ' \r\n',
      type: 'text/csv',
      reason: /^the body is blank, expected CSV$/,
    },
  ];
  for (const c of cases) {
    test(`${c.name}: a failed fetch, retried; nothing stored, the body kept in quarantine, the watermark stays`, async () => {
      const t = rig(c.spec, { now: '2026-06-01T12:00:00Z', script: () => answer(c.body, c.type) });
      await new WatermarkStore(t.blobs).write(
        'pv',
        { since: '2026-06-01T11:30:00.000Z', updatedAt: '2026-06-01T11:30:00.000Z' },
        undefined,
      );
      const err = await rejection(t.run({ retry: { maxRetries: 2 } }));
      assert.ok(err instanceof ProviderPageError, String(err));
      assert.equal(err.canRetry(), true);
      assert.match(err.reason, c.reason);
      assert.match(err.message, /gave up after 3 attempts/);
      assert.equal(t.seen.length, 3, 'retried');
      assert.deepEqual(await storedNames(t.blobs, CONTAINERS.raw), []);
      assert.equal(await t.watermark(), '2026-06-01T11:30:00.000Z');
      const entries = await t.quarantined();
      assert.equal(entries.length, 1, 'the same body is kept once');
      assert.equal(entries[0]?.reason, err.reason);
      assert.equal(entries[0]?.bin?.toString('utf8'), c.body);
    });
  }
});

test('the requests of each protocol go to the configured endpoint with the credentials, and ask for the window', async () => {
  const cases = [
    {
      spec: meterSpec(solarEdge()),
      origin: SOLAREDGE,
      path: '/site/1234567/power',
      query: { startTime: '2026-06-01 13:00:00', endTime: '2026-06-01 14:00:00', api_key: SOLAREDGE_KEY },
      headers: { accept: 'application/json' },
    },
    {
      spec: loggerSpec(csvLogger()),
      origin: LOGGER,
      path: '/export.csv',
      query: {
        from: String(Date.parse('2026-06-01T11:00:00Z') / 1000),
        to: String(Date.parse('2026-06-01T12:00:00Z') / 1000),
      },
      headers: { accept: 'text/csv, text/plain', authorization: 'Bearer logger-token-123' },
    },
    {
      spec: weatherSpec(openMeteo()),
      origin: OPEN_METEO,
      path: '/v1/forecast',
      query: {
        latitude: '52.52',
        longitude: '13.41',
        minutely_15: 'temperature_2m,wind_speed_10m',
        start_minutely_15: '2026-06-01T11:00',
        end_minutely_15: '2026-06-01T12:00',
        timezone: 'GMT',
      },
      headers: { accept: 'application/json' },
    },
  ];
  for (const c of cases) {
    const t = rig(c.spec, {
      now: '2026-06-01T12:00:00Z',
      initialSince: '2026-06-01T11:00:00Z',
      script: () => answer('', 'text/plain'),
    });
    await t.run().catch(() => undefined);
    const [seen] = t.seen;
    assert.ok(seen);
    assert.equal(seen.url.origin, c.origin);
    assert.equal(seen.url.pathname, c.path);
    assert.deepEqual(Object.fromEntries(seen.url.searchParams), c.query);
    for (const [k, v] of Object.entries(c.headers)) assert.equal(seen.headers[k], v, `${c.origin} header ${k}`);
  }
});

test('a backlog a recovering provider releases over minutes is read in full: the watermark holds for the overlap after the last failure', async () => {
  // Down 09:00..10:00; what it observed then is released one quarter-hour every minute after 10:02.
  const clock = new FixedClock(new Date('2026-06-01T08:30:00Z'));
  const downFrom = Date.parse('2026-06-01T09:00:00Z');
  const upAt = Date.parse('2026-06-01T10:00:00Z');
  const released = (ms: number): number =>
    ms >= downFrom && ms < upAt ? upAt + 2 * MINUTE + ((ms - downFrom) / QUARTER) * MINUTE : ms + 5 * MINUTE;
  const t = rig(meterSpec(solarEdge({ window: { overlapMinutes: 30, maxWindowMinutes: 360 } })), {
    now: clock,
    initialSince: '2026-06-01T07:00:00Z',
    script: solarEdgeApi(clock, {
      value: () => 2000,
      publishedAt: released,
      down: () => clock.now().getTime() >= downFrom && clock.now().getTime() < upAt,
    }),
  });
  await t.run({ breaker: { failureThreshold: 1000 } });
  for (let at = downFrom; at < upAt; at += 5 * MINUTE) {
    clock.set(new Date(at));
    await rejection(t.run({ breaker: { failureThreshold: 1000 } }));
  }
  assert.equal(await t.watermark(), '2026-06-01T08:30:00.000Z', 'failed runs move nothing');
  // Back at 10:01: nothing of the outage is released yet; the runs after it see the backlog arrive bit by bit.
  for (let at = upAt + MINUTE; at <= upAt + 40 * MINUTE; at += 5 * MINUTE) {
    clock.set(new Date(at));
    await t.run({ breaker: { failureThreshold: 1000 } });
  }
  const stored = new Set((await t.observations()).map((o) => o.observedAt));
  for (let ms = downFrom; ms < upAt; ms += QUARTER)
    assert.ok(stored.has(new Date(ms).toISOString()), `${new Date(ms).toISOString()} read after the outage`);
  // The last failure was at 09:55: the watermark moves again once the overlap (30 min) has passed since.
  assert.equal(await t.watermark(), '2026-06-01T10:36:00.000Z');
});

test('values stored by the first read of a source are marked backfilled; later ones are live', async () => {
  const clock = new FixedClock(new Date('2026-06-01T12:00:00Z'));
  const t = rig(meterSpec(solarEdge()), {
    now: clock,
    initialSince: '2026-06-01T09:00:00Z',
    script: solarEdgeApi(clock, { value: () => 1500 }),
  });
  await t.run();
  clock.set('2026-06-01T12:30:00Z');
  await t.run();
  const byTime = new Map((await t.observations()).map((o) => [o.observedAt, o]));
  assert.equal(byTime.get('2026-06-01T11:45:00.000Z')?.backfilled, true);
  assert.equal(byTime.get('2026-06-01T12:15:00.000Z')?.backfilled, undefined);
  const meta =
    (await t.blobs.get(CONTAINERS.raw, 'pv/park-1/2026-06-01/2026-06-01T11:45:00.000Z.json'))?.metadata ?? {};
  assert.equal(meta['backfilled'], 'true');
});
