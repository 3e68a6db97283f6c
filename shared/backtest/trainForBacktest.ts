import type { ForecastConfig } from '../config/ForecastConfig';
import type { ModelRuntime } from '../models/ModelRuntime';
import type { HistoryRecord } from '../training/HistoryRecord';
import { type TrainedModels, type TrainingWindow, type TrainOptions, trainModels } from '../training/trainModels';

const PARITY_FAILURE = /^exported ONNX of (gbdt|linear)-\S+ disagrees with the trained model/;

/**
 * trainModels as the registry runs it; when a family's export fails the ONNX parity check (the registry would
 * publish nothing), that family is left out, said in `notes`, and the rest trained again, so the backtest still
 * measures the fallback chain instead of stopping.
 */
export async function trainForBacktest(
  config: ForecastConfig,
  history: ReadonlyMap<string, ReadonlyMap<string, readonly HistoryRecord[]>>,
  window: TrainingWindow,
  train: TrainOptions,
  runtime: ModelRuntime,
  onStep: (step: string) => void,
  notes: string[],
): Promise<TrainedModels> {
  let kinds = [...train.kinds];
  for (;;) {
    try {
      return await trainModels(config, history, window, { ...train, kinds }, runtime, onStep);
    } catch (err) {
      const family = err instanceof Error ? PARITY_FAILURE.exec(err.message)?.[1] : undefined;
      if (family === undefined || kinds.length < 2) throw err;
      kinds = kinds.filter((k) => k !== family);
      notes.push(`${family} models left out: ${(err as Error).message} (npm run train would publish nothing with these kinds)`);
    }
  }
}
