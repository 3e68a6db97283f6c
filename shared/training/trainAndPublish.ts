import type { ForecastConfig } from '../config/ForecastConfig';
import { EXPORTER_INFO } from '../models/gbdt/EXPORTER_INFO';
import { exportGbdtOnnx } from '../models/gbdt/exportGbdtOnnx';
import type { GbdtOptions } from '../models/gbdt/GbdtOptions';
import { predictGbdtMulti } from '../models/gbdt/predictGbdtMulti';
import { trainGbdt } from '../models/gbdt/trainGbdt';
import { exportLinearOnnx } from '../models/linear/exportLinearOnnx';
import { predictLinearMulti } from '../models/linear/predictLinearMulti';
import type { RidgeOptions } from '../models/linear/RidgeOptions';
import { trainRidge } from '../models/linear/trainRidge';
import type { ModelRuntime } from '../models/ModelRuntime';
import type { CardModel, ModelCard } from '../registry/ModelCard';
import { ModelRegistry } from '../registry/ModelRegistry';
import type { BlobStore } from '../storage/BlobStore';
import type { Clock } from '../time/Clock';
import { addMinutes, floorToSlot } from '../time/slots';
import { buildDataset } from './buildDataset';
import type { Dataset } from './Dataset';
import type { HistoryRecord } from './HistoryRecord';
import { featureSpecFor } from './featureSpecFor';
import { leadMetrics, meanRmse } from './leadMetrics';
import { readHistory } from './readHistory';
import { column, type Rows, rowsByKeys, rowsWhere } from './rowsWhere';
import { sourceSetName, sourceSets } from './sourceSets';
import { TrainingDataError } from './TrainingDataError';

/** Options of a training run. */
export interface TrainOptions {
  /** Days of history used, ending at the newest issue slot whose targets have been observed. */
  historyDays: number;
  /** The most recent share of that window, held out for evaluation and the champion comparison. */
  heldOutFraction: number;
  /** `all`: one model on every source; `every-subset`: one per non-empty subset of sources plus a baseline on none. */
  sourceSets: 'all' | 'every-subset';
  /** Model families trained for each source set. */
  kinds: readonly ('gbdt' | 'linear')[];
  gbdt: Partial<GbdtOptions>;
  ridge: Partial<RidgeOptions>;
  /** Recorded in the card: which code trained the models. */
  codeVersion: string;
  /** Fewest training rows a model needs. */
  minTrainingRows: number;
}

export const DEFAULT_TRAIN_OPTIONS: TrainOptions = {
  historyDays: 28,
  heldOutFraction: 0.25,
  sourceSets: 'every-subset',
  kinds: ['gbdt', 'linear'],
  gbdt: {},
  ridge: { alpha: 1 },
  codeVersion: 'unknown',
  minTrainingRows: 200,
};

export interface TrainDeps {
  config: ForecastConfig;
  blobs: BlobStore;
  clock: Clock;
  runtime: ModelRuntime;
  registry: ModelRegistry;
  /** Progress of the run: a step name, steps done, steps in all. */
  onProgress?: (step: string, done: number, total: number) => void;
}

export interface TrainReport {
  card: ModelCard;
  promoted: boolean;
  /** Why it was or was not promoted. */
  reason: string;
}

/** Exported ONNX must compute what the trained model computes (relative tolerance). */
const PARITY_TOLERANCE = 1e-4;
const MINUTE_MS = 60_000;

/**
 * Trains a registry version from what ingestion stored: datasets built only from what was available at each
 * issueTime, a model per source set and family, evaluated on a held-out window that follows the training window,
 * exported to ONNX (checked against the TypeScript model), published, and promoted only if its serving model beats
 * the champion's on every lead over the same held-out rows.
 */
export async function trainAndPublish(deps: TrainDeps, options: Partial<TrainOptions> = {}): Promise<TrainReport> {
  const o = { ...DEFAULT_TRAIN_OPTIONS, ...options };
  const { config } = deps;
  const cadence = config.forecast.cadenceMinutes;
  const leads = config.forecast.leadsMinutes;
  const maxLead = Math.max(...leads);
  const now = deps.clock.now();
  // Targets arrive 20-40 minutes after they are observed; leave an hour so the last slots have theirs.
  const to = floorToSlot(addMinutes(now, -maxLead - 60), cadence);
  const from = floorToSlot(addMinutes(to, -o.historyDays * 1440), cadence);
  const heldOutFrom = floorToSlot(new Date(from.getTime() + (1 - o.heldOutFraction) * (to.getTime() - from.getTime())), cadence);
  const sources = config.sources.map((s) => s.id);
  const sets = o.sourceSets === 'all' ? [sources] : sourceSets(sources);
  const jobs = sets.length * o.kinds.length;
  const total = config.sites.length * config.sources.length + jobs + 2;
  let done = 0;
  const step = (name: string): void => deps.onProgress?.(name, ++done, total);

  // History of every source at every site, read once; a day before `from` so the first slots have inputs.
  const history = new Map<string, Map<string, HistoryRecord[]>>();
  for (const site of config.sites) {
    const perSource = new Map<string, HistoryRecord[]>();
    for (const source of config.sources) {
      const h = await readHistory(deps.blobs, source, site.id, addMinutes(from, -1440), addMinutes(to, maxLead + 10));
      perSource.set(source.id, h.records);
      step(`read ${source.id}/${site.id} (${h.records.length} observations)`);
    }
    history.set(site.id, perSource);
  }

  const limits = Object.fromEntries(config.sources.map((s) => [s.id, s.stalenessLimitMinutes]));
  const trained: { card: CardModel; bytes: Uint8Array; heldOut: Rows; predictions: Float32Array; trainingRows: number }[] = [];
  const skipped: { id: string; reason: string }[] = [];
  for (const set of sets) {
    const name = sourceSetName(set, sources);
    const parts = config.sites.map((site) => ({
      site: site.id,
      dataset: buildDataset({
        spec: featureSpecFor(config, site.id, set),
        target: config.target,
        history: history.get(site.id) as Map<string, HistoryRecord[]>,
        from,
        to,
        cadenceMinutes: cadence,
        // A model learns only from slots where live prediction could have chosen it (its sources fresh).
        stalenessLimitMinutes: limits,
      }),
    }));
    const featureNames = (parts[0]?.dataset as Dataset).featureNames;
    // Purge: a training row's targets must be observed before the held-out window starts.
    const training = rowsWhere(parts, (t) => t + maxLead * MINUTE_MS < heldOutFrom.getTime());
    const heldOut = rowsWhere(parts, (t) => t >= heldOutFrom.getTime());
    for (const kind of o.kinds) {
      const id = `${kind}-${name}`;
      step(`train ${id}`);
      const rows = training.keys.length;
      if (rows < o.minTrainingRows || heldOut.keys.length === 0) {
        skipped.push({ id, reason: `only ${rows} training and ${heldOut.keys.length} held-out rows` });
        continue;
      }
      const meta = { modelId: id, kind, featureNames, leadsMinutes: [...leads], extra: { sources: JSON.stringify(set) } };
      let bytes: Uint8Array;
      let predictions: Float32Array;
      if (kind === 'gbdt') {
        const perLead = leads.map((_, l) => trainGbdt(training.X, column(training.Y, leads.length, l), rows, training.cols, o.gbdt));
        bytes = exportGbdtOnnx(perLead, meta);
        predictions = predictGbdtMulti(perLead, heldOut.X, heldOut.keys.length);
      } else {
        const perLead = leads.map((_, l) => trainRidge(training.X, column(training.Y, leads.length, l), rows, training.cols, o.ridge));
        bytes = exportLinearOnnx(perLead, meta);
        predictions = predictLinearMulti(perLead, heldOut.X, heldOut.keys.length);
      }
      await checkParity(deps.runtime, id, bytes, heldOut, predictions);
      const card: CardModel = {
        id,
        kind,
        file: `${id}.onnx`,
        sources: set,
        inputs: featureNames,
        heldOut: { perLead: [], meanRmse: Number.NaN },
        sha256: ModelRegistry.sha256(bytes),
      };
      trained.push({ card, bytes, heldOut, predictions, trainingRows: rows });
    }
  }
  if (trained.length === 0) {
    throw new TrainingDataError('MISSING_HISTORY', `no model could be trained from ${from.toISOString()} to ${to.toISOString()}: ${skipped.map((s) => `${s.id}: ${s.reason}`).join('; ')}`);
  }

  // Every model is scored on the same held-out rows: those every trained model has (where all its sources were fresh).
  const common = trained.reduce<string[]>((keys, t) => {
    const have = new Set(t.heldOut.keys);
    return keys.filter((k) => have.has(k));
  }, trained[0]?.heldOut.keys ?? []);
  for (const t of trained) {
    const index = new Map(t.heldOut.keys.map((k, i) => [k, i]));
    const evalRows = rowsByKeys(t.heldOut, common);
    const preds = new Float32Array(common.length * leads.length);
    common.forEach((k, i) => preds.set(t.predictions.subarray((index.get(k) as number) * leads.length, ((index.get(k) as number) + 1) * leads.length), i * leads.length));
    t.card.heldOut.perLead = leadMetrics(preds, evalRows, leads);
    t.card.heldOut.meanRmse = meanRmse(t.card.heldOut.perLead);
  }

  // A model that does no better than one on a subset of its own sources is never chosen: leave it out.
  const ranked = [...trained].sort((a, b) => a.card.heldOut.meanRmse - b.card.heldOut.meanRmse || a.card.sources.length - b.card.sources.length);
  const kept: typeof trained = [];
  const pruned: ModelCard['pruned'] = [...skipped];
  for (const t of ranked) {
    const better = kept.find((k) => k.card.sources.every((s) => t.card.sources.includes(s)));
    if (better) pruned.push({ id: t.card.id, reason: `${better.card.id} needs a subset of its sources and scores as well or better (mean RMSE ${better.card.heldOut.meanRmse} <= ${t.card.heldOut.meanRmse})` });
    else kept.push(t);
  }
  const serving = kept[0] as (typeof kept)[number];

  step('compare with the champion');
  const comparison = await compareWithChampion(deps, serving, common, history, from, to, heldOutFrom, limits);
  const createdAt = deps.clock.now();
  const cardBase = {
    createdAt: createdAt.toISOString(),
    codeVersion: o.codeVersion,
    exporter: { name: EXPORTER_INFO.name, version: EXPORTER_INFO.version, opset: { ...EXPORTER_INFO.opset } },
    target: { ...config.target },
    leadsMinutes: [...leads],
    cadenceMinutes: cadence,
    sites: config.sites.map((s) => s.id),
    trainingWindow: { from: from.toISOString(), to: heldOutFrom.toISOString(), rows: Math.max(...trained.map((t) => t.trainingRows)) },
    heldOutWindow: { from: heldOutFrom.toISOString(), to: to.toISOString(), rows: common.length },
    models: kept.map((k) => k.card),
    serving: serving.card.id,
    pruned,
    comparison,
  };
  const version = ModelRegistry.versionId(createdAt, JSON.stringify(cardBase));
  const card: ModelCard = { version, ...cardBase };
  await deps.registry.publish(card, new Map(kept.map((k) => [k.card.file, k.bytes])));
  step('publish');

  let promoted = false;
  let reason: string;
  if (comparison.champion === null) {
    reason = 'no champion yet';
    promoted = true;
  } else if (comparison.championRmse === null) {
    reason = `the champion ${comparison.champion} cannot be scored on this configuration's inputs`;
    promoted = true;
  } else if (comparison.beatsChampion) {
    reason = `beats ${comparison.champion} on every lead (RMSE ${comparison.candidateRmse.join(', ')} vs ${comparison.championRmse.join(', ')})`;
    promoted = true;
  } else {
    reason = `does not beat ${comparison.champion} on every lead (RMSE ${comparison.candidateRmse.join(', ')} vs ${comparison.championRmse.join(', ')})`;
  }
  if (promoted) await deps.registry.promote(version, reason);
  return { card, promoted, reason };
}

async function checkParity(runtime: ModelRuntime, id: string, bytes: Uint8Array, rows: Rows, expected: Float32Array): Promise<void> {
  const loaded = await runtime.load(bytes);
  try {
    const got = await loaded.predict(rows.X, rows.keys.length);
    for (let i = 0; i < expected.length; i++) {
      const e = expected[i] as number;
      if (Math.abs((got[i] as number) - e) > PARITY_TOLERANCE * Math.max(1, Math.abs(e))) {
        throw new Error(`exported ONNX of ${id} disagrees with the trained model at value ${i}: ${got[i]} vs ${e}; not published`);
      }
    }
  } finally {
    await loaded.release();
  }
}

/** The champion's serving model and the candidate's, on the same held-out rows. */
async function compareWithChampion(
  deps: TrainDeps,
  candidate: { card: CardModel; heldOut: Rows; predictions: Float32Array },
  common: readonly string[],
  history: Map<string, Map<string, HistoryRecord[]>>,
  from: Date,
  to: Date,
  heldOutFrom: Date,
  limits: Record<string, number>,
): Promise<NonNullable<ModelCard['comparison']>> {
  const { config } = deps;
  const leads = config.forecast.leadsMinutes;
  const pointer = (await deps.registry.champion())?.pointer;
  const candidateOn = (keys: readonly string[]): number[] => {
    const index = new Map(candidate.heldOut.keys.map((k, i) => [k, i]));
    const preds = new Float32Array(keys.length * leads.length);
    keys.forEach((k, i) => preds.set(candidate.predictions.subarray((index.get(k) as number) * leads.length, ((index.get(k) as number) + 1) * leads.length), i * leads.length));
    return leadMetrics(preds, rowsByKeys(candidate.heldOut, keys), leads).map((m) => m.rmse);
  };
  if (!pointer) return { champion: null, candidateRmse: candidateOn(common), championRmse: null, beatsChampion: true };
  const champCard = await deps.registry.card(pointer.version);
  const champModel = champCard?.models.find((m) => m.id === champCard.serving);
  if (!champCard || !champModel || JSON.stringify(champCard.leadsMinutes) !== JSON.stringify(leads)) {
    return { champion: pointer.version, candidateRmse: candidateOn(common), championRmse: null, beatsChampion: true };
  }
  const parts = config.sites.map((site) => ({
    site: site.id,
    dataset: buildDataset({ spec: featureSpecFor(config, site.id, champModel.sources), target: config.target, history: history.get(site.id) as Map<string, HistoryRecord[]>, from, to, cadenceMinutes: config.forecast.cadenceMinutes, stalenessLimitMinutes: limits }),
  }));
  if (JSON.stringify(parts[0]?.dataset.featureNames) !== JSON.stringify(champModel.inputs)) {
    return { champion: pointer.version, candidateRmse: candidateOn(common), championRmse: null, beatsChampion: true };
  }
  const champRows = rowsWhere(parts, (t) => t >= heldOutFrom.getTime());
  const have = new Set(champRows.keys);
  const keys = candidate.heldOut.keys.filter((k) => have.has(k));
  const evalRows = rowsByKeys(champRows, keys);
  const loaded = await deps.runtime.load(await deps.registry.modelBytes(champCard, champModel.id));
  try {
    const preds = await loaded.predict(evalRows.X, keys.length);
    const championRmse = leadMetrics(preds, evalRows, leads).map((m) => m.rmse);
    const candidateRmse = candidateOn(keys);
    return { champion: pointer.version, candidateRmse, championRmse, beatsChampion: candidateRmse.every((r, i) => r < (championRmse[i] as number)) };
  } finally {
    await loaded.release();
  }
}
