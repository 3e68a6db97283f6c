import type { ForecastConfig, SiteConfig } from '../config/ForecastConfig';
import type { LeadQuantiles } from '../forecast/Forecast';
import type { ForecastIntervals } from '../registry/ForecastIntervals';
import { sunAtValidTime } from './elevationBand';

const MINUTE_MS = 60_000;
const LEVELS = [0.1, 0.5, 0.9] as const;

/**
 * The 10, 50 and 90 % quantiles of each lead's actual: the forecast plus the model's calibrated offset for the lead
 * and the sun's elevation band at the validTime, held to the target's physical limits as the model's graph holds the
 * forecast (min, max, and zero while the sun is down for a solar target), then put in order. Rounded to the
 * thousandth, as forecasts are stored. One entry per lead; undefined where the model has no intervals for it (no
 * intervals at all, a card without the three levels, or a forecast that is not a number).
 */
export function forecastQuantiles(
  intervals: ForecastIntervals | undefined,
  target: ForecastConfig['target'],
  site: Pick<SiteConfig, 'latitude' | 'longitude'>,
  issueTime: Date,
  leadsMinutes: readonly number[],
  values: ArrayLike<number>,
): (LeadQuantiles | undefined)[] {
  const levels = LEVELS.map((q) => intervals?.quantiles.findIndex((x) => Math.abs(x - q) < 1e-9) ?? -1);
  return leadsMinutes.map((lead, l) => {
    const value = values[l];
    const offsets = intervals?.offsets[l];
    if (!intervals || !offsets || value === undefined || !Number.isFinite(value) || levels.some((i) => i < 0))
      return undefined;
    const sun = sunAtValidTime(site, new Date(issueTime.getTime() + lead * MINUTE_MS), intervals.bands);
    const band = offsets[sun.band];
    const q = levels.map((i) => band?.[i]);
    if (!q.every((o): o is number => o !== undefined && Number.isFinite(o))) return undefined;
    const [p10, p50, p90] = q
      .map((o) => (target.solar && sun.down ? 0 : limit(value + o, target)))
      .sort((a, b) => a - b)
      .map(round) as [number, number, number];
    return { p10, p50, p90 };
  });
}

function limit(v: number, target: ForecastConfig['target']): number {
  const low = target.min === undefined ? v : Math.max(target.min, v);
  return target.max === undefined ? low : Math.min(target.max, low);
}

function round(v: number): number {
  return Math.round(v * 1000) / 1000 + 0; // + 0: no -0 in a stored forecast
}
