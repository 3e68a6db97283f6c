import type { ForecastConfig } from '../config/ForecastConfig';
import type { ModelRuntime } from '../models/ModelRuntime';
import { buildPersistenceModel } from '../models/persistenceModel';
import type { ModelSource, ServingModel } from './ServingModel';

/** Serves persistence of the newest available target value, as an ONNX graph built by our own code. */
export class PersistenceModelSource implements ModelSource {
  private loading: Promise<ServingModel> | undefined;

  constructor(
    private readonly config: ForecastConfig,
    private readonly runtime: ModelRuntime,
  ) {}

  current(): Promise<ServingModel> {
    // One session per process: creating a session per run would cost a model load every time.
    this.loading ??= this.load().catch((err: unknown) => {
      this.loading = undefined;
      throw err;
    });
    return this.loading;
  }

  private async load(): Promise<ServingModel> {
    const target = `${this.config.target.source}.${this.config.target.field}`;
    const leadsMinutes = [...this.config.forecast.leadsMinutes];
    const id = `persistence-${this.config.target.source}-${this.config.target.field}`;
    const bytes = buildPersistenceModel({ featureNames: [target], targetFeature: target, leadsMinutes, modelId: id });
    return { id, kind: 'persistence', featureNames: [target], leadsMinutes, model: await this.runtime.load(bytes) };
  }
}
