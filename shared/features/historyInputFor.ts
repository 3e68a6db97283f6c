import { DEFAULT_HISTORY, type SourceConfig } from '../config/ForecastConfig';
import type { HistoryInput } from './FeatureSpec';

/** A source's history inputs: configured, or DEFAULT_HISTORY for sensor and image sources; none for forecast runs. */
export function historyInputFor(source: SourceConfig): HistoryInput | undefined {
  if (source.kind === 'forecast' || source.history === false) return undefined;
  const h = source.history ?? DEFAULT_HISTORY;
  return h.lastK > 0 ? { lastK: h.lastK, windowMinutes: h.windowMinutes } : undefined;
}
