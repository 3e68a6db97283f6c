import type { LeadMetrics } from '../registry/ModelCard';
import { significant } from '../util/significant';
import type { BacktestReport } from './BacktestReport';

/**
 * The per-lead table of every scenario over daylight valid times only (when the backtest evaluated daylight): RMSE,
 * skill against persistence and against smart persistence, with the number of valid times scored; empty otherwise.
 */
export function formatDaylightMarkdown(r: BacktestReport): string[] {
  if (!r.daylight || !r.scenarios.some((s) => s.daylight)) return [];
  const u = r.target.unit ? ` (${r.target.unit})` : '';
  const L = r.leadsMinutes;
  const cell = (m: readonly LeadMetrics[] | undefined, lead: number, pick: (x: LeadMetrics) => number | undefined) =>
    significant(pick(m?.find((x) => x.leadMinutes === lead) ?? ({} as LeadMetrics)) ?? Number.NaN);
  const header = [
    'scenario',
    ...L.map((l) => `RMSE +${l}${u}`),
    ...L.map((l) => `skill +${l}`),
    ...L.map((l) => `skill vs smart +${l}`),
    'valid times',
  ];
  const row = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  const lines = [
    `### Daylight valid times (sun above ${r.daylight.minSunElevationDeg}°)`,
    '',
    'The same slots with every valid time at night left out, where a solar forecast is zero and every forecaster is right: these are the figures that tell models apart.',
    '',
    row(header),
    row(header.map((_, i) => (i === 0 ? '---' : '---:'))),
  ];
  const first = r.scenarios[0]?.daylight;
  if (first) {
    lines.push(
      row([
        'persistence (reference)',
        ...L.map((l) => cell(first.persistence, l, (m) => m.rmse)),
        ...L.map(() => '0'),
        ...L.map((l) => cell(first.persistence, l, (m) => m.smartSkill)),
        String(first.persistence[0]?.n ?? 0),
      ]),
    );
    if (first.smartPersistence)
      lines.push(
        row([
          'smart persistence (reference)',
          ...L.map((l) => cell(first.smartPersistence, l, (m) => m.rmse)),
          ...L.map((l) => cell(first.smartPersistence, l, (m) => m.skill)),
          ...L.map(() => '0'),
          String(first.smartPersistence[0]?.n ?? 0),
        ]),
      );
  }
  for (const s of r.scenarios) {
    if (!s.daylight) continue;
    lines.push(
      row([
        s.scenario,
        ...L.map((l) => cell(s.daylight?.perLead, l, (m) => m.rmse)),
        ...L.map((l) => cell(s.daylight?.perLead, l, (m) => m.skill)),
        ...L.map((l) => cell(s.daylight?.perLead, l, (m) => m.smartSkill)),
        String(s.daylight.perLead[0]?.n ?? 0),
      ]),
    );
  }
  lines.push('');
  return lines;
}
