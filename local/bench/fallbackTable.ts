import type { ScenarioResult } from '../../shared/backtest/scoreServed';

/**
 * The README table of the fallback benchmark: one row per scenario, RMSE and skill against persistence per lead
 * over the served slots, and the share of slots served.
 */
export function fallbackTable(
  scenarios: readonly ScenarioResult[],
  leadsMinutes: readonly number[],
  unit: string,
): string {
  const u = unit ? ` (${unit})` : '';
  const header = [
    'scenario',
    ...leadsMinutes.map((l) => `RMSE +${l}${u}`),
    ...leadsMinutes.map((l) => `skill +${l}`),
    'slots served',
  ];
  const lines = [row(header), row(header.map((_, i) => (i === 0 ? '---' : '---:')))];
  for (const s of scenarios) {
    const at = (lead: number): ScenarioResult['perLead'][number] | undefined =>
      s.perLead.find((m) => m.leadMinutes === lead);
    lines.push(
      row([
        s.scenario,
        ...leadsMinutes.map((l) => fixed(at(l)?.rmse, 1)),
        ...leadsMinutes.map((l) => fixed(at(l)?.skill, 3)),
        `${s.servedPct.toFixed(1)} % (${s.served}/${s.slots})`,
      ]),
    );
  }
  return lines.join('\n');
}

function row(cells: readonly string[]): string {
  return `| ${cells.join(' | ')} |`;
}

function fixed(v: number | undefined, digits: number): string {
  return v === undefined || !Number.isFinite(v) ? '-' : v.toFixed(digits);
}
