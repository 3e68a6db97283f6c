import type { LoadedModel } from '../models/ModelRuntime';

/** A model ready to serve: its session plus what it reads and predicts. */
export interface ServingModel {
  id: string;
  kind: string;
  /** Input columns, each `<source>.<field>`, in order. */
  featureNames: readonly string[];
  leadsMinutes: readonly number[];
  model: LoadedModel;
}

/** Supplies the model to use for a run (later: the registry's champion; now: persistence). */
export interface ModelSource {
  current(): Promise<ServingModel>;
}
