/** How a notification compares spend with its threshold (the Consumption API's `operator`). */
export type BudgetOperator = 'EqualTo' | 'GreaterThan' | 'GreaterThanOrEqualTo';

/** Whether a notification watches the spend so far or the spend forecast for the whole period. */
export type ThresholdType = 'Actual' | 'Forecasted';

/** One of a budget's notifications, without its recipients' addresses (the state is shown by an anonymous endpoint). */
export interface BudgetNotificationState {
  /** The notification's key in the budget, e.g. `actual_GreaterThan_80_Percent`. */
  name: string;
  enabled: boolean;
  operator: BudgetOperator | string;
  /** Percent of the budget amount. */
  threshold: number;
  thresholdType: ThresholdType | string;
  /** How many people, action groups and roles it notifies (who they are stays in the budget). */
  recipients: { emails: number; groups: number; roles: number };
  /** Whether the spend it watches has crossed its threshold. */
  crossed: boolean;
}

/** A budget as read at one moment: its amount, what has been spent, what will be, and which alerts have fired. */
export interface BudgetState {
  /** The scope the budget was read at, e.g. `/subscriptions/<id>/resourceGroups/<rg>`. */
  scope: string;
  name: string;
  /** `Cost` or `Usage`. */
  category: string | null;
  /** The budget for one time grain, in `currency`. */
  amount: number;
  /** The unit of the spend figures (e.g. `USD`, `EUR`), when the service reports it. */
  currency: string | null;
  /** `Monthly`, `Quarterly`, `Annually`, ... */
  timeGrain: string | null;
  periodStart: string | null;
  periodEnd: string | null;
  /** Spend so far in the current time grain. */
  currentSpend: number | null;
  /** Forecast spend for the whole time grain; only present when the budget has a forecasted notification. */
  forecastSpend: number | null;
  /** currentSpend as a percent of amount. */
  actualPercent: number | null;
  /** forecastSpend as a percent of amount. */
  forecastPercent: number | null;
  notifications: BudgetNotificationState[];
  /** Thresholds (percent) of the enabled notifications that have been crossed, by what they watch. */
  crossed: { actual: number[]; forecasted: number[] };
  /** under: nothing crossed; alerting: some notification crossed; over-budget: actual spend reached the amount. */
  level: 'under' | 'alerting' | 'over-budget';
  readAt: string;
}
