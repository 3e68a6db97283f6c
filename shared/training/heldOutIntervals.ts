import type { ForecastConfig } from '../config/ForecastConfig';
import { conformalIntervals, DEFAULT_CONFORMAL_OPTIONS, type ConformalOptions } from './conformalIntervals';
import { elevationEdgesFor, sunAtValidTime } from '../features/elevationBand';
import type { ForecastIntervals } from '../registry/ForecastIntervals';
import type { Rows } from './rowsWhere';
import { TrainingDataError } from './TrainingDataError';

const MINUTE_MS = 60_000;

/**
 * A model's calibrated intervals from its held-out rows: the residuals (actual - forecast, the forecast held to the
 * physical limits as served) per lead, banded by the sun's elevation at each row's validTime at its site. The rows
 * are the model's own held-out rows (every slot where its sources were fresh), so a model on few sources is
 * calibrated on the degraded slots where it is the one chosen too.
 */
export function heldOutIntervals(
  config: ForecastConfig,
  rows: Rows,
  predictions: Float32Array,
  options: ConformalOptions = DEFAULT_CONFORMAL_OPTIONS,
): ForecastIntervals | undefined {
  const leads = config.forecast.leadsMinutes;
  const edges = elevationEdgesFor(config.target);
  const sites = new Map(config.sites.map((s) => [s.id, s]));
  const L = leads.length;
  const perLead = leads.map(() => ({
    residuals: new Float64Array(rows.keys.length),
    bands: new Int32Array(rows.keys.length),
  }));
  rows.keys.forEach((key, r) => {
    // Keys are `<site>|<issueTime ms>` (rowsWhere); site ids cannot hold a '|'.
    const bar = key.lastIndexOf('|');
    const site = sites.get(key.slice(0, bar));
    const issueTime = Number(key.slice(bar + 1));
    if (!site || !Number.isFinite(issueTime))
      throw new TrainingDataError('MISSING_HISTORY', `held-out row "${key}" names no configured site and issue time`);
    leads.forEach((lead, l) => {
      const at = perLead[l] as (typeof perLead)[number];
      at.residuals[r] = (rows.Y[r * L + l] as number) - (predictions[r * L + l] as number);
      at.bands[r] = sunAtValidTime(site, new Date(issueTime + lead * MINUTE_MS), edges).band;
    });
  });
  return conformalIntervals(perLead, edges, options);
}
