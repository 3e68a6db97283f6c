import type { ReferenceScores, ScenarioResult } from '../../shared/backtest/scoreServed';
import type { LeadMetrics } from '../../shared/registry/ModelCard';
import { NOT_A_NUMBER, significant } from '../../shared/util/significant';

/**
 * The README table of the fallback benchmark: one row per scenario, RMSE and skill against persistence per lead
 * over the served slots (and against smart persistence, for a solar target), and the share of slots served. With
 * `references`, persistence and smart persistence come first, scored on the same slots.
 */
export function fallbackTable(
  scenarios: readonly ScenarioResult[],
  leadsMinutes: readonly number[],
  unit: string,
  references?: ReferenceScores,
): string {
  const u = unit ? ` (${unit})` : '';
  const smart = scenarios.some((s) => s.perLead.some((m) => m.smartSkill !== undefined));
  const header = [
    'scenario',
    ...leadsMinutes.map((l) => `RMSE +${l}${u}`),
    ...leadsMinutes.map((l) => `skill +${l}`),
    ...(smart ? leadsMinutes.map((l) => `skill vs smart +${l}`) : []),
    'slots served',
  ];
  const lines = [row(header), row(header.map((_, i) => (i === 0 ? '---' : '---:')))];
  const line = (name: string, perLead: readonly LeadMetrics[], served: string): string => {
    const at = (lead: number): LeadMetrics | undefined => perLead.find((m) => m.leadMinutes === lead);
    return row([
      name,
      ...leadsMinutes.map((l) => metric(at(l)?.rmse)),
      ...leadsMinutes.map((l) => metric(at(l)?.skill)),
      ...(smart ? leadsMinutes.map((l) => metric(at(l)?.smartSkill)) : []),
      served,
    ]);
  };
  if (references) {
    lines.push(line('persistence (reference)', references.persistence, '-'));
    if (references.smartPersistence)
      lines.push(line('smart persistence (reference)', references.smartPersistence, '-'));
  }
  for (const s of scenarios)
    lines.push(line(s.scenario, s.perLead, `${s.servedPct.toFixed(1)} % (${s.served}/${s.slots})`));
  return lines.join('\n');
}

function row(cells: readonly string[]): string {
  return `| ${cells.join(' | ')} |`;
}

/** A metric for the reader: three significant digits whatever the target's magnitude. */
function metric(v: number | undefined): string {
  return v === undefined ? NOT_A_NUMBER : significant(v);
}
