import type { LeadMetrics } from '../registry/ModelCard';
import { significant } from '../util/significant';
import type { PromiseGap, PromiseGapFigures } from './promiseGap';

/** The promise gap's table: a header and one row of cells per lead. */
export interface PromiseGapTable {
  header: string[];
  rows: string[][];
}

/**
 * Per lead: persistence (operated), the naive research model offline (its promise) and operated (what it delivers),
 * the gap between them in per cent, and the availability-aware twin operated; RMSE with three significant digits.
 */
export function promiseGapTable(
  figures: PromiseGapFigures,
  leadsMinutes: readonly number[],
  unit: string,
): PromiseGapTable {
  const u = unit ? ` (${unit})` : '';
  const rmse = (m: readonly LeadMetrics[], l: number): string => significant(m[l]?.rmse ?? Number.NaN);
  return {
    header: [
      'lead',
      `persistence RMSE${u}`,
      `naive offline RMSE${u}`,
      `naive operated RMSE${u}`,
      'gap',
      `aware operated RMSE${u}`,
    ],
    rows: leadsMinutes.map((lead, l) => [
      `+${lead} min`,
      rmse(figures.persistence.operated, l),
      rmse(figures.naive.offline, l),
      rmse(figures.naive.operated, l),
      percent(figures.gapPct[l]),
      rmse(figures.aware, l),
    ]),
  };
}

/** The gap as a reader sees it: `+15.8 %`, or `–`. */
function percent(p: number | null | undefined): string {
  if (p === null || p === undefined || !Number.isFinite(p)) return '–';
  return `${p >= 0 ? '+' : ''}${p.toFixed(1)} %`;
}

/** The promise gap as Markdown: what it is, the table, and the daylight table when there is one. */
export function formatPromiseGapMarkdown(gap: PromiseGap, leadsMinutes: readonly number[], unit: string): string[] {
  const table = (t: PromiseGapTable): string[] => [
    `| ${t.header.join(' | ')} |`,
    `| ${t.header.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`,
    ...t.rows.map((r) => `| ${r.join(' | ')} |`),
  ];
  const lines = [
    '## The promise gap',
    '',
    `The naive research model is the ${gap.model.kind} model on ${gap.model.sources.join(', ')} trained the way research usually does: every input joined on its observedAt, as if nothing arrived late. ` +
      `*Offline* is its estimate on test rows joined the same way (the figure a paper would print); *operated* is what it delivers fed what was available at each issueTime, through the live path. ` +
      `*Gap* is operated against offline RMSE. *Aware* is the same family on the same sources trained on what was available (${gap.model.aware}). ` +
      `All on the ${gap.slots} test slots where the three were served; persistence operated is the newest value available at issueTime (offline, research persists the value observed at issueTime: gap ${gap.persistenceGapPct.map(percent).join(' / ')}).`,
    '',
    ...table(promiseGapTable(gap, leadsMinutes, unit)),
  ];
  if (gap.daylight) {
    lines.push('', 'Daylight valid times only:', '', ...table(promiseGapTable(gap.daylight, leadsMinutes, unit)));
  }
  return lines;
}

/** The table as console text: columns padded to their widest cell. */
export function formatPromiseGapText(t: PromiseGapTable, indent = '  '): string[] {
  const widths = t.header.map((h, i) => Math.max(h.length, ...t.rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    indent + cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('   ');
  return [line(t.header), ...t.rows.map(line)];
}
