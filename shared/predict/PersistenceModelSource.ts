import type { ForecastConfig } from '../config/ForecastConfig';
import type { ModelRuntime } from '../models/ModelRuntime';
import { buildPersistenceModel } from '../models/persistenceModel';
import { buildSmartPersistenceModel } from '../models/smartPersistenceModel';
import { SMART_PERSISTENCE_MIN_CLEAR_SKY_WM2 } from '../solar/smartPersistence';
import { featureNames } from '../features/featureNames';
import { featureSpecFor } from '../features/featureSpecFor';
import { withFeatureInputs } from '../features/FeatureSpec';
import { outputLimitsFor } from '../features/outputLimitsFor';
import { CLEAR_SKY_AT_OBSERVATION } from '../features/validateFeatureSpec';
import type { ModelSource, ServingModel } from './ServingModel';

/**
 * Serves the baselines that need no training, as ONNX graphs built by our own code: for a solar target smart
 * persistence (the newest clear-sky index carried forward) and then persistence of the newest available target
 * value; persistence alone otherwise. Both read only the target, so they serve whenever it is fresh.
 */
export class PersistenceModelSource implements ModelSource {
  private loading: Promise<ServingModel[]> | undefined;

  constructor(
    private readonly config: ForecastConfig,
    private readonly runtime: ModelRuntime,
  ) {}

  async current(): Promise<ServingModel[]> {
    // One session per process: creating a session per run would cost a model load every time.
    this.loading ??= this.load().catch((err: unknown) => {
      this.loading = undefined;
      throw err;
    });
    return [...(await this.loading)];
  }

  private async load(): Promise<ServingModel[]> {
    const { target } = this.config;
    const targetFeature = `${target.source}.${target.field}`;
    const loaded: ServingModel[] = [];
    try {
      const smart = smartPersistenceDescriptor(this.config);
      if (smart) {
        const bytes = buildSmartPersistenceModel({
          featureNames: [...smart.featureNames],
          targetFeature,
          clearSkyAtObservationFeature: `${target.source}.${CLEAR_SKY_AT_OBSERVATION}`,
          clearSkyAtValidTimeFeatures: smart.leadsMinutes.map((l) => `clearsky.ghi_+${l}`),
          leadsMinutes: [...smart.leadsMinutes],
          minClearSky: SMART_PERSISTENCE_MIN_CLEAR_SKY_WM2,
          modelId: smart.id,
          limits: outputLimitsFor(target, smart.leadsMinutes),
        });
        loaded.push({ ...smart, model: await this.runtime.load(bytes) });
      }
      const d = persistenceDescriptor(this.config);
      const bytes = buildPersistenceModel({
        featureNames: [...d.featureNames],
        targetFeature,
        leadsMinutes: [...d.leadsMinutes],
        modelId: d.id,
        limits: outputLimitsFor(target, d.leadsMinutes),
      });
      loaded.push({ ...d, model: await this.runtime.load(bytes) });
      return loaded;
    } catch (err) {
      await Promise.all(loaded.map((m) => m.model.release()));
      throw err;
    }
  }
}

/** What the built-in persistence model is, without loading it (health reports it as predict would choose it). */
export function persistenceDescriptor(config: ForecastConfig): Omit<ServingModel, 'model'> {
  const { target } = config;
  // The baselines read the newest value alone: none of the history or derived inputs (FeatureInputs).
  const spec = withFeatureInputs(featureSpecFor(config, config.sites[0]?.id ?? '', [target.source]), undefined);
  return {
    id: `persistence-${target.source}-${target.field}`,
    kind: 'persistence',
    version: null,
    sources: [target.source],
    featureNames: featureNames(spec),
    leadsMinutes: [...config.forecast.leadsMinutes],
    score: Number.POSITIVE_INFINITY,
  };
}

/** The built-in smart persistence model of a solar target (undefined for any other target), without loading it. */
export function smartPersistenceDescriptor(config: ForecastConfig): Omit<ServingModel, 'model'> | undefined {
  const { target } = config;
  if (target.solar !== true) return undefined;
  // The baselines read the newest value alone: none of the history or derived inputs (FeatureInputs).
  const spec = withFeatureInputs(featureSpecFor(config, config.sites[0]?.id ?? '', [target.source]), undefined);
  return {
    id: `smart-persistence-${target.source}-${target.field}`,
    kind: 'smart-persistence',
    version: null,
    sources: [target.source],
    featureNames: featureNames({ ...spec, clearSkyAtObservation: [target.source] }),
    clearSkyAtObservation: [target.source],
    leadsMinutes: [...config.forecast.leadsMinutes],
    score: Number.POSITIVE_INFINITY,
  };
}

/** The built-in baselines in the order predict tries them (smart persistence first, for a solar target). */
export function baselineDescriptors(config: ForecastConfig): Omit<ServingModel, 'model'>[] {
  const smart = smartPersistenceDescriptor(config);
  return [...(smart ? [smart] : []), persistenceDescriptor(config)];
}
