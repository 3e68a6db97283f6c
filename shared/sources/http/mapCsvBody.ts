import { CsvError, parse } from 'csv-parse/sync';
import type { CsvResponseConfig } from '../../config/providerSchemas';
import type { MappedBody } from './mapJsonBody';
import type { Cell, RowMapper } from './RowMapper';

/**
 * Maps a CSV body with a header row: each later line is a row, its cells read by header name. A column the mapping
 * names that the header lacks is a broken mapping (reported with the configuration key and the header); a line with
 * too few cells is rejected on its own.
 */
export function mapCsvBody(text: string, csv: CsvResponseConfig, configPath: string, mapper: RowMapper): MappedBody {
  let rows: { record: string[]; info: { lines: number }; raw: string }[];
  try {
    rows = parse(text, {
      delimiter: csv.delimiter,
      ...(csv.comment ? { comment: csv.comment } : {}),
      from_line: csv.skipLines + 1,
      bom: true,
      skip_empty_lines: true,
      relax_column_count: true,
      trim: true,
      info: true,
      raw: true,
    }) as unknown as { record: string[]; info: { lines: number }; raw: string }[];
  } catch (err) {
    if (err instanceof CsvError) return { ok: false, reason: `the body is not CSV: ${err.message}` };
    throw err;
  }
  // Without a header row, columns are named by their position, "1" for the first.
  const first = rows[0]?.record;
  if (!first) return { ok: true, records: [], skipped: 0 };
  const header = csv.header ? first : first.map((_, i) => String(i + 1));
  const index = new Map(header.map((h, i) => [h, i]));
  const shownHeader = csv.header
    ? `its header, line ${rows[0]?.info.lines ?? 1}, has ${header
        .slice(0, 12)
        .map((h) => JSON.stringify(h))
        .join(', ')}`
    : `its first line has ${header.length} columns, named "1" to "${header.length}" without a header`;
  const wanted = [
    { name: 'time.path', path: csv.time.path },
    ...(csv.site ? [{ name: 'site', path: csv.site }] : []),
    ...mapper.valuePaths.map((v) => ({ name: `values.${v.field}.path`, path: v.path })),
  ];
  for (const { name, path } of wanted) {
    if (!index.has(path))
      return {
        ok: false,
        reason: `${configPath}.response.${name} ${JSON.stringify(path)} is not a column of the response (${shownHeader})`,
      };
  }
  const records: MappedBody & { ok: true } = { ok: true, records: [], skipped: 0 };
  for (const { record, info, raw } of csv.header ? rows.slice(1) : rows) {
    const where = `line ${info.lines}`;
    const rawLine = raw.replace(/\r?\n$/, '');
    if (record.length < header.length) {
      records.records.push({
        value: rawLine,
        raw: rawLine,
        rejected: `${where} has ${record.length} cells, expected ${header.length}`,
      });
      continue;
    }
    const cell = (path: string): Cell => ({ ok: true, value: record[index.get(path) as number] });
    const m = mapper.map(cell, where);
    if (m.kind === 'skipped') records.skipped++;
    else if (m.kind === 'rejected') records.records.push({ value: rawLine, raw: rawLine, rejected: m.reason });
    else {
      records.records.push({ value: m.item, raw: rawLine });
      records.skipped += m.withoutValue ?? 0;
    }
  }
  return records;
}
