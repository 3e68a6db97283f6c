/** Scenario names of a backtest report, in table order. */
export const ALL_SOURCES_FRESH = 'all sources fresh';
/** Every source replayed with its delay and outage models. */
export const OUTAGE_MODEL = 'outage model';
/** One source never available; the others as in ALL_SOURCES_FRESH. */
export const withoutSource = (source: string): string => `without ${source}`;
