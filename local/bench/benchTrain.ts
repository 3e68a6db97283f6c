import { performance } from 'node:perf_hooks';
import type { ForecastConfig } from '../../shared/config/ForecastConfig';
import { OnnxModelRuntime } from '../../shared/models/OnnxModelRuntime';
import { ModelRegistry } from '../../shared/registry/ModelRegistry';
import { type BlobStore, CONTAINERS } from '../../shared/storage/BlobStore';
import { sourceSets } from '../../shared/training/sourceSets';
import { DEFAULT_TRAIN_OPTIONS, type TrainReport, trainAndPublish } from '../../shared/training/trainAndPublish';
import type { BenchOptions } from './BenchOptions';
import type { TrainingFigures } from './BenchReport';

/** trainModels' message when an exported model does not compute what the trained one does. */
const PARITY_FAILURE = /^exported ONNX of (gbdt|linear)-\S+ disagrees with the trained model/;

/**
 * Times trainAndPublish with the default training options over the stored history, as `npm run train` runs it
 * at the end of the history; its progress steps split the time into reading, training and publishing. When one
 * family's ONNX export fails the parity check (the run then publishes nothing), that family is left out, the note
 * says so, and the rest is trained again: the later phases need a champion.
 */
export async function benchTrain(blobs: BlobStore, config: ForecastConfig, options: BenchOptions, log: (line: string) => void): Promise<TrainingFigures> {
  const clock = { now: () => new Date(options.end) };
  const registry = new ModelRegistry(blobs, clock);
  const runtime = new OnnxModelRuntime();
  const notes: string[] = [];
  let kinds = [...DEFAULT_TRAIN_OPTIONS.kinds];
  for (;;) {
    const marks = { start: performance.now(), lastRead: 0, compare: 0 };
    let report: TrainReport;
    try {
      report = await trainAndPublish(
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
    } catch (err) {
      const family = err instanceof Error ? PARITY_FAILURE.exec(err.message)?.[1] : undefined;
      if (family === undefined || kinds.length < 2) throw err;
      const seconds = (performance.now() - marks.start) / 1000;
      kinds = kinds.filter((k) => k !== family);
      notes.push(`trainAndPublish with the default families failed after ${seconds.toFixed(1)} s and published nothing: ${(err as Error).message}. The figures are of a second run with ${kinds.join('+')} only.`);
      log(`WARNING ${family} export failed its parity check; training ${kinds.join('+')} only`);
      continue;
    }
    const end = performance.now();
    const { card } = report;
    let bundleBytes = 0;
    for await (const item of blobs.list(CONTAINERS.models, `versions/${card.version}/`)) if (!item.name.endsWith('card.json')) bundleBytes += item.size;
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
      notes,
    };
  }
}

function round(v: number): number {
  return Math.round(v * 100) / 100;
}
