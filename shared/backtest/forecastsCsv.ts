import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReferenceForecasts } from './referenceForecasts';
import type { ServedSlot } from './serveSlots';

/** What forecasts.csv is written from: a backtest run's served slots, the observed target and the references. */
export interface ForecastsCsvData {
  /** Every served slot per scenario, in the order the scenarios are written. */
  served: ReadonlyMap<string, readonly ServedSlot[]>;
  /** The target observed at each time (epoch ms). */
  truth: ReadonlyMap<number, number>;
  references: ReferenceForecasts;
}

const MINUTE_MS = 60_000;
/** Lines per write: a few hundred kilobytes, so a year of slots never becomes one string. */
const LINES_PER_CHUNK = 2_000;

/**
 * forecasts.csv, line by line (header first, no line ends): one row per scenario, issue slot and lead, in the order
 * of `served`, each slot's leads in `leadsMinutes` order. Columns: scenario, issueTime, leadMinutes, validTime (ISO
 * 8601 UTC), model, value, actual (the target observed at validTime), persistence; smartPersistence when the
 * references have it (a solar target); p10, p50, p90 when any slot carries quantiles. A slot without a forecast has
 * a row with empty model and value; a value that is missing (no observation, no quantiles) is an empty cell.
 */
export function* forecastsCsvLines(data: ForecastsCsvData, leadsMinutes: readonly number[]): Generator<string> {
  const smart = data.references.smartPersistence;
  const quantiles = [...data.served.values()].some((slots) => slots.some((s) => s.quantiles !== undefined));
  yield [
    'scenario',
    'issueTime',
    'leadMinutes',
    'validTime',
    'model',
    'value',
    'actual',
    'persistence',
    ...(smart ? ['smartPersistence'] : []),
    ...(quantiles ? ['p10', 'p50', 'p90'] : []),
  ].join(',');
  for (const [scenario, slots] of data.served) {
    const name = csvCell(scenario);
    for (const s of slots) {
      const issueTime = new Date(s.issueTime).toISOString();
      const model = s.model === null ? '' : csvCell(s.model);
      const persistence = numberCell(data.references.persistence.get(s.issueTime));
      const smartValues = smart?.get(s.issueTime);
      for (const [l, lead] of leadsMinutes.entries()) {
        const validTime = s.issueTime + lead * MINUTE_MS;
        const q = s.quantiles?.[l];
        yield [
          name,
          issueTime,
          String(lead),
          new Date(validTime).toISOString(),
          model,
          s.model === null ? '' : numberCell(s.values[l]),
          numberCell(data.truth.get(validTime)),
          persistence,
          ...(smart ? [numberCell(smartValues?.[l])] : []),
          ...(quantiles ? [numberCell(q?.p10), numberCell(q?.p50), numberCell(q?.p90)] : []),
        ].join(',');
      }
    }
  }
}

/** Writes forecastsCsvLines to `path` in chunks, waiting for the file as it goes. */
export async function writeForecastsCsv(
  path: string,
  data: ForecastsCsvData,
  leadsMinutes: readonly number[],
): Promise<void> {
  await pipeline(Readable.from(chunks(forecastsCsvLines(data, leadsMinutes))), createWriteStream(path));
}

function* chunks(lines: Iterable<string>): Generator<string> {
  let chunk: string[] = [];
  for (const line of lines) {
    chunk.push(line);
    if (chunk.length >= LINES_PER_CHUNK) {
      yield `${chunk.join('\n')}\n`;
      chunk = [];
    }
  }
  if (chunk.length > 0) yield `${chunk.join('\n')}\n`;
}

/** A cell as RFC 4180 has it: quoted (quotes doubled) when it holds a comma, a quote or a line break. */
export function csvCell(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * A number as the shortest decimal that reads back as the same 32-bit float (what the models compute and the scores
 * use): every digit the value has and no binary noise (0.52204, not 0.5220400000000001). Empty when missing or NaN.
 */
export function numberCell(v: number | undefined): string {
  if (v === undefined || !Number.isFinite(v)) return '';
  const f = Math.fround(v);
  if (f === 0) return '0';
  if (!Number.isFinite(f)) return String(v);
  for (let digits = 1; digits < 9; digits++) {
    const text = f.toPrecision(digits);
    if (Math.fround(Number(text)) === f) return String(Number(text));
  }
  return String(Number(f.toPrecision(9)));
}

/**
 * What forecasts.csv of a backtest holds: every operational scenario, then the promise gap's (the naive model
 * offline and operated, its aware twin); persistence is the operational reference in every row.
 */
export function forecastsCsvDataOf(run: {
  served: ReadonlyMap<string, readonly ServedSlot[]>;
  research: ReadonlyMap<string, readonly ServedSlot[]>;
  truth: ReadonlyMap<number, number>;
  references: ReferenceForecasts;
}): ForecastsCsvData {
  return { served: new Map([...run.served, ...run.research]), truth: run.truth, references: run.references };
}
