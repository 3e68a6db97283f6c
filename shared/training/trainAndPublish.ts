import type { ForecastConfig } from '../config/ForecastConfig';
import { EXPORTER_INFO } from '../models/gbdt/EXPORTER_INFO';
import type { ModelRuntime } from '../models/ModelRuntime';
import type { CardModel, ModelCard } from '../registry/ModelCard';
import { ModelRegistry } from '../registry/ModelRegistry';
import type { BlobStore } from '../storage/BlobStore';
import type { Clock } from '../time/Clock';
import { addMinutes, floorToSlot } from '../time/slots';
import { buildDataset } from './buildDataset';
import type { HistoryRecord } from '../features/HistoryRecord';
import { featureSpecFor } from '../features/featureSpecFor';
import { withFeatureInputs } from '../features/FeatureSpec';
import { stalenessLimitsFor } from './stalenessLimitsFor';
import { leadMetrics } from './leadMetrics';
import { promotionDecision } from './promotionDecision';
import { readHistory } from './readHistory';
import { ObservationBatchReader } from '../sources/ObservationBatchReader';
import { type Rows, rowsByKeys, rowsWhere } from './rowsWhere';
import { sourceSets } from './sourceSets';
import { DEFAULT_TRAIN_OPTIONS, modelsPerSet, type TrainOptions, trainModels } from './trainModels';

export { DEFAULT_TRAIN_OPTIONS, type TrainOptions } from './trainModels';

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

/**
 * Trains a registry version from what ingestion stored: reads the history from blobs, trains with trainModels
 * (datasets built only from what was available at each issueTime, a model per source set and family, evaluated on a
 * held-out window that follows the training window, exported to ONNX and checked against the TypeScript model),
 * publishes, and promotes only if its serving model beats the champion's on every lead over the same held-out rows.
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
  const earliest = floorToSlot(addMinutes(to, -o.historyDays * 1440), cadence);
  const sources = config.sources.map((s) => s.id);
  const sets = o.sourceSets === 'all' ? [sources] : sourceSets(sources);
  const jobs = sets.length * modelsPerSet(o);
  const total = config.sites.length * config.sources.length + jobs + 2;
  let done = 0;
  const step = (name: string): void => deps.onProgress?.(name, ++done, total);

  // History of every source at every site, read once; a day before `from` so the first slots have inputs.
  const history = new Map<string, Map<string, HistoryRecord[]>>();
  // Each batch blob holds every site's records: read once for the run, not once per site.
  const batches = new ObservationBatchReader(deps.blobs);
  for (const site of config.sites) {
    const perSource = new Map<string, HistoryRecord[]>();
    for (const source of config.sources) {
      const h = await readHistory(
        deps.blobs,
        source,
        site.id,
        addMinutes(earliest, -1440),
        addMinutes(to, maxLead + 10),
        { batches },
      );
      perSource.set(source.id, h.records);
      step(`read ${source.id}/${site.id} (${h.records.length} observations)`);
    }
    history.set(site.id, perSource);
  }

  // The window starts where the target's history does (a 14-day backfill is not 28 days), so the held-out share
  // is a share of the data and the card's window is one the data covers.
  const from = windowStart(history, config.target.source, earliest, to, cadence);
  const heldOutFrom = floorToSlot(
    new Date(from.getTime() + (1 - o.heldOutFraction) * (to.getTime() - from.getTime())),
    cadence,
  );
  const limits = stalenessLimitsFor(config, history);
  const { trained, kept, serving, pruned, common, baselineExpectedError } = await trainModels(
    config,
    history,
    { from, to, heldOutFrom },
    o,
    deps.runtime,
    step,
  );

  step('compare with the champion');
  const comparison = await compareWithChampion(deps, serving, common, history, from, to, heldOutFrom, limits);
  const decision = promotionDecision(serving, comparison, o.minHeldOutRows);
  const createdAt = deps.clock.now();
  const cardBase = {
    createdAt: createdAt.toISOString(),
    codeVersion: o.codeVersion,
    exporter: { name: EXPORTER_INFO.name, version: EXPORTER_INFO.version, opset: { ...EXPORTER_INFO.opset } },
    target: { ...config.target },
    leadsMinutes: [...leads],
    cadenceMinutes: cadence,
    sites: config.sites.map((s) => s.id),
    trainingWindow: {
      from: from.toISOString(),
      to: heldOutFrom.toISOString(),
      rows: Math.max(...trained.map((t) => t.trainingRows)),
    },
    heldOutWindow: { from: heldOutFrom.toISOString(), to: to.toISOString(), rows: common.length },
    models: kept.map((k) => k.card),
    ...(Object.keys(baselineExpectedError).length > 0 ? { baselineExpectedError } : {}),
    serving: serving.card.id,
    pruned,
    comparison,
    decision,
  };
  const version = ModelRegistry.versionId(createdAt, JSON.stringify(cardBase));
  const card: ModelCard = { version, ...cardBase };
  await deps.registry.publish(card, new Map(kept.map((k) => [k.card.file, k.bytes])));
  step('publish');

  const { promoted, reason } = decision;
  if (promoted) await deps.registry.promote(version, reason);
  return { card, promoted, reason };
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
    keys.forEach((k, i) =>
      preds.set(
        candidate.predictions.subarray(
          (index.get(k) as number) * leads.length,
          ((index.get(k) as number) + 1) * leads.length,
        ),
        i * leads.length,
      ),
    );
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
    dataset: buildDataset({
      spec: withFeatureInputs(featureSpecFor(config, site.id, champModel.sources), champModel.featureInputs),
      target: config.target,
      history: history.get(site.id) as Map<string, HistoryRecord[]>,
      from,
      to,
      cadenceMinutes: config.forecast.cadenceMinutes,
      stalenessLimitMinutes: limits,
    }),
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
    return {
      champion: pointer.version,
      candidateRmse,
      championRmse,
      beatsChampion: candidateRmse.every((r, i) => r < (championRmse[i] as number)),
    };
  } finally {
    await loaded.release();
  }
}

/** The first issue slot, no earlier than `earliest`, at which the target had been available at some site. */
function windowStart(
  history: Map<string, Map<string, HistoryRecord[]>>,
  target: string,
  earliest: Date,
  to: Date,
  cadence: number,
): Date {
  let first = Infinity;
  for (const perSource of history.values())
    for (const r of perSource.get(target) ?? []) first = Math.min(first, r.availableAt);
  if (!Number.isFinite(first) || first <= earliest.getTime()) return earliest;
  const slot = floorToSlot(new Date(first), cadence);
  const start = slot.getTime() < first ? addMinutes(slot, cadence) : slot;
  return start < to ? start : earliest;
}
