import type { ForecastConfig } from '../config/ForecastConfig';
import type { ModelRuntime } from '../models/ModelRuntime';
import { buildPersistenceModel } from '../models/persistenceModel';
import { featureNames } from '../training/featureNames';
import { featureSpecFor } from '../training/featureSpecFor';
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
    const { target } = this.config;
    const spec = featureSpecFor(this.config, this.config.sites[0]?.id ?? '', [target.source]);
    const names = featureNames(spec);
    const leadsMinutes = [...this.config.forecast.leadsMinutes];
    const id = `persistence-${target.source}-${target.field}`;
    const bytes = buildPersistenceModel({ featureNames: names, targetFeature: `${target.source}.${target.field}`, leadsMinutes, modelId: id });
    return { id, kind: 'persistence', version: null, sources: [target.source], featureNames: names, leadsMinutes, score: Number.POSITIVE_INFINITY, model: await this.runtime.load(bytes) };
  }
}
