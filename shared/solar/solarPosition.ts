/** Where the sun is, seen from a point on the ground. */
export interface SunPosition {
  /** Degrees above the horizon (negative at night). */
  elevationDeg: number;
  /** Degrees clockwise from north. */
  azimuthDeg: number;
  /** Cosine of the zenith angle (= sin of the elevation), the factor irradiance models use. */
  cosZenith: number;
}

const RAD = Math.PI / 180;
const DAY_MS = 86_400_000;

/**
 * Solar elevation and azimuth from the NOAA solar calculator's approximations (no refraction): accurate to a few
 * hundredths of a degree for dates near the present. Shared by the simulated world (which makes the light) and the
 * forecast features (which must describe the same sun), so it lives in shared/ and has no dependencies.
 */
export function solarPosition(latitudeDeg: number, longitudeDeg: number, t: Date): SunPosition {
  const ms = t.getTime();
  const { declination, equationOfTimeMin } = sunAt(ms);
  const minutesOfDay = mod(ms, DAY_MS) / 60_000;
  const trueSolarMin = mod(minutesOfDay + equationOfTimeMin + 4 * longitudeDeg, 1440);
  const hourAngle = (trueSolarMin / 4 - 180) * RAD;

  const lat = latitudeDeg * RAD;
  const cosZenith = clamp(
    Math.sin(lat) * Math.sin(declination) + Math.cos(lat) * Math.cos(declination) * Math.cos(hourAngle),
    -1,
    1,
  );
  const zenith = Math.acos(cosZenith);
  const sinZenith = Math.sin(zenith);
  let azimuthDeg: number;
  if (sinZenith < 1e-9 || Math.abs(Math.cos(lat)) < 1e-9) {
    azimuthDeg = 180; // sun overhead or observer at a pole: azimuth is undefined, any value will do
  } else {
    const fromNorth =
      Math.acos(clamp((Math.sin(lat) * cosZenith - Math.sin(declination)) / (Math.cos(lat) * sinZenith), -1, 1)) / RAD;
    azimuthDeg = hourAngle > 0 ? mod(fromNorth + 180, 360) : mod(540 - fromNorth, 360);
  }
  return { elevationDeg: 90 - zenith / RAD, azimuthDeg, cosZenith };
}

/** The sun's declination (radians) and the equation of time (minutes) at epoch ms: the same for every place. */
interface SunAtTime {
  declination: number;
  equationOfTimeMin: number;
}

/**
 * sunAt's results by time: predict places the sun for thousands of sites at the same few instants (each slot and
 * lead). Bounded; a result is the same whenever it is computed again.
 */
const sunByTime = new Map<number, SunAtTime>();
const MAX_SUN_TIMES = 4096;

function sunAt(ms: number): SunAtTime {
  const known = sunByTime.get(ms);
  if (known) return known;
  const jc = (ms / DAY_MS + 2440587.5 - 2451545) / 36525;
  const meanLong = mod(280.46646 + jc * (36000.76983 + jc * 0.0003032), 360);
  const meanAnomaly = 357.52911 + jc * (35999.05029 - 0.0001537 * jc);
  const eccentricity = 0.016708634 - jc * (0.000042037 + 0.0000001267 * jc);
  const m = meanAnomaly * RAD;
  const centre =
    Math.sin(m) * (1.914602 - jc * (0.004817 + 0.000014 * jc)) +
    Math.sin(2 * m) * (0.019993 - 0.000101 * jc) +
    Math.sin(3 * m) * 0.000289;
  const omega = (125.04 - 1934.136 * jc) * RAD;
  const apparentLong = (meanLong + centre - 0.00569 - 0.00478 * Math.sin(omega)) * RAD;
  const meanObliquity = 23 + (26 + (21.448 - jc * (46.815 + jc * (0.00059 - jc * 0.001813))) / 60) / 60;
  const obliquity = (meanObliquity + 0.00256 * Math.cos(omega)) * RAD;
  const declination = Math.asin(Math.sin(obliquity) * Math.sin(apparentLong));

  const y = Math.tan(obliquity / 2) ** 2;
  const l0 = meanLong * RAD;
  const equationOfTimeMin =
    (4 / RAD) *
    (y * Math.sin(2 * l0) -
      2 * eccentricity * Math.sin(m) +
      4 * eccentricity * y * Math.sin(m) * Math.cos(2 * l0) -
      0.5 * y * y * Math.sin(4 * l0) -
      1.25 * eccentricity * eccentricity * Math.sin(2 * m));
  if (sunByTime.size >= MAX_SUN_TIMES) sunByTime.clear();
  const sun = { declination, equationOfTimeMin };
  sunByTime.set(ms, sun);
  return sun;
}

function mod(a: number, n: number): number {
  return ((a % n) + n) % n;
}

function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}
