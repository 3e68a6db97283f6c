import { performance } from 'node:perf_hooks';
import type { ForecastConfig } from '../../shared/config/ForecastConfig';
import { OnnxModelRuntime } from '../../shared/models/OnnxModelRuntime';
import { ModelRegistry } from '../../shared/registry/ModelRegistry';
import { type BlobStore, CONTAINERS } from '../../shared/storage/BlobStore';
import { sourceSets } from '../../shared/training/sourceSets';
import { DEFAULT_TRAIN_OPTIONS, type TrainReport, trainAndPublish } from '../../shared/training/trainAndPublish';
import { isParityFailure } from '../../shared/training/trainModels';
import type { BenchOptions } from './BenchOptions';
import type { TrainingFigures } from './BenchReport';

/**
 * Times trainAndPublish with the default training options over the stored history, as `npm run train` runs it
 * at the end of the history; its progress steps split the time into reading, training and publishing. Models
 * whose ONNX export failed the parity check are not published (trainModels lists them as pruned); the notes say so.
 */
export async function benchTrain(
  blobs: BlobStore,
  config: ForecastConfig,
  options: BenchOptions,
  log: (line: string) => void,
): Promise<TrainingFigures> {
  const clock = { now: () => new Date(options.end) };
  const registry = new ModelRegistry(blobs, clock);
  const runtime = new OnnxModelRuntime();
  const kinds = [...DEFAULT_TRAIN_OPTIONS.kinds];
  const marks = { start: performance.now(), lastRead: 0, compare: 0 };
  const report: TrainReport = await trainAndPublish(
    {
      config,
      blobs,
      clock,
      runtime,
      registry,
      onProgress: (step, done, total) => {
        if (step.startsWith('read ')) marks.lastRead = performance.now();
        if (step === 'compare with the champion') marks.compare = performance.now();
        if (done % 8 === 0 || done === total) log(`training: ${done}/${total} ${step}`);
      },
    },
    { historyDays: options.days, codeVersion: 'bench', kinds },
  );
  const end = performance.now();
  const { card } = report;
  let bundleBytes = 0;
  for await (const item of blobs.list(CONTAINERS.models, `versions/${card.version}/`))
    if (!item.name.endsWith('card.json')) bundleBytes += item.size;
  const sets = DEFAULT_TRAIN_OPTIONS.sourceSets === 'all' ? 1 : sourceSets(config.sources.map((s) => s.id)).length;
  return {
    seconds: round((end - marks.start) / 1000),
    readSeconds: round((marks.lastRead - marks.start) / 1000),
    trainSeconds: round((marks.compare - marks.lastRead) / 1000),
    publishSeconds: round((end - marks.compare) / 1000),
    historyDays: options.days,
    trainingRows: card.trainingWindow.rows,
    heldOutRows: card.heldOutWindow.rows,
    sourceSets: sets,
    families: kinds,
    modelsTrained: sets * kinds.length,
    modelsKept: card.models.length,
    bundleBytes,
    version: card.version,
    promoted: report.promoted,
    notes: card.pruned.filter((p) => isParityFailure(p.reason)).map((p) => `${p.id} not published: ${p.reason}`),
  };
}

function round(v: number): number {
  return Math.round(v * 100) / 100;
}
