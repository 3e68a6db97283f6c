import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { findGaps } from '../../../shared/replay/findGaps';
import { readCsvReplay } from '../../../shared/replay/readCsvReplay';
import { ReplayError } from '../../../shared/replay/ReplayError';
import { type CsvReplaySpec, csvReplaySchema } from '../../../shared/replay/ReplaySpec';
import { TimestampParser } from '../../../shared/time/TimestampParser';

const FIXTURES = resolve(__dirname, '../../../../test/fixtures/backtest');
const MINUTE_MS = 60_000;
const dir = mkdtempSync(join(tmpdir(), 'csv-replay-'));
let n = 0;

function csv(text: string): string {
  const file = join(dir, `f${n++}.csv`);
  writeFileSync(file, text);
  return file;
}

function spec(over: Record<string, unknown>): CsvReplaySpec {
  return csvReplaySchema.parse({
    kind: 'csv',
    file: 'x.csv',
    timeColumn: 'time',
    columns: [{ column: 'P_W', field: 'power_kw', unit: 'W' }],
    ...over,
  });
}

const meter = { id: 'meter', fields: ['power_kw', 'ghi_wm2'], target: { field: 'power_kw', unit: 'kW' } };

/** Expects a ReplayError with this code whose message contains every fragment. */
function assertReplayError(fn: () => unknown, code: string, ...fragments: string[]): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof ReplayError, `a ReplayError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    for (const f of fragments) assert.ok(err.message.includes(f), `"${f}" in: ${err.message}`);
    assert.equal(err.canRetry(), false);
    return true;
  });
}

test('readCsvReplay: the hour repeated when daylight saving time ends keeps its order (Europe/Copenhagen, 2026-10-25)', () => {
  const file = join(FIXTURES, 'dst-copenhagen.csv');
  const r = readCsvReplay(
    spec({
      delimiter: ';',
      timeZone: 'Europe/Copenhagen',
      timeFormat: 'yyyy-MM-dd HH:mm',
      columns: [{ column: 'power', field: 'power_kw' }],
    }),
    file,
    meter,
  );
  assert.equal(r.observations.length, 15);
  assert.equal(r.stats.duplicates, 0);
  // 01:40 CEST is 23:40 UTC; then every ten minutes without a jump, through both 02:xx hours.
  assert.equal(new Date(r.observations[0]?.observedAt ?? 0).toISOString(), '2026-10-24T23:40:00.000Z');
  r.observations.forEach((o, i) => {
    assert.equal(o.observedAt, Date.parse('2026-10-24T23:40:00Z') + i * 10 * MINUTE_MS, `row ${i}`);
    assert.equal(o.values['power_kw'], i + 1);
  });
  assert.deepEqual(findGaps(r.observations.map((o) => o.observedAt)).gaps, []);
});

test('TimestampParser: a wall-clock time skipped when daylight saving time starts is an error; fixed offsets and written offsets are kept', () => {
  const cph = new TimestampParser('Europe/Copenhagen', 'yyyy-MM-dd HH:mm');
  assert.deepEqual(cph.parse('2026-03-29 01:50'), { ok: true, ms: Date.parse('2026-03-29T00:50:00Z') });
  const skipped = cph.parse('2026-03-29 02:30');
  assert.equal(skipped.ok, false);
  assert.match(skipped.ok ? '' : skipped.reason, /does not exist in Europe\/Copenhagen/);
  assert.deepEqual(cph.parse('2026-03-29 03:00'), { ok: true, ms: Date.parse('2026-03-29T01:00:00Z') });
  // A fixed offset has no daylight saving time: 02:30 exists.
  assert.deepEqual(new TimestampParser('+01:00', 'yyyy-MM-dd HH:mm').parse('2026-03-29 02:30'), {
    ok: true,
    ms: Date.parse('2026-03-29T01:30:00Z'),
  });
  assert.deepEqual(new TimestampParser('UTC-5').parse('2026-06-01T10:00'), {
    ok: true,
    ms: Date.parse('2026-06-01T15:00:00Z'),
  });
  // An ISO time with its own offset means that instant, whatever the file's zone.
  assert.deepEqual(new TimestampParser('Europe/Copenhagen').parse('2026-06-01T10:00:00+00:00'), {
    ok: true,
    ms: Date.parse('2026-06-01T10:00:00Z'),
  });
  assert.deepEqual(new TimestampParser('Europe/Copenhagen').parse('2026-06-01T10:00:00'), {
    ok: true,
    ms: Date.parse('2026-06-01T08:00:00Z'),
  });
  assert.deepEqual(new TimestampParser('UTC', 'epoch-seconds').parse('1780308000'), {
    ok: true,
    ms: 1_780_308_000_000,
  });
  assert.equal(new TimestampParser('UTC', 'epoch-millis').parse('12:00').ok, false);
  assert.throws(() => new TimestampParser('Mars/Olympus'), /time zone "Mars\/Olympus" is neither an IANA name/);
});

test('readCsvReplay: a bad time names the file, the line and the column', () => {
  const file = csv('time,P_W\n2026-03-29 01:50,1\n2026-03-29 02:30,2\n');
  assertReplayError(
    () =>
      readCsvReplay(spec({ timeZone: 'Europe/Copenhagen', timeFormat: 'yyyy-MM-dd HH:mm' }), file, meter, 'meter.csv'),
    'BAD_TIME',
    'meter.csv:3 column "time"',
    '"2026-03-29 02:30" does not exist',
  );
  const garbled = csv('time,P_W\n2026-06-01T10:00:00Z,1\nyesterday,2\n');
  assertReplayError(
    () => readCsvReplay(spec({}), garbled, meter, 'g.csv'),
    'BAD_TIME',
    'g.csv:3 column "time"',
    '"yesterday" is not an ISO 8601 time',
  );
});

test('readCsvReplay: a value that is not a number names the file, the line, the column and the value; a ragged row names its line', () => {
  const file = join(FIXTURES, 'bad-value-cell.csv');
  assertReplayError(
    () => readCsvReplay(spec({}), file, meter, 'bad-value-cell.csv'),
    'BAD_VALUE',
    'bad-value-cell.csv:3 column "P_W"',
    '"16O0" is not a number',
  );
  const ragged = csv('time,P_W\n2026-06-01T10:00:00Z,1\n2026-06-01T10:10:00Z,1,7\n');
  assertReplayError(() => readCsvReplay(spec({}), ragged, meter, 'r.csv'), 'BAD_ROW', 'r.csv:3', 'expect 2, got 3');
  assertReplayError(
    () => readCsvReplay(spec({}), csv('when,P_W\n'), meter, 'h.csv'),
    'MISSING_COLUMN',
    'h.csv:1',
    'no column "time"; the header has "when", "P_W"',
  );
  assertReplayError(
    () => readCsvReplay(spec({}), join(dir, 'nope.csv'), meter, 'nope.csv'),
    'FILE_UNREADABLE',
    'nope.csv',
  );
});

test('readCsvReplay: W converts to the target unit kW, MWh is refused; other columns keep their unit unless converted', () => {
  const file = csv('time,P_W,G\n2026-06-01T10:00:00Z,1500,0.3\n');
  const r = readCsvReplay(
    spec({
      columns: [
        { column: 'P_W', field: 'power_kw', unit: 'W' },
        { column: 'G', field: 'ghi_wm2', unit: 'kW/m2', convertTo: 'W/m2' },
      ],
    }),
    file,
    meter,
  );
  assert.deepEqual(r.observations[0]?.values, { power_kw: 1.5, ghi_wm2: 300 });
  assert.deepEqual(r.stats.units, {
    power_kw: { from: 'W', to: 'kW', factor: 0.001 },
    ghi_wm2: { from: 'kW/m2', to: 'W/m2', factor: 1000 },
  });
  assertReplayError(
    () => readCsvReplay(spec({ columns: [{ column: 'P_W', field: 'power_kw', unit: 'MWh' }] }), file, meter, 'u.csv'),
    'UNIT_MISMATCH',
    'u.csv column "P_W"',
    'values in "MWh" cannot be converted to the target unit "kW"',
  );
  assertReplayError(
    () =>
      readCsvReplay(
        spec({ columns: [{ column: 'G', field: 'ghi_wm2', unit: 'degC', convertTo: 'K' }] }),
        file,
        meter,
        'u.csv',
      ),
    'UNIT_MISMATCH',
    'convertTo "K"',
  );
});

test('readCsvReplay: empty rows are gaps, not observations; missing cells leave the field out; duplicates keep the first', () => {
  const file = csv(
    [
      'time,P_W,G',
      '2026-06-01T10:00:00Z,1000,1',
      '2026-06-01T10:10:00Z,2000,NA',
      '2026-06-01T10:20:00Z,,',
      '2026-06-01T10:10:00Z,2000,5',
      '2026-06-01T10:50:00Z,3000,3',
      '2026-06-01T11:00:00Z,4000,4',
      '2026-06-01T11:10:00Z,5000,5',
    ].join('\n'),
  );
  const r = readCsvReplay(
    spec({
      columns: [
        { column: 'P_W', field: 'power_kw', unit: 'W' },
        { column: 'G', field: 'ghi_wm2' },
      ],
    }),
    file,
    meter,
  );
  assert.deepEqual(
    r.observations.map((o) => new Date(o.observedAt).toISOString().slice(11, 16)),
    ['10:00', '10:10', '10:50', '11:00', '11:10'],
  );
  assert.deepEqual(r.observations[1]?.values, { power_kw: 2 });
  assert.equal(r.stats.emptyRows, 1);
  assert.equal(r.stats.missingCells, 3);
  assert.equal(r.stats.duplicates, 1);
  assert.equal(r.stats.conflicts, 1);
  const { intervalMs, gaps } = findGaps(r.observations.map((o) => o.observedAt));
  assert.equal(intervalMs, 10 * MINUTE_MS);
  assert.deepEqual(gaps, [{ after: Date.parse('2026-06-01T10:10:00Z'), before: Date.parse('2026-06-01T10:50:00Z') }]);
});
