import type { AdapterRecord } from '../ProviderAdapter';
import { type Cell, RowMapper } from './RowMapper';
import { formatJsonPath, type PathPart, parseJsonPath, resolveJsonPath } from '../../util/jsonPath';

/** The records of a response, or why the response as a whole cannot be read (a failed fetch). */
export type MappedBody = { ok: true; records: AdapterRecord[]; skipped: number } | { ok: false; reason: string };

/** Where the rows are: `records` (an array of objects) or `columns` (an object of equal-length arrays). */
export interface JsonLayout {
  configPath: string;
  records?: string | undefined;
  columns?: string | undefined;
}

/**
 * Maps a JSON body. Record-oriented: every element of the array at `records` is a row, its paths read inside it.
 * Column-oriented: the object at `columns` holds one array per path, all as long as the time column (arrays of
 * unequal length cannot be lined up: the response is refused with the lengths). A path that reaches nothing in
 * any row is a broken mapping, reported with the configuration key and what the response has instead.
 */
export function mapJsonBody(text: string, layout: JsonLayout, mapper: RowMapper, timePath: string): MappedBody {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    return { ok: false, reason: `the body is not JSON: ${(err as Error).message}` };
  }
  const key = layout.configPath;
  const container = layout.records ?? layout.columns ?? '';
  const which = layout.records !== undefined ? 'records' : 'columns';
  const parts = parseJsonPath(container);
  if (typeof parts === 'string') return { ok: false, reason: `${key}.response.${which}: ${parts}` };
  const at = resolveJsonPath(doc, parts);
  if (!at.ok)
    return {
      ok: false,
      reason: `${key}.response.${which} ${JSON.stringify(container)} does not match the response: ${at.reason}`,
    };
  const where = formatJsonPath(parts) || '(the document)';
  return layout.records !== undefined
    ? mapRecords(at.value, where, key, mapper, timePath)
    : mapColumns(at.value, where, key, mapper, timePath);
}

function mapRecords(rows: unknown, where: string, key: string, mapper: RowMapper, timePath: string): MappedBody {
  if (!Array.isArray(rows))
    return { ok: false, reason: `${key}.response.records: ${where} is ${kind(rows)}, expected an array of records` };
  const paths = new Map<string, PathPart[]>();
  const pathOf = (p: string): PathPart[] => {
    let parsed = paths.get(p);
    if (!parsed) {
      const r = parseJsonPath(p);
      parsed = typeof r === 'string' ? [] : r;
      paths.set(p, parsed);
    }
    return parsed;
  };
  const cellOf = (row: unknown, p: string): Cell => resolveJsonPath(row, pathOf(p), true);
  const keysOf = (row: unknown): string[] => (row !== null && typeof row === 'object' ? Object.keys(row) : []);
  // A time path no record has is a broken mapping like a value path, not a reason to quarantine every record.
  const brokenTime = brokenPath(rows, [{ name: 'time', path: timePath }], cellOf, keysOf);
  if (brokenTime)
    return {
      ok: false,
      reason: `${key}.response.time.path ${JSON.stringify(timePath)} matches no record of ${where} (the first record has ${brokenTime.keys})`,
    };
  const broken = brokenValuePath(rows, mapper, cellOf, keysOf);
  if (broken)
    return {
      ok: false,
      reason: `${key}.response.values.${broken.field}.path ${JSON.stringify(broken.path)} matches no record of ${where} (the first record has ${broken.keys})`,
    };
  return collect(
    rows.map((row, i) => ({
      raw: JSON.stringify(row) ?? 'null',
      cell: (p: string): Cell => resolveJsonPath(row, pathOf(p), true),
      where: `${where}[${i}]`,
    })),
    mapper,
  );
}

function mapColumns(columns: unknown, where: string, key: string, mapper: RowMapper, timePath: string): MappedBody {
  if (columns === null || typeof columns !== 'object' || Array.isArray(columns))
    return { ok: false, reason: `${key}.response.columns: ${where} is ${kind(columns)}, expected an object of arrays` };
  const arrays = new Map<string, unknown[]>();
  const wanted = [
    { name: 'time.path', path: timePath },
    ...mapper.valuePaths.map((v) => ({ name: `values.${v.field}.path`, path: v.path })),
  ];
  for (const { name, path } of wanted) {
    const parts = parseJsonPath(path);
    const r = typeof parts === 'string' ? { ok: false as const, reason: parts } : resolveJsonPath(columns, parts);
    if (!r.ok)
      return {
        ok: false,
        reason: `${key}.response.${name} ${JSON.stringify(path)} does not match the columns at ${where}: ${r.reason}`,
      };
    if (!Array.isArray(r.value))
      return {
        ok: false,
        reason: `${key}.response.${name}: ${where}.${path} is ${kind(r.value)}, expected an array (a column)`,
      };
    arrays.set(path, r.value);
  }
  const length = (arrays.get(timePath) as unknown[]).length;
  for (const [path, values] of arrays) {
    if (values.length !== length) {
      return {
        ok: false,
        reason: `columns of unequal length at ${where}: ${JSON.stringify(path)} has ${values.length} values, the time column ${JSON.stringify(timePath)} has ${length}; they cannot be lined up`,
      };
    }
  }
  const rows = Array.from({ length }, (_, i) => {
    const row: Record<string, unknown> = {};
    for (const [path, values] of arrays) row[path] = values[i];
    return {
      raw: JSON.stringify(row),
      cell: (p: string): Cell => ({ ok: true, value: row[p] }),
      where: `${where} row ${i}`,
    };
  });
  return collect(rows, mapper);
}

function collect(rows: { raw: string; cell: (p: string) => Cell; where: string }[], mapper: RowMapper): MappedBody {
  const records: AdapterRecord[] = [];
  let skipped = 0;
  for (const row of rows) {
    const m = mapper.map(row.cell, row.where);
    if (m.kind === 'skipped') skipped++;
    else if (m.kind === 'rejected') records.push({ value: row.raw, raw: row.raw, rejected: m.reason });
    else {
      records.push({ value: m.item, raw: row.raw });
      skipped += m.withoutValue ?? 0;
    }
  }
  return { ok: true, records, skipped };
}

/** A value path that no row has (a typo in the mapping, not a night of nulls), with what the first row has. */
export function brokenValuePath<R>(
  rows: readonly R[],
  mapper: RowMapper,
  cell: (row: R, path: string) => Cell,
  keysOf: (row: R) => string[],
): { field: string; path: string; keys: string } | undefined {
  const broken = brokenPath(
    rows,
    mapper.valuePaths.map(({ field, path }) => ({ name: field, path })),
    cell,
    keysOf,
  );
  return broken && { field: broken.name, path: broken.path, keys: broken.keys };
}

/** The first of `paths` that no row has, with what the first row has. */
function brokenPath<R>(
  rows: readonly R[],
  paths: readonly { name: string; path: string }[],
  cell: (row: R, path: string) => Cell,
  keysOf: (row: R) => string[],
): { name: string; path: string; keys: string } | undefined {
  if (rows.length === 0) return undefined;
  for (const { name, path } of paths) {
    if (
      rows.every((row) => {
        const c = cell(row, path);
        return c.ok && c.value === undefined;
      })
    ) {
      const keys = keysOf(rows[0] as R);
      return {
        name,
        path,
        keys:
          keys.length === 0
            ? 'no members'
            : keys
                .slice(0, 10)
                .map((k) => JSON.stringify(k))
                .join(', '),
      };
    }
  }
  return undefined;
}

function kind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}
