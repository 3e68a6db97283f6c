import type { Budget, Notification } from '@azure/arm-consumption';
import type { BudgetNotificationState, BudgetState } from './BudgetState';

/** The budget the Consumption API returned, as the state cost-watch stores: percentages and crossed thresholds worked out. */
export function toBudgetState(budget: Budget, scope: string, budgetName: string, readAt: Date): BudgetState {
  const amount = budget.amount ?? 0;
  const currentSpend = budget.currentSpend?.amount ?? null;
  const forecastSpend = budget.forecastSpend?.amount ?? null;
  const actualPercent = percentOf(currentSpend, amount);
  const forecastPercent = percentOf(forecastSpend, amount);
  const notifications = Object.entries(budget.notifications ?? {})
    .map(([name, n]) => notificationState(name, n, actualPercent, forecastPercent))
    .sort(
      (a, b) =>
        a.thresholdType.localeCompare(b.thresholdType) || a.threshold - b.threshold || a.name.localeCompare(b.name),
    );
  const crossedOf = (type: string): number[] =>
    notifications.filter((n) => n.crossed && n.thresholdType === type).map((n) => n.threshold);
  const crossed = { actual: crossedOf('Actual'), forecasted: crossedOf('Forecasted') };
  const overBudget = actualPercent !== null && actualPercent >= 100;
  return {
    scope,
    name: budget.name ?? budgetName,
    category: budget.category ?? null,
    amount,
    currency: budget.currentSpend?.unit ?? budget.forecastSpend?.unit ?? null,
    timeGrain: budget.timeGrain ?? null,
    periodStart: isoOrNull(budget.timePeriod?.startDate),
    periodEnd: isoOrNull(budget.timePeriod?.endDate),
    currentSpend,
    forecastSpend,
    actualPercent,
    forecastPercent,
    notifications,
    crossed,
    level: overBudget ? 'over-budget' : crossed.actual.length + crossed.forecasted.length > 0 ? 'alerting' : 'under',
    readAt: readAt.toISOString(),
  };
}

function notificationState(
  name: string,
  n: Notification,
  actualPercent: number | null,
  forecastPercent: number | null,
): BudgetNotificationState {
  // The API defaults thresholdType to Actual when a budget was created without one.
  const thresholdType = n.thresholdType ?? 'Actual';
  const watched = thresholdType === 'Forecasted' ? forecastPercent : actualPercent;
  return {
    name,
    enabled: n.enabled,
    operator: n.operator,
    threshold: n.threshold,
    thresholdType,
    recipients: {
      emails: n.contactEmails?.length ?? 0,
      groups: n.contactGroups?.length ?? 0,
      roles: n.contactRoles?.length ?? 0,
    },
    crossed: n.enabled && watched !== null && compare(watched, n.operator, n.threshold),
  };
}

function compare(value: number, operator: string, threshold: number): boolean {
  switch (operator) {
    case 'EqualTo':
      return Math.abs(value - threshold) < 1e-9;
    case 'GreaterThan':
      return value > threshold;
    case 'GreaterThanOrEqualTo':
      return value >= threshold;
    default:
      // An operator this code does not know: report the threshold as crossed once reached, rather than never.
      return value >= threshold;
  }
}

function percentOf(spend: number | null, amount: number): number | null {
  if (spend === null || !(amount > 0)) return null;
  return Math.round((spend / amount) * 100 * 100) / 100;
}

function isoOrNull(d: Date | string | undefined): string | null {
  if (d === undefined) return null;
  const date = d instanceof Date ? d : new Date(d);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}
