import type { ForecastConfig } from '../config/ForecastConfig';
import type { ModelRuntime } from '../models/ModelRuntime';
import { buildPersistenceModel } from '../models/persistenceModel';
import { featureNames } from '../features/featureNames';
import { featureSpecFor } from '../features/featureSpecFor';
import { outputLimitsFor } from '../features/outputLimitsFor';
import type { ModelSource, ServingModel } from './ServingModel';

/** Serves persistence of the newest available target value, as an ONNX graph built by our own code. */
export class PersistenceModelSource implements ModelSource {
  private loading: Promise<ServingModel> | undefined;

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
    return [await this.loading];
  }

  private async load(): Promise<ServingModel> {
    const d = persistenceDescriptor(this.config);
    const { target } = this.config;
    const bytes = buildPersistenceModel({
      featureNames: [...d.featureNames],
      targetFeature: `${target.source}.${target.field}`,
      leadsMinutes: [...d.leadsMinutes],
      modelId: d.id,
      limits: outputLimitsFor(target, d.leadsMinutes),
    });
    return { ...d, model: await this.runtime.load(bytes) };
  }
}

/** What the built-in persistence model is, without loading it (health reports it as predict would choose it). */
export function persistenceDescriptor(config: ForecastConfig): Omit<ServingModel, 'model'> {
  const { target } = config;
  const spec = featureSpecFor(config, config.sites[0]?.id ?? '', [target.source]);
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
