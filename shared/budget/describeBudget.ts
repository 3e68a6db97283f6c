import type { BudgetState } from './BudgetState';

const SYMBOL: Record<string, string> = { EqualTo: '=', GreaterThan: '>', GreaterThanOrEqualTo: '>=' };

/** One line for logs and the status record: spend, forecast, the period and the thresholds crossed. */
export function describeBudget(b: BudgetState): string {
  const unit = b.currency ? ` ${b.currency}` : '';
  const money = (x: number): string => x.toFixed(2);
  const pct = (x: number | null): string => (x === null ? '' : ` (${x}%)`);
  const spent =
    b.currentSpend === null
      ? 'no spend reported yet'
      : `${money(b.currentSpend)} of ${money(b.amount)}${unit} spent${pct(b.actualPercent)}`;
  const forecast =
    b.forecastSpend === null
      ? 'no forecast (the budget has no forecasted notification)'
      : `forecast ${money(b.forecastSpend)}${unit}${pct(b.forecastPercent)}`;
  const period = b.periodStart
    ? ` in the ${(b.timeGrain ?? 'budget').toLowerCase()} period from ${b.periodStart.slice(0, 10)}`
    : '';
  const crossed = b.notifications
    .filter((n) => n.crossed)
    .map((n) => `${n.thresholdType.toLowerCase()} ${SYMBOL[n.operator] ?? n.operator} ${n.threshold}%`);
  const alerts = crossed.length > 0 ? `alerts crossed: ${crossed.join(', ')}` : 'no alert threshold crossed';
  const state = b.level === 'over-budget' ? `OVER BUDGET; ${alerts}` : alerts;
  return `budget "${b.name}" at ${b.scope}: ${spent}, ${forecast}${period}; ${state}`;
}
