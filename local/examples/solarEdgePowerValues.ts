import { DateTime } from 'luxon';
import { clearSkyGhi } from '../../shared/solar/clearSkyGhi';
import { solarPosition } from '../../shared/solar/solarPosition';
import { unitFromHash } from '../world/unitFromHash';

/** The one SolarEdge site an example server reports on. */
export interface SolarEdgeSite {
  /** Site id, the `{siteId}` of `/site/{siteId}/power`. */
  id: number;
  /** IANA zone the site is in; SolarEdge presents every date in it. */
  timeZone: string;
  /** Degrees north. */
  latitude: number;
  /** Degrees east. */
  longitude: number;
  /** Installed DC peak power in W (the AC output stays below it). */
  peakPowerW: number;
}

/** One entry of `power.values`: a quarter-hour start in site local time and the mean power over it in W. */
export interface SolarEdgePowerValue {
  date: string;
  value: number | null;
}

const QUARTER_MS = 15 * 60_000;
const HOUR_MS = 3_600_000;
/** The date format of every SolarEdge API ("YYYY-MM-DD hh:mm:ss", site local time). */
export const SOLAREDGE_DATE_FORMAT = 'yyyy-MM-dd HH:mm:ss';

/**
 * The quarter-hour values from `start` to `end` (inclusive) as the Site Power API lists them: the quarters are
 * stepped in absolute time and each is dated in the site's zone, so a spring-forward day lacks 02:00-02:45 and a
 * fall-back day lists 02:00-02:45 twice. A value is null while the inverter sleeps (sun more than 1° below the
 * horizon) and for quarters not complete at `now` ("no data for that time"). A pure function of its arguments.
 */
export function solarEdgePowerValues(
  site: SolarEdgeSite,
  start: DateTime,
  end: DateTime,
  now: Date,
): SolarEdgePowerValue[] {
  const values: SolarEdgePowerValue[] = [];
  const first = Math.floor(start.toMillis() / QUARTER_MS) * QUARTER_MS;
  for (let t = first; t <= end.toMillis(); t += QUARTER_MS) {
    values.push({
      date: DateTime.fromMillis(t, { zone: site.timeZone }).toFormat(SOLAREDGE_DATE_FORMAT),
      value: t + QUARTER_MS > now.getTime() ? null : quarterPowerW(site, t),
    });
  }
  return values;
}

/** Mean AC power over the quarter starting at `t`: clear-sky irradiance dimmed by slowly drifting clouds. */
function quarterPowerW(site: SolarEdgeSite, t: number): number | null {
  const mid = t + QUARTER_MS / 2;
  const sun = solarPosition(site.latitude, site.longitude, new Date(mid));
  if (sun.elevationDeg < -1) return null;
  if (sun.elevationDeg <= 0) return 0;
  const transmission = 1 - 0.75 * cloudiness(site.id, mid);
  const power = Math.min(
    site.peakPowerW * 0.95,
    (site.peakPowerW * 0.82 * clearSkyGhi(sun.cosZenith) * transmission) / 1000,
  );
  return Math.round(power * 1000) / 1000;
}

/** Cloud cover in [0, 1], drawn per hour and interpolated so the curve has no jumps. */
function cloudiness(siteId: number, t: number): number {
  const hour = Math.floor(t / HOUR_MS);
  const f = (t - hour * HOUR_MS) / HOUR_MS;
  const a = unitFromHash(['solaredge-cloud', siteId, hour]) ** 2;
  const b = unitFromHash(['solaredge-cloud', siteId, hour + 1]) ** 2;
  return a + (b - a) * f;
}
