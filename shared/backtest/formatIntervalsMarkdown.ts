import { NOT_A_NUMBER, significant } from '../util/significant';
import type { BacktestReport } from './BacktestReport';
import type { IntervalMetrics } from './scoreIntervals';

/**
 * The report's forecast-interval section as Markdown lines: per scenario and lead, the 10-90 % coverage of the served
 * quantiles (with the sun up for a solar target, and over every slot) and their mean pinball loss.
 */
export function formatIntervalsMarkdown(r: BacktestReport): string[] {
  const solar = r.scenarios.some((s) => s.intervals.some((m) => m.nSunUp !== undefined));
  const L = r.leadsMinutes;
  const u = r.target.unit ? ` (${r.target.unit})` : '';
  const lines = ['## Forecast intervals', ''];
  lines.push(
    `Every forecast of a model with calibrated intervals carries its 10, 50 and 90 % quantiles (split-conformal offsets from the model's held-out residuals, by lead${solar ? ' and sun elevation at the validTime' : ''}). ` +
      `Coverage is the share of served slots whose actual lies within [p10, p90]: 80 % is calibrated. ` +
      (solar
        ? 'It is given with the sun up at the validTime, then in parentheses over every slot (nights are covered trivially: zero forecast, zero actual). '
        : '') +
      `Pinball is the mean quantile loss over the three quantiles. Slots served by a model without intervals (persistence) are left out.`,
  );
  lines.push('');
  const header = [
    'scenario',
    ...L.map((l) => `coverage +${l}`),
    ...L.map((l) => `pinball +${l}${u}`),
    'slots with quantiles',
  ];
  lines.push(row(header), row(header.map((_, i) => (i === 0 ? '---' : '---:'))));
  for (const s of r.scenarios) {
    const m = (l: number): IntervalMetrics | undefined => s.intervals.find((x) => x.leadMinutes === l);
    lines.push(
      row([
        s.scenario,
        ...L.map((l) => coverageText(m(l), solar)),
        ...L.map((l) => metric(m(l)?.pinball)),
        `${m(L[0] as number)?.n ?? 0}/${s.served}`,
      ]),
    );
  }
  lines.push('');
  return lines;
}

function coverageText(m: IntervalMetrics | undefined, solar: boolean): string {
  if (!m || m.n === 0) return '-';
  return solar ? `${percent(m.coverageSunUp ?? Number.NaN)} (${percent(m.coverage)})` : percent(m.coverage);
}

function percent(v: number): string {
  return Number.isFinite(v) ? `${(100 * v).toFixed(1)} %` : '-';
}

/** A metric for the reader: three significant digits whatever the target's magnitude. */
function metric(v: number | undefined): string {
  return v === undefined ? NOT_A_NUMBER : significant(v);
}

function row(cells: readonly string[]): string {
  return `| ${cells.join(' | ')} |`;
}
