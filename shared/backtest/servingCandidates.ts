import type { ForecastConfig } from '../config/ForecastConfig';
import type { ModelRuntime } from '../models/ModelRuntime';
import { PersistenceModelSource } from '../predict/PersistenceModelSource';
import { orderCandidates } from '../predict/orderCandidates';
import { withBaselineTables } from '../predict/RegistryModelSource';
import type { ServingModel } from '../predict/ServingModel';
import type { TrainedModels } from '../training/trainModels';

/**
 * What RegistryModelSource would serve from a version made of these models: the kept ones loaded in the runtime,
 * best first, then the built-in baselines (orderCandidates: smart persistence ahead of models on the target alone). The
 * caller releases them; nothing stays loaded if one fails to load.
 */
export async function servingCandidates(
  config: ForecastConfig,
  models: TrainedModels,
  runtime: ModelRuntime,
  version: string,
): Promise<ServingModel[]> {
  const candidates: ServingModel[] = [];
  try {
    for (const k of models.kept) {
      const model = await runtime.load(k.bytes);
      candidates.push({
        id: k.card.id,
        kind: k.card.kind,
        version,
        sources: k.card.sources,
        featureNames: k.card.inputs,
        ...(k.card.featureInputs ? { featureInputs: k.card.featureInputs } : {}),
        leadsMinutes: [...config.forecast.leadsMinutes],
        score: k.card.heldOut.meanRmse,
        ...(k.card.intervals ? { intervals: k.card.intervals } : {}),
        ...(k.card.expectedError ? { expectedError: k.card.expectedError } : {}),
        model,
      });
    }
    const builtIns = await new PersistenceModelSource(config, runtime).current();
    return orderCandidates(candidates, withBaselineTables(builtIns, models.baselineExpectedError));
  } catch (err) {
    await Promise.all(candidates.map((c) => c.model.release()));
    throw err;
  }
}
