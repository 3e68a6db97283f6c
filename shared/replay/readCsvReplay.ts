import { readFileSync } from 'node:fs';
import { CsvError, parse } from 'csv-parse/sync';
import { groupRowsIntoRuns, RunRowError, type RunRow, sliceSeriesIntoRuns } from './forecastRuns';
import { keepFirstByTime } from './keepFirstByTime';
import { ReplayError } from './ReplayError';
import type { ReplayedHistory, ReplayedSource } from './ReplayedHistory';
import type { ReplayObservation } from './ReplayObservation';
import type { CsvColumnSpec, CsvReplaySpec } from './ReplaySpec';
import type { ReplayStats } from './ReplayStats';
import { TimestampParser } from '../time/TimestampParser';
import { fieldConversion } from '../units/fieldConversion';

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Reads one source's history from a CSV file with a header row: the time column in its zone and format, each value
 * column into its field (converted to the target's unit when it is the target field, or to `convertTo`). A bad
 * time, a value that is not a number, a missing column or a unit that cannot be converted fails with an error
 * naming the file, the line and the column. Empty and missing-value cells leave the field out of that row; a row
 * without any value is a gap. `shownAs` is how errors name the file.
 *
 * A forecast source's file becomes runs (observedAt = runAt, values keyed `<field>@+<minutes after runAt>`): with
 * `runColumn`, the rows of each run time grouped into one record (rows valid before their run dropped and counted);
 * with a declared schedule (`runs`), the series (one value per valid time) sliced into the schedule's runs.
 */
export function readCsvReplay(
  spec: CsvReplaySpec,
  path: string,
  source: ReplayedSource,
  shownAs = path,
): ReplayedHistory {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ReplayError(
      'FILE_UNREADABLE',
      `cannot read the CSV file of source "${source.id}": ${(err as Error).message}`,
      { file: shownAs },
    );
  }
  let rows: { record: string[]; info: { lines: number } }[];
  try {
    rows = parse(text, {
      delimiter: spec.delimiter,
      bom: true,
      skip_empty_lines: true,
      info: true,
      trim: true,
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (err) {
    if (err instanceof CsvError)
      throw new ReplayError('BAD_ROW', err.message, {
        file: shownAs,
        line: (err as CsvError & { lines?: number }).lines,
      });
    throw err;
  }
  const header = rows[0]?.record;
  if (!header)
    throw new ReplayError('NO_DATA', 'the file is empty: expected a header row and observations', { file: shownAs });
  const indexOf = (name: string): number => {
    const i = header.indexOf(name);
    if (i < 0)
      throw new ReplayError(
        'MISSING_COLUMN',
        `no column ${JSON.stringify(name)}; the header has ${header.map((h) => JSON.stringify(h)).join(', ')}`,
        { file: shownAs, line: 1 },
      );
    return i;
  };
  const timeIndex = indexOf(spec.timeColumn);
  const runIndex = spec.runColumn === undefined ? undefined : indexOf(spec.runColumn);
  const units: ReplayedHistory['stats']['units'] = {};
  const columns = spec.columns.map((c) => {
    if (!source.fields.includes(c.field)) {
      throw new ReplayError(
        'MISSING_COLUMN',
        `column ${JSON.stringify(c.column)} fills field "${c.field}", which source "${source.id}" does not have (its fields: ${source.fields.join(', ')})`,
        { file: shownAs, column: c.column },
      );
    }
    const conversion = conversionOf(c, source, shownAs);
    if (conversion) units[c.field] = conversion;
    return { ...c, index: indexOf(c.column), factor: conversion?.factor ?? 1 };
  });
  const missing = new Set(spec.missingValues);
  const parser = new TimestampParser(spec.timeZone, spec.timeFormat);
  const runParser =
    runIndex === undefined
      ? undefined
      : new TimestampParser(spec.runTimeZone ?? spec.timeZone, spec.runTimeFormat ?? spec.timeFormat);
  const observations: ReplayObservation[] = [];
  const runRows: RunRow[] = [];
  let emptyRows = 0;
  let missingCells = 0;
  for (const { record, info } of rows.slice(1)) {
    const line = info.lines;
    const time = parser.parse(record[timeIndex] ?? '');
    if (!time.ok) throw new ReplayError('BAD_TIME', time.reason, { file: shownAs, line, column: spec.timeColumn });
    const values: Record<string, number> = {};
    for (const c of columns) {
      const cell = record[c.index] ?? '';
      if (missing.has(cell)) {
        missingCells++;
        continue;
      }
      if (!NUMBER.test(cell))
        throw new ReplayError(
          'BAD_VALUE',
          `${JSON.stringify(cell.slice(0, 40))} is not a number (missing values are written as ${[...missing].map((m) => JSON.stringify(m)).join(', ')})`,
          { file: shownAs, line, column: c.column },
        );
      values[c.field] = Number(cell) * c.factor;
    }
    if (Object.keys(values).length === 0) emptyRows++;
    else if (runParser && runIndex !== undefined) {
      const runAt = runParser.parse(record[runIndex] ?? '');
      if (!runAt.ok)
        throw new ReplayError('BAD_TIME', runAt.reason, { file: shownAs, line, column: spec.runColumn as string });
      runRows.push({ runAt: runAt.ms, validAt: time.ms, values, line });
    } else observations.push({ observedAt: time.ms, values });
  }
  let kept: ReplayObservation[];
  let duplicates: number;
  let conflicts: number;
  let runs: ReplayStats['runs'];
  if (spec.runColumn !== undefined) {
    let grouped: ReturnType<typeof groupRowsIntoRuns>;
    try {
      grouped = groupRowsIntoRuns(runRows);
    } catch (err) {
      if (err instanceof RunRowError)
        throw new ReplayError('BAD_TIME', err.message, {
          file: shownAs,
          ...(err.line === undefined ? {} : { line: err.line }),
          column: spec.timeColumn,
        });
      throw err;
    }
    ({ runs: kept, duplicates, conflicts } = grouped);
    runs = { from: 'run-column', count: kept.length, validBeforeRunDropped: grouped.beforeRun };
  } else {
    ({ kept, duplicates, conflicts } = keepFirstByTime(observations));
    if (spec.runs) {
      kept = sliceSeriesIntoRuns(kept, spec.runs);
      runs = { from: 'schedule', schedule: spec.runs, count: kept.length, validBeforeRunDropped: 0 };
    }
  }
  const first = kept[0];
  const last = kept[kept.length - 1];
  return {
    observations: kept,
    stats: {
      files: 1,
      records: kept.length,
      duplicates,
      conflicts,
      emptyRows,
      missingCells,
      rejected: [],
      ignored: 0,
      units,
      ...(runs ? { runs } : {}),
      range:
        first && last
          ? { from: new Date(first.observedAt).toISOString(), to: new Date(last.observedAt).toISOString() }
          : null,
    },
  };
}

/** The unit conversion of one column (the shared unit rule), or undefined when its unit is neither declared nor implied. */
function conversionOf(
  c: CsvColumnSpec,
  source: ReplayedSource,
  file: string,
): { from: string; to: string; factor: number } | undefined {
  const target = source.target?.field === c.field && source.target.unit !== '' ? source.target.unit : undefined;
  const conversion = fieldConversion(c, target);
  if (conversion.ok)
    return conversion.from !== undefined && conversion.to !== undefined
      ? { from: conversion.from, to: conversion.to, factor: conversion.factor }
      : undefined;
  const at = { file, column: c.column };
  switch (conversion.kind) {
    case 'contradicts-target':
      throw new ReplayError(
        'UNIT_MISMATCH',
        `field "${c.field}" is the forecast target, in "${conversion.target}" (target.unit); convertTo "${conversion.convertTo}" contradicts it`,
        at,
      );
    case 'needs-unit':
      throw new ReplayError('UNIT_MISMATCH', `convertTo "${conversion.convertTo}" needs the column's own "unit"`, at);
    case 'no-factor': {
      const why = conversion.toTarget
        ? `the target unit "${conversion.to}" (target.unit of the forecast configuration)`
        : `convertTo "${conversion.to}"`;
      throw new ReplayError(
        'UNIT_MISMATCH',
        `values in "${conversion.unit}" cannot be converted to ${why} by a factor; convert the file, or declare the unit it is in`,
        at,
      );
    }
  }
}
