import { CloudField } from './CloudField';
import { clearSkyGhi } from '../../shared/solar/clearSkyGhi';
import { cloudAttenuation } from './cloudAttenuation';
import { hash32 } from '../../shared/util/hash32';
import { NEIGHBOR_STATIONS } from './NEIGHBOR_STATIONS';
import { normalFromHash } from './normalFromHash';
import { NWP_FOOTPRINT_KM, NWP_HORIZON_MINUTES, NWP_STEP_MINUTES, nwpRunErrors } from './nwpErrors';
import { runValueKey } from '../../shared/sources/forecastRun';
import { parkPowerKw } from './parkPowerKw';
import { publishDelayMs } from './publishDelayMs';
import { SkyCamera } from './SkyCamera';
import { type SunPosition, solarPosition } from '../../shared/solar/solarPosition';
import { UnknownSiteError } from './UnknownSiteError';
import { Weather } from './Weather';
import { WindField } from './WindField';
import { WORLD_EPOCH_MS } from './worldEpoch';
import type { SensorSourceId, WorldSourceId } from './WorldSource';

/** A simulated site. */
export interface WorldSite {
  id: string;
  /** Degrees north. */
  latitude: number;
  /** Degrees east. */
  longitude: number;
}

export interface WorldOptions {
  /** Every value of the world is a function of this seed (and the site and time asked for). */
  seed: number;
  /** The parks; each gets its neighbour stations and camera. */
  sites: WorldSite[];
  /** Inverter capacity of every park, kW. */
  capacityKw?: number;
}

/** Capacity of a park when the options do not say. */
export const DEFAULT_CAPACITY_KW = 5000;

/** A site placed on the world's plane. */
interface PlacedSite extends WorldSite {
  /** Position on the shared cloud plane, km east and km north of (0°, 0°): nearby parks share clouds. */
  xKm: number;
  yKm: number;
}

const KM_PER_DEG_LAT = 110.57;
const KM_PER_DEG_LON_AT_EQUATOR = 111.32;

/**
 * The simulated world behind the four providers: sun, clouds advected by the wind, weather, a park, its upwind
 * stations and its sky camera. Stateless: every value is a pure function of (seed, site, time), so any time can
 * be asked for in any order and two processes with the same seed agree.
 */
export class World {
  readonly seed: number;
  readonly capacityKw: number;
  readonly sites: readonly WorldSite[];
  private readonly placed: ReadonlyMap<string, PlacedSite>;
  private readonly windField: WindField;
  private readonly clouds: CloudField;
  private readonly weather: Weather;
  private readonly camera: SkyCamera;

  constructor(options: WorldOptions) {
    if (!Number.isFinite(options.seed)) throw new RangeError(`seed must be a finite number, got ${options.seed}`);
    const capacityKw = options.capacityKw ?? DEFAULT_CAPACITY_KW;
    if (!(capacityKw > 0) || !Number.isFinite(capacityKw))
      throw new RangeError(`capacityKw must be a positive number, got ${capacityKw}`);
    if (options.sites.length === 0) throw new RangeError('the world needs at least one site');
    const placed = new Map<string, PlacedSite>();
    for (const s of options.sites) {
      if (placed.has(s.id)) throw new RangeError(`duplicate site id "${s.id}"`);
      if (!(Math.abs(s.latitude) <= 90) || !(Math.abs(s.longitude) <= 180)) {
        throw new RangeError(`site "${s.id}": latitude/longitude out of range (${s.latitude}, ${s.longitude})`);
      }
      placed.set(s.id, {
        ...s,
        xKm: s.longitude * KM_PER_DEG_LON_AT_EQUATOR * Math.cos((s.latitude * Math.PI) / 180),
        yKm: s.latitude * KM_PER_DEG_LAT,
      });
    }
    this.seed = options.seed;
    this.capacityKw = capacityKw;
    this.sites = options.sites.map((s) => ({ ...s }));
    this.placed = placed;
    this.windField = new WindField(options.seed);
    this.clouds = new CloudField(options.seed);
    this.weather = new Weather(options.seed);
    this.camera = new SkyCamera(this.clouds);
  }

  /** Values for a sensor source at a site at an observation time; keys exactly the source's field names. */
  sensorValues(source: SensorSourceId, site: string, observedAt: Date): Record<string, number> {
    const s = this.site(site);
    const noise = (channel: string): number => normalFromHash([this.seed, source, site, observedAt.getTime(), channel]);
    switch (source) {
      case 'site-meter': {
        const ghi = this.groundGhi(s, 0, 0, observedAt);
        const power = parkPowerKw(ghi, this.air(s, observedAt).tempC, this.capacityKw);
        return {
          power_kw: round(power === 0 ? 0 : clamp(power * (1 + 0.005 * noise('power')), 0, this.capacityKw), 1),
          ghi_wm2: round(measuredGhi(ghi, noise('ghi-gain'), noise('ghi-offset')), 1),
        };
      }
      case 'neighbors': {
        const values: Record<string, number> = {};
        for (const st of NEIGHBOR_STATIONS) {
          const ghi = this.groundGhi(s, st.dxKm, st.dyKm, observedAt);
          values[st.field] = round(measuredGhi(ghi, noise(`${st.field}-gain`), noise(`${st.field}-offset`)), 1);
        }
        return values;
      }
      case 'weather': {
        const air = this.air(s, observedAt);
        const w = this.wind(observedAt);
        return {
          temp_c: round(air.tempC + 0.1 * noise('temp'), 1),
          wind_speed_ms: round(Math.max(0, w.speedMs + 0.3 * noise('speed')), 1),
          wind_dir_deg: Math.round((((w.directionDeg + 4 * noise('dir')) % 360) + 360) % 360) % 360,
          humidity_pct: round(clamp(air.humidityPct + noise('humidity'), 0, 100), 0),
          pressure_hpa: round(air.pressureHpa + 0.2 * noise('pressure'), 1),
        };
      }
    }
  }

  /**
   * One run of the simulated weather model for a site, started at `runAt` (on the hour): its irradiance `ghi_wm2`
   * and cloud cover `cloud_cover` (0..1) every 15 minutes from +0 to +12 h, keyed `<field>@+<minutes>` as a
   * forecast source stores them. It knows the cloud field at runAt but is wrong the ways weather models are: it
   * sees the clouds only as a ~16 km average (coarse grid), moves them with a wind whose speed and direction are off
   * and which drifts further with lead (clouds displaced), runs their life cycle early or late (mistimed), and
   * over- or underestimates the cover more the further it looks; so its error grows with lead.
   */
  nwpRun(site: string, runAt: Date): Record<string, number> {
    const s = this.site(site);
    const runMs = runAt.getTime();
    const e = nwpRunErrors(this.seed, runMs);
    const d0 = this.windField.displacementKm(tau(runAt));
    const cos = Math.cos(e.turnRad);
    const sin = Math.sin(e.turnRad);
    const values: Record<string, number> = {};
    for (let m = 0; m <= NWP_HORIZON_MINUTES; m += NWP_STEP_MINUTES) {
      const valid = new Date(runMs + m * 60_000);
      const leadS = m * 60;
      const d = this.windField.displacementKm(tau(valid));
      // The forecast advection: the true one turned, stretched and drifting.
      const ax = (d.dxKm - d0.dxKm) * (1 + e.speed);
      const ay = (d.dyKm - d0.dyKm) * (1 + e.speed);
      const dx = d0.dxKm + ax * cos - ay * sin + (e.driftEastMs * leadS) / 1000;
      const dy = d0.dyKm + ax * sin + ay * cos + (e.driftNorthMs * leadS) / 1000;
      const lifeS = tau(valid) + (e.timingMin + (e.timingPerHourMin * m) / 60) * 60;
      const threshold = this.clouds.threshold(tau(valid)) + e.threshold * Math.sqrt(m / NWP_HORIZON_MINUTES);
      let opacity = 0;
      let attenuation = 0;
      for (const [ox, oy] of NWP_FOOTPRINT_KM) {
        const o = this.clouds.opacity(s.xKm + ox - dx, s.yKm + oy - dy, lifeS, threshold);
        opacity += o;
        attenuation += cloudAttenuation(o);
      }
      const n = NWP_FOOTPRINT_KM.length;
      const clear = clearSkyGhi(solarPosition(s.latitude, s.longitude, valid).cosZenith);
      values[runValueKey('ghi_wm2', m)] = clear === 0 ? 0 : round((clear * attenuation) / n, 1);
      values[runValueKey('cloud_cover', m)] = round(clamp(opacity / n, 0, 1), 3);
    }
    return values;
  }

  /** The sky-camera picture over a site: a 64×64 RGB PNG of the 120 km × 120 km around it, north up. */
  skycamPng(site: string, observedAt: Date): Buffer {
    const s = this.site(site);
    const tauS = tau(observedAt);
    const d = this.windField.displacementKm(tauS);
    return this.camera.render(
      s.xKm - d.dxKm,
      s.yKm - d.dyKm,
      tauS,
      this.clouds.threshold(tauS),
      this.sun(site, observedAt).elevationDeg,
      hash32([this.seed, 'skycam', site, observedAt.getTime()]),
    );
  }

  /** Ground truth for tests: cloud opacity 0..1 at (xKm east, yKm north) of a site at time t. */
  cloudOpacity(site: string, xKm: number, yKm: number, t: Date): number {
    return this.opacityAt(this.site(site), xKm, yKm, t);
  }

  /** Ground truth for tests: the irradiance that reaches the park at time t, W/m² (before any sensor's error). */
  trueGhi(site: string, t: Date): number {
    return this.groundGhi(this.site(site), 0, 0, t);
  }

  /** The wind that moves the clouds (the same everywhere). */
  wind(t: Date): { speedMs: number; directionDeg: number } {
    const w = this.windField.at(tau(t));
    return { speedMs: w.speedMs, directionDeg: w.directionDeg };
  }

  /** Where the sun is over a site. */
  sun(site: string, t: Date): SunPosition {
    const s = this.site(site);
    return solarPosition(s.latitude, s.longitude, t);
  }

  /** Clear-sky irradiance at a site, W/m² (the denominator of the clear-sky index). */
  clearSkyGhi(site: string, t: Date): number {
    return clearSkyGhi(this.sun(site, t).cosZenith);
  }

  /**
   * When the provider of `source` publishes the observation of `site` at `observedAt` (20-40 minutes later; a run of
   * the weather model 60-120 minutes after its runAt).
   */
  publishedAt(source: WorldSourceId, site: string, observedAt: Date): Date {
    this.site(site);
    return new Date(observedAt.getTime() + publishDelayMs(this.seed, source, site, observedAt));
  }

  private site(id: string): PlacedSite {
    const s = this.placed.get(id);
    if (!s) throw new UnknownSiteError(id, [...this.placed.keys()]);
    return s;
  }

  private opacityAt(s: PlacedSite, xKm: number, yKm: number, t: Date): number {
    const tauS = tau(t);
    const d = this.windField.displacementKm(tauS);
    return this.clouds.opacity(s.xKm + xKm - d.dxKm, s.yKm + yKm - d.dyKm, tauS, this.clouds.threshold(tauS));
  }

  /**
   * True irradiance at an offset from a site. The sun's angle is the site's: 45 km shift the sun by about three
   * minutes, which the toy ignores so that a station's clear-sky index is its irradiance over the park's clear sky.
   */
  private groundGhi(s: PlacedSite, xKm: number, yKm: number, t: Date): number {
    const clear = clearSkyGhi(solarPosition(s.latitude, s.longitude, t).cosZenith);
    return clear === 0 ? 0 : clear * cloudAttenuation(this.opacityAt(s, xKm, yKm, t));
  }

  private air(s: PlacedSite, t: Date): ReturnType<Weather['at']> {
    const tauS = tau(t);
    return this.weather.at({
      tauS,
      t,
      latitudeDeg: s.latitude,
      longitudeDeg: s.longitude,
      cover: CloudField.coverFromThreshold(this.clouds.threshold(tauS)),
      localOpacity: this.opacityAt(s, 0, 0, t),
      cosZenith: solarPosition(s.latitude, s.longitude, t).cosZenith,
    });
  }
}

/** A pyranometer: 1% gain error and 2 W/m² offset noise, nothing in the dark, never negative. */
function measuredGhi(trueGhi: number, gainNoise: number, offsetNoise: number): number {
  if (trueGhi <= 0) return 0;
  return Math.max(0, trueGhi * (1 + 0.01 * gainNoise) + 2 * offsetNoise);
}

function tau(t: Date): number {
  return (t.getTime() - WORLD_EPOCH_MS) / 1000;
}

function round(v: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(v * f) / f;
}

function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}
