import { clearSkyGhi } from '../../shared/solar/clearSkyGhi';
import { solarPosition } from '../../shared/solar/solarPosition';
import { unitFromHash } from '../world/unitFromHash';

/** The unit query parameters of the forecast API, already validated. */
export interface OpenMeteoUnits {
  temperature: 'celsius' | 'fahrenheit';
  windSpeed: 'kmh' | 'ms' | 'mph' | 'kn';
  precipitation: 'mm' | 'inch';
}

/** One weather variable the example serves: its unit string and its value at a time step. */
export interface OpenMeteoVariable {
  unit(units: OpenMeteoUnits): string;
  /** Value for the step stamped `t` (ms) of length `stepMs` at a grid cell; a pure function of its arguments. */
  value(lat: number, lon: number, t: number, stepMs: number, units: OpenMeteoUnits): number;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** Cloud cover in [0, 1] of a grid cell: drawn per hour, interpolated in between. */
function cloud(lat: number, lon: number, t: number): number {
  const hour = Math.floor(t / HOUR_MS);
  const f = (t - hour * HOUR_MS) / HOUR_MS;
  const a = unitFromHash(['open-meteo-cloud', lat, lon, hour]);
  const b = unitFromHash(['open-meteo-cloud', lat, lon, hour + 1]);
  return a + (b - a) * f;
}

/** Global horizontal irradiance in W/m² as the mean over the step ending at `t` ("preceding 15 minutes mean"). */
function ghi(lat: number, lon: number, t: number, stepMs: number): number {
  const mid = t - stepMs / 2;
  return clearSkyGhi(solarPosition(lat, lon, new Date(mid)).cosZenith) * (1 - 0.75 * cloud(lat, lon, mid) ** 2);
}

function direct(lat: number, lon: number, t: number, stepMs: number): number {
  return ghi(lat, lon, t, stepMs) * (1 - cloud(lat, lon, t - stepMs / 2)) * 0.85;
}

function temperatureC(lat: number, lon: number, t: number): number {
  const dayOfYear = (t % (365.25 * DAY_MS)) / DAY_MS;
  const season = -Math.cos(((dayOfYear - 15) / 365.25) * 2 * Math.PI) * Math.sign(lat || 1);
  const solarHour = (((t / HOUR_MS + lon / 15) % 24) + 24) % 24;
  const diurnal = Math.cos(((solarHour - 15) / 24) * 2 * Math.PI);
  return (
    10 +
    9 * season +
    4 * diurnal -
    2 * cloud(lat, lon, t) +
    (unitFromHash(['open-meteo-t', lat, lon, Math.floor(t / HOUR_MS)]) - 0.5)
  );
}

const round = (x: number, digits: number): number => Math.round(x * 10 ** digits) / 10 ** digits;
const windFactor = { kmh: 1, ms: 1 / 3.6, mph: 1 / 1.609344, kn: 1 / 1.852 } as const;
const windUnit = { kmh: 'km/h', ms: 'm/s', mph: 'mp/h', kn: 'kn' } as const;

/** The variables of `&hourly=` and `&minutely_15=` this example knows, with the units the documentation lists. */
export const OPEN_METEO_VARIABLES: Readonly<Record<string, OpenMeteoVariable>> = {
  temperature_2m: {
    unit: (u) => (u.temperature === 'celsius' ? '°C' : '°F'),
    value: (lat, lon, t, _s, u) =>
      round(u.temperature === 'celsius' ? temperatureC(lat, lon, t) : temperatureC(lat, lon, t) * 1.8 + 32, 1),
  },
  relative_humidity_2m: {
    unit: () => '%',
    value: (lat, lon, t) =>
      Math.max(20, Math.min(100, Math.round(55 + 35 * cloud(lat, lon, t) - 1.5 * (temperatureC(lat, lon, t) - 10)))),
  },
  cloud_cover: { unit: () => '%', value: (lat, lon, t) => Math.round(100 * cloud(lat, lon, t)) },
  wind_speed_10m: {
    unit: (u) => windUnit[u.windSpeed],
    value: (lat, lon, t, _s, u) =>
      round(
        (4 +
          22 *
            unitFromHash(['open-meteo-wind', lat, lon, Math.floor(t / (3 * HOUR_MS))]) *
            (0.6 + 0.4 * cloud(lat, lon, t))) *
          windFactor[u.windSpeed],
        1,
      ),
  },
  wind_direction_10m: {
    unit: () => '°',
    value: (lat, lon, t) =>
      Math.round(360 * unitFromHash(['open-meteo-dir', lat, lon, Math.floor(t / (6 * HOUR_MS))])) % 360,
  },
  shortwave_radiation: { unit: () => 'W/m²', value: (lat, lon, t, s) => round(ghi(lat, lon, t, s), 1) },
  direct_radiation: { unit: () => 'W/m²', value: (lat, lon, t, s) => round(direct(lat, lon, t, s), 1) },
  diffuse_radiation: {
    unit: () => 'W/m²',
    value: (lat, lon, t, s) => round(ghi(lat, lon, t, s) - direct(lat, lon, t, s), 1),
  },
  direct_normal_irradiance: {
    unit: () => 'W/m²',
    value: (lat, lon, t, s) => {
      const cosZ = solarPosition(lat, lon, new Date(t - s / 2)).cosZenith;
      return cosZ <= 0.05 ? 0 : round(Math.min(1000, direct(lat, lon, t, s) / cosZ), 1);
    },
  },
  precipitation: {
    unit: (u) => u.precipitation,
    value: (lat, lon, t, s, u) => {
      const c = cloud(lat, lon, t - s / 2);
      const mm = c > 0.8 ? (c - 0.8) * 10 * (s / HOUR_MS) : 0;
      return u.precipitation === 'mm' ? round(mm, 1) : round(mm / 25.4, 3);
    },
  },
};
