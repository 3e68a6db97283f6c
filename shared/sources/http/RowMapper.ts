import type { TimeSpec, ValueMapping } from '../../config/providerSchemas';
import { fieldConversion } from '../../units/fieldConversion';
import { TimestampParser } from '../../time/TimestampParser';
import { describeValue } from '../../time/parseIsoTime';

/** A cell of a row: its value, `undefined` when the row leaves it out, or why the path does not reach it. */
export type Cell = { ok: true; value: unknown } | { ok: false; reason: string };

/** What a row became: an item in our wire shape, a rejection with the reason, or nothing (no value, skipped). */
export type MappedRow =
  | {
      kind: 'item';
      item: { site: string; observedAt: string; publishedAt?: string; values: Record<string, number> };
      /** With `partialRows`: the fields left out for a null or missing value. */
      withoutValue?: number;
    }
  | { kind: 'rejected'; reason: string }
  | { kind: 'skipped' };

/** How rows become items: the response mapping of one provider block, checked by the configuration already. */
export interface RowMapping {
  /** Where the block is in the configuration (`sources[0].provider`), so every reason names the key to fix. */
  configPath: string;
  time: TimeSpec & { path: string };
  publishedAt?: (TimeSpec & { path: string }) | undefined;
  values: Record<string, ValueMapping>;
  /** Path of the provider's site id in a row, when a response covers several sites. */
  site?: string | undefined;
  nulls: 'skip' | 'quarantine';
  /** The forecast target's unit when this source carries the target field. */
  target?: { field: string; unit: string } | undefined;
  /** Cells that mean "no value" (CSV). */
  missingValues?: readonly string[];
  /**
   * With `nulls: "skip"`, a null leaves only its own field out of the row instead of skipping the row (a forecast
   * run's step keeps the fields it has); the item says how many were left out.
   */
  partialRows?: boolean | undefined;
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Turns the rows of one response into items, in order (so a wall-clock time repeated when daylight saving ends is
 * read as the first, then the second occurrence). Values convert to the configured units; a null or missing value
 * skips the row or rejects it, as `nulls` says. Every reason names the configuration key and the place in the
 * response.
 */
export class RowMapper {
  private readonly timeParser: TimestampParser;
  private readonly publishedParser: TimestampParser | undefined;
  private readonly factors: { field: string; path: string; factor: number }[];
  private readonly missing: ReadonlySet<string>;

  constructor(
    private readonly m: RowMapping,
    /** Our site id when the request named it; otherwise each row's site is read from `m.site`. */
    private readonly site: string | undefined,
    /** Our site id of a provider's site id, or undefined when it is not one of ours. */
    private readonly siteOf: (providerSiteId: string) => string | undefined,
  ) {
    this.timeParser = new TimestampParser(m.time.timeZone, m.time.format);
    this.publishedParser = m.publishedAt
      ? new TimestampParser(m.publishedAt.timeZone, m.publishedAt.format)
      : undefined;
    this.factors = Object.entries(m.values).map(([field, mapping]) => {
      const c = fieldConversion(mapping, m.target?.field === field ? m.target.unit : undefined);
      // The configuration check has refused a conversion that does not exist.
      return { field, path: mapping.path, factor: c.ok ? c.factor : Number.NaN };
    });
    this.missing = new Set(m.missingValues ?? []);
  }

  /** The fields and the paths they are read from. */
  get valuePaths(): { field: string; path: string }[] {
    return this.factors.map(({ field, path }) => ({ field, path }));
  }

  /** Maps one row; `cell(path)` reads a path of the row, `where` names the row in the response (`power.values[3]`). */
  map(cell: (path: string) => Cell, where: string): MappedRow {
    const key = this.m.configPath;
    // The time first, for every row: the parser reads a repeated wall-clock hour by the order of the rows.
    const time = this.readTime(cell, where, this.m.time, this.timeParser, 'time');
    const values: Record<string, number> = {};
    let noValue: string | undefined;
    let withoutValue = 0;
    for (const { field, path, factor } of this.factors) {
      const c = cell(path);
      if (!c.ok)
        return reject(
          `${key}.response.values.${field}.path ${JSON.stringify(path)} does not match ${where}: ${c.reason}`,
        );
      const v = c.value;
      if (v === null || v === undefined || (typeof v === 'string' && this.missing.has(v.trim()))) {
        noValue ??= `${key}.response.values.${field}: ${v === undefined ? 'no' : describeValue(v)} value at ${where} (path ${JSON.stringify(path)}) and "nulls" is "quarantine"`;
        withoutValue++;
        continue;
      }
      const n =
        typeof v === 'number' ? v : typeof v === 'string' && NUMBER.test(v.trim()) ? Number(v.trim()) : Number.NaN;
      if (!Number.isFinite(n))
        return reject(
          `${key}.response.values.${field}: ${describeValue(v)} at ${where} (path ${JSON.stringify(path)}) is not a number`,
        );
      values[field] = factor === 1 ? n : Number((n * factor).toPrecision(12));
    }
    if (typeof time === 'string') return reject(time);
    const partial = this.m.partialRows === true && this.m.nulls === 'skip';
    if (noValue !== undefined && !partial) return this.m.nulls === 'skip' ? { kind: 'skipped' } : reject(noValue);
    const site = this.readSite(cell, where);
    if (site.startsWith('!')) return reject(site.slice(1));
    const item: Extract<MappedRow, { kind: 'item' }>['item'] = {
      site,
      observedAt: new Date(time).toISOString(),
      values,
    };
    if (this.m.publishedAt && this.publishedParser) {
      const published = this.readTime(cell, where, this.m.publishedAt, this.publishedParser, 'publishedAt');
      if (typeof published === 'string') return reject(published);
      item.publishedAt = new Date(published).toISOString();
    }
    return partial && withoutValue > 0 ? { kind: 'item', item, withoutValue } : { kind: 'item', item };
  }

  private readTime(
    cell: (path: string) => Cell,
    where: string,
    spec: { path: string },
    parser: TimestampParser,
    name: string,
  ): number | string {
    const key = `${this.m.configPath}.response.${name}`;
    const c = cell(spec.path);
    if (!c.ok) return `${key}.path ${JSON.stringify(spec.path)} does not match ${where}: ${c.reason}`;
    if (typeof c.value !== 'string' && typeof c.value !== 'number')
      return `${key}: ${describeValue(c.value)} at ${where} (path ${JSON.stringify(spec.path)}) is not a time`;
    const t = parser.parse(String(c.value));
    return t.ok ? t.ms : `${key}: ${t.reason} (at ${where}, path ${JSON.stringify(spec.path)})`;
  }

  /** Our site id, or `!` and why there is none. */
  private readSite(cell: (path: string) => Cell, where: string): string {
    if (this.site !== undefined) return this.site;
    const path = this.m.site ?? '';
    const key = `${this.m.configPath}.response.site`;
    if (path === '') return `!${key}: the response does not say which site a record is for`;
    const c = cell(path);
    if (!c.ok) return `!${key} ${JSON.stringify(path)} does not match ${where}: ${c.reason}`;
    if (typeof c.value !== 'string' && typeof c.value !== 'number')
      return `!${key}: ${describeValue(c.value)} at ${where} is not a site id`;
    const ours = this.siteOf(String(c.value));
    return (
      ours ??
      `!${key}: the provider's site ${JSON.stringify(String(c.value))} at ${where} is none of ours (map it in ${this.m.configPath}.sites)`
    );
  }
}

function reject(reason: string): MappedRow {
  return { kind: 'rejected', reason };
}
