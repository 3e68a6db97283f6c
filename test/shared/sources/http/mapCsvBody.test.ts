import assert from 'node:assert/strict';
import { test } from 'node:test';
import { csvResponseSchema } from '../../../../shared/config/providerSchemas';
import { mapCsvBody } from '../../../../shared/sources/http/mapCsvBody';
import { RowMapper } from '../../../../shared/sources/http/RowMapper';

// A data logger's export without a header row: columns are named by position.
const BODY = '2026-06-01 12:00;1500;812.5\n2026-06-01 12:10;;790\n2026-06-01 12:20;1480\n';

function map(header: boolean, paths: { time: string; power: string; ghi: string }) {
  const csv = csvResponseSchema.parse({
    delimiter: ';',
    header,
    time: { path: paths.time, format: 'yyyy-MM-dd HH:mm', timeZone: 'Europe/Berlin' },
    values: { power_kw: { path: paths.power, unit: 'W' }, ghi_wm2: { path: paths.ghi } },
  });
  const mapper = new RowMapper(
    {
      configPath: 'sources[0].provider',
      time: csv.time,
      values: csv.values,
      nulls: csv.nulls,
      target: { field: 'power_kw', unit: 'kW' },
      missingValues: csv.missingValues,
    },
    'park-1',
    () => undefined,
  );
  return mapCsvBody(BODY, csv, 'sources[0].provider', mapper);
}

test('without a header row, columns are read by position; an empty cell is no value and a short line is rejected', () => {
  const r = map(false, { time: '1', power: '2', ghi: '3' });
  assert.ok(r.ok);
  assert.equal(r.skipped, 1);
  assert.deepEqual(r.records[0]?.value, {
    site: 'park-1',
    observedAt: '2026-06-01T10:00:00.000Z',
    values: { power_kw: 1.5, ghi_wm2: 812.5 },
  });
  assert.equal(r.records[1]?.rejected, 'line 3 has 2 cells, expected 3');
});

test('without a header row, a column beyond the line names the positions there are', () => {
  const r = map(false, { time: '1', power: '2', ghi: '4' });
  assert.deepEqual(r, {
    ok: false,
    reason:
      'sources[0].provider.response.values.ghi_wm2.path "4" is not a column of the response (its first line has 3 columns, named "1" to "3" without a header)',
  });
});
