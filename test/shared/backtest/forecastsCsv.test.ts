import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'csv-parse/sync';
import {
  csvCell,
  type ForecastsCsvData,
  forecastsCsvLines,
  numberCell,
  writeForecastsCsv,
} from '../../../shared/backtest/forecastsCsv';
import type { ServedSlot } from '../../../shared/backtest/serveSlots';

const MINUTE_MS = 60_000;
const T0 = Date.parse('2026-06-21T10:00:00Z');
const LEADS = [20, 40, 60];
const ISSUES = [T0, T0 + 10 * MINUTE_MS, T0 + 20 * MINUTE_MS, T0 + 30 * MINUTE_MS];

/** A solar-like run: two scenarios (one with a name that needs quoting), one slot unserved, quantiles on some. */
function data(): ForecastsCsvData {
  const served = (scenario: number): ServedSlot[] =>
    ISSUES.map((t, i): ServedSlot => {
      if (i === 2) return { issueTime: t, model: null, values: [], inputs: [] };
      const values = LEADS.map((_, l) => Math.fround(0.1 * (i + 1) + 0.01 * l + scenario));
      return {
        issueTime: t,
        model: i === 3 ? 'smart-persistence' : 'gbdt-meter+weather',
        values,
        ...(i === 3 ? {} : { quantiles: values.map((v) => ({ p10: v - 0.05, p50: v, p90: v + 0.05 })) }),
        inputs: [],
      };
    });
  const truth = new Map<number, number>();
  // Observed every 10 minutes, but 11:10 is missing (a gap in the file).
  for (let t = T0; t <= T0 + 90 * MINUTE_MS; t += 10 * MINUTE_MS)
    if (t !== T0 + 70 * MINUTE_MS) truth.set(t, (t - T0) / MINUTE_MS / 1000 + 0.5220400000000001);
  return {
    served: new Map([
      ['all sources fresh', served(0)],
      ['naive, "offline"', served(1)],
    ]),
    truth,
    references: {
      persistence: new Map(ISSUES.map((t, i) => [t, i === 1 ? Number.NaN : 0.4 + i])),
      smartPersistence: new Map(ISSUES.map((t, i) => [t, LEADS.map((_, l) => 0.45 + i + l / 100)])),
    },
  };
}

test('forecasts.csv: a row per scenario, issue slot and lead, the known slot exact, unserved slots with empty model and value', async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'forecasts-csv-')), 'forecasts.csv');
  await writeForecastsCsv(path, data(), LEADS);
  const text = readFileSync(path, 'utf8');
  assert.ok(text.endsWith('\n') && !text.endsWith('\n\n'));
  const rows = parse(text, { columns: true }) as Record<string, string>[];
  const header = text.slice(0, text.indexOf('\n'));
  assert.equal(
    header,
    'scenario,issueTime,leadMinutes,validTime,model,value,actual,persistence,smartPersistence,p10,p50,p90',
  );
  assert.equal(rows.length, 2 * ISSUES.length * LEADS.length);
  assert.deepEqual(
    [...new Set(rows.map((r) => r['scenario']))],
    ['all sources fresh', 'naive, "offline"'],
    'names with commas and quotes read back whole',
  );

  // The slot of 10:10, lead 40, of the second scenario: everything but persistence (NaN there) has a value.
  const known = rows.find(
    (r) =>
      r['scenario'] === 'naive, "offline"' &&
      r['issueTime'] === '2026-06-21T10:10:00.000Z' &&
      r['leadMinutes'] === '40',
  );
  assert.deepEqual(known, {
    scenario: 'naive, "offline"',
    issueTime: '2026-06-21T10:10:00.000Z',
    leadMinutes: '40',
    validTime: '2026-06-21T10:50:00.000Z',
    model: 'gbdt-meter+weather',
    value: '1.21', // float32 of 0.2 + 0.01 + 1, shortest
    actual: '0.57204', // 0.05 + 0.52204, without the float noise
    persistence: '',
    smartPersistence: '1.46',
    p10: numberCell(Math.fround(1.21) - 0.05),
    p50: '1.21',
    p90: numberCell(Math.fround(1.21) + 0.05),
  });

  // 10:20 is unserved in both scenarios: a row per lead, model and value empty, the rest still there.
  const unserved = rows.filter((r) => r['issueTime'] === '2026-06-21T10:20:00.000Z');
  assert.equal(unserved.length, 2 * LEADS.length);
  for (const r of unserved) {
    assert.equal(r['model'], '');
    assert.equal(r['value'], '');
    assert.equal(r['p50'], '');
    assert.equal(r['persistence'], '2.4');
    assert.notEqual(r['actual'], '');
  }
  // Smart persistence served 10:30 without quantiles; its +40 validTime (11:10) was not observed.
  const last = rows.filter(
    (r) => r['scenario'] === 'all sources fresh' && r['issueTime'] === '2026-06-21T10:30:00.000Z',
  );
  assert.deepEqual(
    last.map((r) => [r['model'], r['actual'], r['p10'], r['p90']]),
    [
      ['smart-persistence', '0.57204', '', ''],
      ['smart-persistence', '', '', ''],
      ['smart-persistence', '0.61204', '', ''],
    ],
  );
  // Rows in the order of the scenarios, then issue slots, then leads.
  assert.deepEqual(
    rows.slice(0, 4).map((r) => `${r['issueTime']?.slice(11, 16)} +${r['leadMinutes']}`),
    ['10:00 +20', '10:00 +40', '10:00 +60', '10:10 +20'],
  );
});

test('forecasts.csv: without smart persistence or quantiles, neither column', () => {
  const d = data();
  const plain: ForecastsCsvData = {
    served: new Map([...d.served].map(([name, slots]) => [name, slots.map(({ quantiles: _q, ...s }) => s)] as const)),
    truth: d.truth,
    references: { persistence: d.references.persistence },
  };
  const lines = [...forecastsCsvLines(plain, LEADS)];
  assert.equal(lines[0], 'scenario,issueTime,leadMinutes,validTime,model,value,actual,persistence');
  assert.equal(lines.length, 1 + 2 * ISSUES.length * LEADS.length);
  assert.ok(lines.slice(1).every((l) => l.split(',').length === 8 || l.startsWith('"naive, ""offline"""')));
});

test('csvCell quotes what needs it; numberCell writes the shortest decimal of the float32, empty for missing', () => {
  assert.equal(csvCell('without skycam'), 'without skycam');
  assert.equal(csvCell('a,b'), '"a,b"');
  assert.equal(csvCell('say "hi"'), '"say ""hi"""');
  assert.equal(csvCell('two\nlines'), '"two\nlines"');
  const cases: [number | undefined, string][] = [
    [0.1, '0.1'],
    [Math.fround(0.1), '0.1'],
    [0.52204 * 1.0000000000000002, '0.52204'],
    [522.04, '522.04'],
    [1234567, '1234567'],
    [0.000444, '0.000444'],
    [-0.0123, '-0.0123'],
    [1 / 3, '0.33333334'],
    [0, '0'],
    [-0, '0'],
    [Number.NaN, ''],
    [undefined, ''],
  ];
  for (const [v, expected] of cases) assert.equal(numberCell(v), expected, String(v));
  // What it writes reads back as the same float32.
  for (const v of [Math.PI, 1e-7, 3.4e38, 2.4e-3, 7.777777])
    assert.equal(Math.fround(Number(numberCell(v))), Math.fround(v));
});
