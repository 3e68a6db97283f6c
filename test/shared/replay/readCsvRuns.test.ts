import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { groupRowsIntoRuns, sliceSeriesIntoRuns } from '../../../shared/replay/forecastRuns';
import { readCsvReplay } from '../../../shared/replay/readCsvReplay';
import { replayAvailability } from '../../../shared/replay/replayAvailability';
import { ReplayError } from '../../../shared/replay/ReplayError';
import {
  type CsvReplaySpec,
  csvReplaySchema,
  replayDelayOf,
  replaySourceSchema,
} from '../../../shared/replay/ReplaySpec';
import { runSteps, runValueAt } from '../../../shared/sources/forecastRun';

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const dir = mkdtempSync(join(tmpdir(), 'csv-runs-'));
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
    timeColumn: 'valid',
    columns: [{ column: 'ghi', field: 'ghi_wm2' }],
    ...over,
  });
}

const nwp = { id: 'nwp', fields: ['ghi_wm2', 'temp_c'] };
const at = (iso: string): number => Date.parse(iso);

test('readCsvReplay with a run-time column: the rows of a run become one record (observedAt = runAt, values keyed by minutes after it), rows valid before their run are dropped and counted, duplicates keep the first', () => {
  const file = csv(
    [
      'run;valid;ghi;temp',
      // Local times (Copenhagen, UTC+1 in March), the run column in its own format.
      '05.03.2026 01:00;2026-03-05 00:00;1;4.0', // valid before its run: dropped
      '05.03.2026 01:00;2026-03-05 01:00;10;4.5',
      '05.03.2026 01:00;2026-03-05 02:00;20;5.0',
      '05.03.2026 01:00;2026-03-05 02:00;99;5.0', // a duplicate of the row above (conflicting): the first wins
      '05.03.2026 01:00;2026-03-05 04:00;40;NA',
      '05.03.2026 07:00;2026-03-05 08:30;130;7.0',
      '05.03.2026 07:00;2026-03-05 07:00;100;6.0', // any order
      '05.03.2026 13:00;2026-03-05 14:00;;', // no value: a gap, not a run
    ].join('\n'),
  );
  const h = readCsvReplay(
    spec({
      delimiter: ';',
      runColumn: 'run',
      timeZone: 'Europe/Copenhagen',
      timeFormat: 'yyyy-MM-dd HH:mm',
      runTimeFormat: 'dd.MM.yyyy HH:mm',
      columns: [
        { column: 'ghi', field: 'ghi_wm2' },
        { column: 'temp', field: 'temp_c' },
      ],
    }),
    file,
    nwp,
  );
  assert.deepEqual(h.observations, [
    {
      observedAt: at('2026-03-05T00:00:00Z'),
      values: { 'ghi_wm2@+0': 10, 'temp_c@+0': 4.5, 'ghi_wm2@+60': 20, 'temp_c@+60': 5, 'ghi_wm2@+180': 40 },
    },
    {
      observedAt: at('2026-03-05T06:00:00Z'),
      values: { 'ghi_wm2@+90': 130, 'temp_c@+90': 7, 'ghi_wm2@+0': 100, 'temp_c@+0': 6 },
    },
  ]);
  assert.equal(h.stats.records, 2);
  assert.equal(h.stats.duplicates, 1);
  assert.equal(h.stats.conflicts, 1);
  assert.equal(h.stats.emptyRows, 1);
  assert.deepEqual(h.stats.runs, { from: 'run-column', count: 2, validBeforeRunDropped: 1 });
  assert.deepEqual(h.stats.range, { from: '2026-03-05T00:00:00.000Z', to: '2026-03-05T06:00:00.000Z' });
  // The features read each run between its steps.
  const steps = runSteps((h.observations[0] as { values: Record<string, number> }).values, 'ghi_wm2');
  assert.equal(runValueAt(steps, 30), 15);
  assert.equal(runValueAt(steps, 240), undefined);
});

test('readCsvReplay with a run-time column: a bad run time names the file, the line and the run column; a step that is not whole minutes after its run is refused', () => {
  const bad = csv('run,valid,ghi\n2026-03-05T00:00:00Z,2026-03-05T01:00:00Z,1\nyesterday,2026-03-05T02:00:00Z,2\n');
  assert.throws(
    () => readCsvReplay(spec({ runColumn: 'run' }), bad, nwp, 'nwp.csv'),
    (err: unknown) =>
      err instanceof ReplayError && err.code === 'BAD_TIME' && err.message.startsWith('nwp.csv:3 column "run": '),
  );
  const seconds = csv('run,valid,ghi\n2026-03-05T00:00:00Z,2026-03-05T01:00:30Z,1\n');
  assert.throws(
    () => readCsvReplay(spec({ runColumn: 'run' }), seconds, nwp, 'nwp.csv'),
    (err: unknown) =>
      err instanceof ReplayError &&
      err.message.startsWith('nwp.csv:2 column "valid": ') &&
      err.message.includes('whole minutes after runAt'),
  );
  const noRunColumn = csv('valid,ghi\n2026-03-05T00:00:00Z,1\n');
  assert.throws(
    () => readCsvReplay(spec({ runColumn: 'run' }), noRunColumn, nwp, 'nwp.csv'),
    (err: unknown) => err instanceof ReplayError && err.code === 'MISSING_COLUMN' && err.message.includes('"run"'),
  );
});

test('readCsvReplay with a declared run schedule: the series sliced into runs on every multiple of everyHours (UTC), each holding [runAt, runAt + horizon]', () => {
  const rows = ['valid,ghi'];
  // Hourly from 2026-03-05 01:00 to 2026-03-05 20:00 UTC, value = hour of day; a gap 09:00-11:00.
  for (let hr = 1; hr <= 20; hr++)
    if (hr < 9 || hr > 11) rows.push(`2026-03-05T${String(hr).padStart(2, '0')}:00:00Z,${hr}`);
  const h = readCsvReplay(
    spec({ runs: { everyHours: 6, availableAfterMinutes: 240, horizonHours: 4 } }),
    csv(rows.join('\n')),
    nwp,
  );
  assert.deepEqual(
    h.observations.map((o) => [new Date(o.observedAt).toISOString().slice(11, 16), o.values]),
    [
      ['00:00', { 'ghi_wm2@+60': 1, 'ghi_wm2@+120': 2, 'ghi_wm2@+180': 3, 'ghi_wm2@+240': 4 }],
      ['06:00', { 'ghi_wm2@+0': 6, 'ghi_wm2@+60': 7, 'ghi_wm2@+120': 8 }],
      ['12:00', { 'ghi_wm2@+0': 12, 'ghi_wm2@+60': 13, 'ghi_wm2@+120': 14, 'ghi_wm2@+180': 15, 'ghi_wm2@+240': 16 }],
      ['18:00', { 'ghi_wm2@+0': 18, 'ghi_wm2@+60': 19, 'ghi_wm2@+120': 20 }],
    ],
  );
  assert.deepEqual(h.stats.runs, {
    from: 'schedule',
    schedule: { everyHours: 6, availableAfterMinutes: 240, horizonHours: 4 },
    count: 4,
    validBeforeRunDropped: 0,
  });
  // A run holds nothing when the series has no value in its horizon: it is left out, not an empty run.
  const sparse = sliceSeriesIntoRuns(
    [
      { observedAt: at('2026-03-05T00:00:00Z'), values: { v: 1 } },
      { observedAt: at('2026-03-06T00:00:00Z'), values: { v: 2 } },
    ],
    { everyHours: 6, horizonHours: 3 },
  );
  assert.deepEqual(
    sparse.map((r) => r.observedAt),
    [at('2026-03-05T00:00:00Z'), at('2026-03-06T00:00:00Z')],
  );
});

test('a declared run schedule makes each run available availableAfterMinutes after its runAt; outages apply to runs as to records', () => {
  const source = replaySourceSchema.parse({
    replay: {
      kind: 'csv',
      file: 'nwp.csv',
      timeColumn: 'time',
      columns: [{ column: 'ghi', field: 'ghi_wm2' }],
      runs: { everyHours: 6, availableAfterMinutes: 240, horizonHours: 48 },
    },
  });
  assert.deepEqual(replayDelayOf(source), { kind: 'fixed', minutes: 240 });
  const runs = [0, 6, 12, 18].map((h) => ({
    observedAt: at('2026-03-05T00:00:00Z') + h * HOUR_MS,
    values: { 'v@+0': h },
  }));
  const down = { from: at('2026-03-05T09:00:00Z'), to: at('2026-03-05T11:30:00Z') };
  const delivered = replayAvailability(runs, replayDelayOf(source), [down], [1, 'nwp']);
  assert.deepEqual(
    delivered.map((r) => (r.availableAt - r.observedAt) / MINUTE_MS),
    [240, 330, 240, 240], // the 06:00 run was due at 10:00, during the outage: delivered when it ended
  );
  assert.deepEqual(
    replayAvailability(runs, replayDelayOf(source), [down], [1, 'nwp'], 'lost').map((r) => r.observedAt),
    [runs[0], runs[2], runs[3]].map((r) => r?.observedAt),
  );
  // A delay model draws per run, keyed by the run's runAt: the same seed gives the same delays.
  const uniform = { kind: 'uniform' as const, minMinutes: 60, maxMinutes: 180 };
  const a = replayAvailability(runs, uniform, [], [7, 'nwp']).map((r) => r.availableAt);
  assert.deepEqual(
    a,
    replayAvailability(runs, uniform, [], [7, 'nwp']).map((r) => r.availableAt),
  );
  assert.ok(new Set(a.map((t, i) => t - (runs[i]?.observedAt ?? 0))).size > 1, 'delays drawn per run');
});

test('groupRowsIntoRuns: rows of one run in any order, several fields per row', () => {
  const r0 = at('2026-03-05T00:00:00Z');
  const { runs, beforeRun } = groupRowsIntoRuns([
    { runAt: r0, validAt: r0 + 2 * HOUR_MS, values: { a: 2, b: 20 } },
    { runAt: r0, validAt: r0, values: { a: 0 } },
    { runAt: r0 - HOUR_MS, validAt: r0 - 2 * HOUR_MS, values: { a: 9 } },
  ]);
  assert.equal(beforeRun, 1);
  assert.deepEqual(runs, [{ observedAt: r0, values: { 'a@+120': 2, 'b@+120': 20, 'a@+0': 0 } }]);
});

test('the replay spec of a forecast source: runColumn or runs, not both; a schedule replaces the delay model (both given is refused); everyHours divides 24, the horizon is positive, availableAfterMinutes is not negative', () => {
  const base = { kind: 'csv', file: 'nwp.csv', timeColumn: 'time', columns: [{ column: 'ghi', field: 'ghi_wm2' }] };
  const schedule = { everyHours: 6, availableAfterMinutes: 240, horizonHours: 48 };
  const problems = (raw: unknown): string[] => {
    const r = replaySourceSchema.safeParse(raw);
    return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };
  const one = (raw: unknown, path: string, fragment: string): void => {
    const p = problems(raw);
    assert.ok(
      p.some((x) => x.startsWith(`${path}: `) && x.includes(fragment)),
      `a problem at ${path} with "${fragment}"; got ${JSON.stringify(p)}`,
    );
  };
  assert.deepEqual(problems({ replay: { ...base, runs: schedule } }), []);
  assert.deepEqual(problems({ replay: { ...base, runColumn: 'run' }, delay: { kind: 'fixed', minutes: 90 } }), []);
  one({ replay: { ...base, runs: schedule }, delay: { kind: 'fixed', minutes: 90 } }, 'delay', 'remove "delay"');
  one({ replay: { ...base, runColumn: 'run', runs: schedule } }, 'replay.runs', 'not both');
  one({ replay: base }, 'delay', 'only a declared run schedule');
  one(
    { replay: { ...base, runTimeFormat: 'iso' }, delay: { kind: 'fixed', minutes: 1 } },
    'replay.runTimeFormat',
    'runColumn',
  );
  one({ replay: { ...base, runs: { ...schedule, everyHours: 5 } } }, 'replay.runs.everyHours', 'divides 24');
  one({ replay: { ...base, runs: { ...schedule, everyHours: 0 } } }, 'replay.runs.everyHours', 'divides 24');
  one({ replay: { ...base, runs: { ...schedule, horizonHours: 0 } } }, 'replay.runs.horizonHours', '');
  one(
    { replay: { ...base, runs: { ...schedule, availableAfterMinutes: -1 } } },
    'replay.runs.availableAfterMinutes',
    '',
  );
  one({ replay: { ...base, runs: { ...schedule, extra: 1 } } }, 'replay.runs', 'extra');
  for (const everyHours of [1, 2, 3, 4, 6, 8, 12, 24])
    assert.deepEqual(
      problems({ replay: { ...base, runs: { ...schedule, everyHours } } }),
      [],
      `everyHours ${everyHours}`,
    );
});
