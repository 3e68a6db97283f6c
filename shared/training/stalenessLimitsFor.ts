import type { ForecastConfig } from '../config/ForecastConfig';
import { learnStalenessLimit } from '../features/learnStalenessLimit';
import type { HistoryRecord } from '../features/HistoryRecord';

/**
 * Each source's staleness limit for training: the configured one, or learned from the history's (effective) delays
 * the same way live prediction learns it, so a model trains on exactly the slots where it could serve.
 */
export function stalenessLimitsFor(
  config: ForecastConfig,
  history: ReadonlyMap<string, ReadonlyMap<string, readonly HistoryRecord[]>>,
): Record<string, number> {
  return Object.fromEntries(
    config.sources.map((source) => {
      const records = [...history.values()].flatMap((perSource) => [...(perSource.get(source.id) ?? [])]);
      return [source.id, learnStalenessLimit(records, source.stalenessLimitMinutes).minutes];
    }),
  );
}
