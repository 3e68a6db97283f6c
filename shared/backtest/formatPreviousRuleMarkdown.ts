import { significant } from '../util/significant';
import type { BacktestScenario } from './BacktestReport';

/**
 * The chooser against the previous rule (freshness first, best-ranked) and against persistence of the target as
 * the scenario had it (stale during outages), per scenario and lead, on the slots both rules served.
 */
export function formatPreviousRuleMarkdown(
  scenarios: readonly Pick<BacktestScenario, 'scenario' | 'previousRule'>[],
  leadsMinutes: readonly number[],
  unit: string,
): string[] {
  const rows = scenarios.filter((s) => s.previousRule);
  if (rows.length === 0) return [];
  const u = unit ? ` (${unit})` : '';
  const L = leadsMinutes;
  const lines = [
    '## The chooser against the previous rule',
    '',
    "Each slot is served twice: by the chooser (lowest expected RMSE at the inputs' ages, stale inputs allowed) and " +
      'by the previous rule (the best-ranked model whose sources are all fresh). "Stale persistence" is the newest ' +
      "target value available in the scenario itself (hours old during an outage of the target's source).",
    '',
    `| scenario | ${L.map((l) => `RMSE +${l}${u}`).join(' | ')} | ${L.map((l) => `previous rule +${l}`).join(' | ')} | ${L.map((l) => `stale persistence +${l}`).join(' | ')} | ${L.map((l) => `skill vs previous +${l}`).join(' | ')} | ${L.map((l) => `skill vs stale persistence +${l}`).join(' | ')} | other model |`,
    `| --- |${' ---: |'.repeat(L.length * 5 + 1)}`,
  ];
  for (const s of rows) {
    const c = s.previousRule;
    if (!c) continue;
    const at = (l: number): (typeof c.perLead)[number] | undefined => c.perLead.find((m) => m.leadMinutes === l);
    const cells = [
      s.scenario,
      ...L.map((l) => significant(at(l)?.rmse ?? Number.NaN)),
      ...L.map((l) => significant(at(l)?.previousRmse ?? Number.NaN)),
      ...L.map((l) => significant(at(l)?.stalePersistenceRmse ?? Number.NaN)),
      ...L.map((l) => significant(at(l)?.skillVsPrevious ?? Number.NaN)),
      ...L.map((l) => significant(at(l)?.skillVsStalePersistence ?? Number.NaN)),
      `${c.differentModel} of ${c.slots}`,
    ];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  lines.push('');
  return lines;
}
