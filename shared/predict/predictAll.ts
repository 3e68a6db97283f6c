import type { ForecastConfig } from '../config/ForecastConfig';
import { type Forecast, forecastId } from '../forecast/Forecast';
import type { ForecastStore } from '../forecast/ForecastStore';
import type { ObservationStore } from '../sources/ObservationStore';
import { type BlobStore, CONTAINERS } from '../storage/BlobStore';
import type { Clock } from '../time/Clock';
import { addMinutes, floorToSlot } from '../time/slots';
import { describeInputs, gatherInputs, type GatheredInputs } from './gatherInputs';
import { PredictionInvariantError } from './PredictionError';
import type { ModelSource } from './ServingModel';

export interface PredictDeps {
  config: ForecastConfig;
  clock: Clock;
  observations: ObservationStore;
  forecasts: ForecastStore;
  blobs: BlobStore;
  models: ModelSource;
}

export interface PredictResult {
  issueTime: string;
  forecasts: Forecast[];
  /** Sites that got no forecast, with the reason. */
  skipped: { site: string; reason: string }[];
}

/**
 * Makes the forecast of every site for the issue slot that contains now: inputs are the newest observations
 * available at issueTime, run through the serving model in one batch, stored in the forecast store and as a blob
 * copy of the latest. Rerunning for the same slot overwrites the same records.
 */
export async function predictAll(deps: PredictDeps): Promise<PredictResult> {
  const { config } = deps;
  const issueTime = floorToSlot(deps.clock.now(), config.forecast.cadenceMinutes);
  const serving = await deps.models.current();
  const featureSources = new Set(serving.featureNames.map((f) => f.split('.')[0] as string));

  const gathered = await Promise.all(config.sites.map(async (site) => ({ site: site.id, inputs: await gatherInputs(config, site.id, issueTime, deps.observations) })));
  const rows: { site: string; inputs: GatheredInputs }[] = [];
  const skipped: PredictResult['skipped'] = [];
  const features: number[] = [];
  for (const g of gathered) {
    const vector = featureVector(serving.featureNames, g.inputs);
    if (typeof vector === 'string') {
      skipped.push({ site: g.site, reason: vector });
      continue;
    }
    rows.push(g);
    features.push(...vector);
  }

  const out = rows.length > 0 ? await serving.model.predict(Float32Array.from(features), rows.length) : new Float32Array(0);
  const leads = serving.leadsMinutes;
  const createdAt = deps.clock.now().toISOString();
  const forecasts = rows.map((row, r): Forecast => {
    const inputs = describeInputs(row.inputs.latest, issueTime, featureSources);
    for (const input of inputs) {
      if (input.availableAt > issueTime.toISOString()) {
        throw new PredictionInvariantError(`input ${input.source} of ${row.site} became available at ${input.availableAt}, after issueTime ${issueTime.toISOString()}`);
      }
    }
    return {
      id: forecastId(row.site, issueTime.toISOString()),
      site: row.site,
      issueTime: issueTime.toISOString(),
      createdAt,
      target: { source: config.target.source, field: config.target.field, unit: config.target.unit },
      model: { id: serving.id, kind: serving.kind },
      leads: leads.map((lead, l) => ({
        leadMinutes: lead,
        validTime: addMinutes(issueTime, lead).toISOString(),
        value: round(out[r * leads.length + l] as number),
      })),
      inputs,
      missing: row.inputs.missing,
    };
  });

  for (const forecast of forecasts) {
    await deps.forecasts.upsert(forecast);
    await deps.blobs.put(CONTAINERS.forecasts, `${forecast.site}/latest.json`, JSON.stringify(forecast), { contentType: 'application/json' });
  }
  return { issueTime: issueTime.toISOString(), forecasts, skipped };
}

/** The model's input row, or the reason it cannot be built. */
function featureVector(featureNames: readonly string[], inputs: GatheredInputs): number[] | string {
  const row: number[] = [];
  for (const name of featureNames) {
    const [source, field] = name.split('.') as [string, string];
    const obs = inputs.latest.get(source);
    if (!obs) return `no ${source} observation available at issueTime for feature ${name}`;
    const v = obs.values[field];
    if (v === undefined || !Number.isFinite(v)) return `${source} observation at ${obs.observedAt} has no value for ${field}`;
    row.push(v);
  }
  return row;
}

function round(v: number): number {
  return Math.round(v * 1000) / 1000;
}
