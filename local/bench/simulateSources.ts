import type { ForecastConfig } from '../../shared/config/ForecastConfig';
import { imageFeatureOptionsFor } from '../../shared/features/imageFeatureOptionsFor';
import { imageFeatures } from '../../shared/features/imageFeatures';
import { mapLimit } from '../../shared/util/mapLimit';
import { parseRunValueKey } from '../../shared/sources/forecastRun';
import { NWP_RUN_INTERVAL_MS, OBSERVATION_INTERVAL_MS } from '../world/observationInterval';
import type { World } from '../world/World';
import { WORLD_SOURCE_IDS, type WorldSourceId } from '../world/WorldSource';

/** One observation of the simulated world with its values (image sources: the features of its picture). */
export interface SimulatedObservation {
  observedAt: number;
  values: Record<string, number>;
}

/** Options of simulateSources. */
export interface SimulateSourcesOptions {
  /** Pictures analysed at once (sharp decodes on its own thread pool). */
  imageConcurrency: number;
  /** Called now and then while pictures are analysed: pictures done, pictures in all. */
  onImages?: (done: number, total: number) => void;
}

export const DEFAULT_SIMULATE_SOURCES_OPTIONS: SimulateSourcesOptions = {
  imageConcurrency: 4,
};

/**
 * Every configured source's observations of one site, observed in [from, to] on the ten-minute grid, with the
 * configured fields only: sensor values straight from the world, image sources as the features imageFeatures
 * computes from the world's PNG (what preprocess-image stores), the forecast source (`nwp`) as the weather model's
 * hourly runs (observedAt = runAt, values keyed `<field>@+<minutes>`). When they are published is not decided here.
 */
export async function simulateSources(
  world: World,
  config: ForecastConfig,
  site: string,
  from: Date,
  to: Date,
  options: Partial<SimulateSourcesOptions> = {},
): Promise<Map<string, SimulatedObservation[]>> {
  const o = { ...DEFAULT_SIMULATE_SOURCES_OPTIONS, ...options };
  const times: number[] = [];
  for (
    let t = Math.ceil(from.getTime() / OBSERVATION_INTERVAL_MS) * OBSERVATION_INTERVAL_MS;
    t <= to.getTime();
    t += OBSERVATION_INTERVAL_MS
  )
    times.push(t);
  const out = new Map<string, SimulatedObservation[]>();
  for (const source of config.sources) {
    const id = worldSource(source.id);
    if (source.kind === 'forecast' || id === 'nwp') {
      if (source.kind !== 'forecast' || id !== 'nwp')
        throw new RangeError(
          `source "${id}" is ${id === 'nwp' ? 'a forecast' : `a ${source.kind}`} source in the simulated world, configured as ${source.kind === 'forecast' ? 'a forecast' : `a ${source.kind}`} source`,
        );
      // One run every hour, on the hour: its values keyed <field>@+<minutes>, of the configured fields.
      const runs: SimulatedObservation[] = [];
      for (
        let t = Math.ceil(from.getTime() / NWP_RUN_INTERVAL_MS) * NWP_RUN_INTERVAL_MS;
        t <= to.getTime();
        t += NWP_RUN_INTERVAL_MS
      )
        runs.push({ observedAt: t, values: pickRun(world.nwpRun(site, new Date(t)), source.fields) });
      out.set(id, runs);
      continue;
    }
    if (source.kind === 'sensor') {
      if (id === 'skycam')
        throw new RangeError(`source "${id}" is an image source in the simulated world, configured as a sensor`);
      out.set(
        id,
        times.map((t) => ({ observedAt: t, values: pick(world.sensorValues(id, site, new Date(t)), source.fields) })),
      );
      continue;
    }
    if (id !== 'skycam')
      throw new RangeError(`source "${id}" is a sensor source in the simulated world, configured as an image source`);
    let done = 0;
    const options = imageFeatureOptionsFor(source.camera);
    const observations = await mapLimit(times, o.imageConcurrency, async (t) => {
      const features = await imageFeatures(world.skycamPng(site, new Date(t)), options);
      if (++done % 250 === 0 || done === times.length) o.onImages?.(done, times.length);
      return { observedAt: t, values: pick(features, source.fields) };
    });
    out.set(id, observations);
  }
  return out;
}

/** The source id as the simulated world knows it, or a clear error. */
export function worldSource(id: string): WorldSourceId {
  if (!(WORLD_SOURCE_IDS as readonly string[]).includes(id)) {
    throw new RangeError(
      `the simulated world has no source "${id}"; it serves ${WORLD_SOURCE_IDS.map((s) => `"${s}"`).join(', ')}`,
    );
  }
  return id as WorldSourceId;
}

function pickRun(values: Readonly<Record<string, number>>, fields: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, v] of Object.entries(values)) {
    const field = parseRunValueKey(key)?.field;
    if (field !== undefined && fields.includes(field)) out[key] = v;
  }
  return out;
}

function pick(values: Readonly<Record<string, number>>, fields: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const f of fields) {
    const v = values[f];
    if (v !== undefined) out[f] = v;
  }
  return out;
}
