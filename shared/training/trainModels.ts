import { outputLimitsFor } from '../features/outputLimitsFor';
import { applyOutputLimits, applyOutputScale } from '../models/limits/applyOutputLimits';
import { type OutputScale, toScaledTarget } from '../models/limits/OutputScale';
import { clearSkyAtLeadName } from '../features/featureNames';
import type { ForecastConfig } from '../config/ForecastConfig';
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
import { agedDataset, DEFAULT_OUTAGE_AGING, type OutageAgingOptions } from './agedDataset';
import { buildDataset } from './buildDataset';
import { expectedErrorTable } from './expectedErrorTable';
import { expectedRmseAt } from '../registry/expectedRmseAt';
import type { ExpectedErrorTable } from '../registry/ExpectedErrorTable';
import { rmse } from '../models/metrics/rmse';
import { heldOutIntervals } from './heldOutIntervals';
import type { Dataset } from './Dataset';
import type { HistoryRecord } from '../features/HistoryRecord';
import { featureSpecFor } from '../features/featureSpecFor';
import { featureInputsOf } from '../features/FeatureSpec';
import { stalenessLimitsFor } from './stalenessLimitsFor';
import { leadMetrics, meanRmse } from './leadMetrics';
import { column, type Rows, rowsByKeys, rowsWhere } from './rowsWhere';
import { sourceSetName, sourceSets } from './sourceSets';
import { TrainingDataError } from './TrainingDataError';
import { roundSignificant } from '../util/significant';

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
  /**
   * Fewest held-out rows with a non-zero target at some lead (daylight rows, for a solar target) a promotion is
   * judged on; with fewer the version is published, not promoted.
   */
  minHeldOutRows: number;
  /**
   * Synthetic outages that age training and held-out rows (their inputs as old as an outage makes them), so models
   * learn stale inputs and the card measures each model's error by the age of its inputs; null: fresh rows only
   * (no expected-error tables: the chooser keeps the freshness-first rule).
   */
  outageAging: OutageAgingOptions | null;
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
  minHeldOutRows: 72,
  outageAging: DEFAULT_OUTAGE_AGING,
};

/** Issue slots trained on ([from, heldOutFrom), purged) and held out ([heldOutFrom, to]). */
export interface TrainingWindow {
  from: Date;
  to: Date;
  heldOutFrom: Date;
}

/** One trained model: its card entry (held-out metrics filled in), its ONNX bytes and its held-out predictions. */
export interface TrainedModel {
  card: CardModel;
  bytes: Uint8Array;
  /** The held-out rows of its own source set (slots where its sources were fresh). */
  heldOut: Rows;
  /** The TypeScript model's forecasts on `heldOut`, row-major N×L. */
  predictions: Float32Array;
  trainingRows: number;
  /** Its held-out rows aged by synthetic outages, and its forecasts on them (empty without outage aging). */
  aged: Rows;
  agedPredictions: Float32Array;
}

/** What trainModels produced. */
export interface TrainedModels {
  /** Every model trained, in training order, scored on the common held-out rows. */
  trained: TrainedModel[];
  /** The models worth serving, best held-out mean RMSE first (the card's models). */
  kept: TrainedModel[];
  /** The best of them: the model to serve when all its sources are fresh. */
  serving: TrainedModel;
  /** Models skipped (too few rows) or pruned (a model on a subset of their sources scores as well), with the reason. */
  pruned: ModelCard['pruned'];
  /** Held-out row keys (`<site>|<issueTime ms>`) every trained model has: the rows all are scored on. */
  common: string[];
  /** The baselines' expected error by the age of the target (`persistence`, `smart-persistence`); empty without aging. */
  baselineExpectedError: Record<string, ExpectedErrorTable>;
}

/** Exported ONNX must compute what the trained model computes (relative tolerance). */
const PARITY_TOLERANCE = 1e-4;
const MINUTE_MS = 60_000;

/**
 * Trains the models of one registry version from history in memory: datasets built only from what was available
 * at each issueTime, a model per source set and family trained on the window before `heldOutFrom` (rows whose
 * targets fall into the held-out window purged), exported to ONNX and checked against the TypeScript model, scored
 * on the held-out rows they all share, and pruned when a model on a subset of their sources does as well.
 * `history` maps site id -> source id -> records (availableAt already the effective one).
 */
export async function trainModels(
  config: ForecastConfig,
  history: ReadonlyMap<string, ReadonlyMap<string, readonly HistoryRecord[]>>,
  window: TrainingWindow,
  options: TrainOptions,
  runtime: ModelRuntime,
  onStep?: (step: string) => void,
): Promise<TrainedModels> {
  const o = options;
  const { from, to, heldOutFrom } = window;
  const cadence = config.forecast.cadenceMinutes;
  const leads = config.forecast.leadsMinutes;
  const maxLead = Math.max(...leads);
  const sources = config.sources.map((s) => s.id);
  const sets = o.sourceSets === 'all' ? [sources] : sourceSets(sources);
  const limits = stalenessLimitsFor(config, history);
  const scale = config.target.solar ? clearSkyIndexScale(leads) : undefined;

  const trained: TrainedModel[] = [];
  const skipped: { id: string; reason: string }[] = [];
  for (const set of sets) {
    const name = sourceSetName(set, sources);
    const parts = config.sites.map((site) => ({
      site: site.id,
      dataset: buildDataset({
        spec: featureSpecFor(config, site.id, set),
        target: config.target,
        history: historyOf(history, site.id),
        from,
        to,
        cadenceMinutes: cadence,
        // A model learns only from slots where live prediction could have chosen it (its sources fresh).
        stalenessLimitMinutes: limits,
      }),
    }));
    const featureNames = (parts[0]?.dataset as Dataset).featureNames;
    // The card keeps the history and derived inputs, so the model serves with these columns whatever comes later.
    const featureInputs = featureInputsOf(featureSpecFor(config, config.sites[0]?.id ?? '', set));
    // Purge: a training row's targets must be observed before the held-out window starts.
    const beforeHeldOut = (t: number): boolean => t + maxLead * MINUTE_MS < heldOutFrom.getTime();
    const agedParts = agedPartsOf(config, history, set, window, limits, o.outageAging);
    const fresh = rowsWhere(parts, beforeHeldOut);
    // Fresh rows and, when aging, the same model's rows with inputs aged by synthetic outages.
    const trainingRows = agedParts.length > 0 ? concatRows(fresh, rowsWhere(agedParts, beforeHeldOut)) : fresh;
    const heldOut = rowsWhere(parts, (t) => t >= heldOutFrom.getTime());
    const agedHeldOut = rowsWhere(
      agedParts.length > 0 ? agedParts : parts,
      (t) => agedParts.length > 0 && t >= heldOutFrom.getTime(),
    );
    // Every kind trains on fresh rows, as before; with outage aging a tree model is also trained on the fresh and
    // the aged rows together (`gbdt-aged-...`), a second candidate. Mixing the regimes in one model cost accuracy
    // when everything is fresh; as two candidates, the expected-error tables choose between them at each slot's ages.
    // (A ridge model can only average the two regimes: no aged variant.)
    const variants = modelVariants(o).filter((v) => !v.aged || agedParts.length > 0);
    for (const { kind, aged } of variants) {
      const id = aged ? `${kind}-aged-${name}` : `${kind}-${name}`;
      const training = aged ? trainingRows : fresh;
      onStep?.(`train ${id}`);
      const rows = fresh.keys.length;
      if (rows < o.minTrainingRows || heldOut.keys.length === 0) {
        skipped.push({ id, reason: `only ${rows} training and ${heldOut.keys.length} held-out rows` });
        continue;
      }
      // A solar target is learned both as its value and as the clear-sky index; the held-out rows pick one.
      const fits = [undefined, ...(scale ? [scale] : [])].map((variant) => {
        const meta = {
          modelId: id,
          kind,
          featureNames,
          leadsMinutes: [...leads],
          limits: outputLimitsFor(config.target, leads),
          ...(variant ? { scale: variant } : {}),
          extra: { sources: JSON.stringify(set) },
        };
        const Y = variant ? scaledTargets(training, featureNames, variant) : training.Y;
        let bytes: Uint8Array;
        let predict: (X: Float32Array, n: number) => Float32Array;
        const n = training.keys.length;
        if (kind === 'gbdt') {
          const perLead = leads.map((_, l) =>
            trainGbdt(training.X, column(Y, leads.length, l), n, training.cols, o.gbdt),
          );
          bytes = exportGbdtOnnx(perLead, meta);
          predict = (X, m) => predictGbdtMulti(perLead, X, m);
        } else {
          const perLead = leads.map((_, l) =>
            trainRidge(training.X, column(Y, leads.length, l), n, training.cols, o.ridge),
          );
          bytes = exportLinearOnnx(perLead, meta);
          predict = (X, m) => predictLinearMulti(perLead, X, m);
        }
        // The graph scales the index back and holds every forecast to the target's physical limits; so does this.
        const served = (rowsOf: Rows): Float32Array => {
          const p = predict(rowsOf.X, rowsOf.keys.length);
          applyOutputScale(p, rowsOf.X, featureNames, leads.length, meta.scale);
          return p;
        };
        const predictions = served(heldOut);
        const limited = applyOutputLimits(predictions, heldOut.X, featureNames, leads.length, meta.limits);
        const agedPredictions = served(agedHeldOut);
        applyOutputLimits(agedPredictions, agedHeldOut.X, featureNames, leads.length, meta.limits);
        return {
          bytes,
          predictions,
          agedPredictions,
          limited,
          learns: variant ? ('clear-sky index' as const) : ('value' as const),
        };
      });
      const { bytes, predictions, agedPredictions, limited, learns } = fits.reduce((a, b) =>
        squaredError(b.predictions, heldOut.Y) < squaredError(a.predictions, heldOut.Y) ? b : a,
      );
      // An export that does not compute what was trained is never published; the other models still are.
      const disagreement = await checkParity(runtime, id, bytes, heldOut, predictions);
      if (disagreement) {
        onStep?.(`WARNING ${disagreement}`);
        skipped.push({ id, reason: disagreement });
        continue;
      }
      const card: CardModel = {
        id,
        kind,
        file: `${id}.onnx`,
        sources: set,
        inputs: featureNames,
        featureInputs,
        heldOut: { perLead: [], meanRmse: Number.NaN },
        learns,
        limited,
        sha256: ModelRegistry.sha256(bytes),
      };
      // Calibrated on the forecasts as served (held to the limits), on the model's own held-out rows.
      const intervals = heldOutIntervals(config, heldOut, predictions);
      if (intervals) card.intervals = intervals;
      trained.push({
        card,
        bytes,
        heldOut,
        predictions,
        trainingRows: rows,
        aged: agedHeldOut,
        agedPredictions,
      });
    }
  }
  if (trained.length === 0) {
    throw new TrainingDataError(
      'MISSING_HISTORY',
      `no model could be trained from ${from.toISOString()} to ${to.toISOString()}: ${skipped.map((s) => `${s.id}: ${s.reason}`).join('; ')}`,
    );
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
    common.forEach((k, i) =>
      preds.set(
        t.predictions.subarray((index.get(k) as number) * leads.length, ((index.get(k) as number) + 1) * leads.length),
        i * leads.length,
      ),
    );
    t.card.heldOut.perLead = leadMetrics(preds, evalRows, leads);
    t.card.heldOut.meanRmse = meanRmse(t.card.heldOut.perLead);
    if (o.outageAging)
      t.card.expectedError = expectedErrorTable({
        fresh: { rmse: t.card.heldOut.perLead.map((m) => m.rmse), n: common.length },
        aged: t.aged,
        predictions: t.agedPredictions,
        freshRows: t.heldOut,
        freshPredictions: t.predictions,
        featureNames: t.card.inputs,
        sources: t.card.sources,
        limits,
      });
  }
  const baselineExpectedError = o.outageAging
    ? baselineTables(
        config,
        history,
        window,
        limits,
        o.outageAging,
        rowsByKeys((trained[0] as TrainedModel).heldOut, common),
      )
    : {};

  // A model that does no better than one on a subset of its own sources is never chosen: leave it out. Mean RMSEs
  // equal to RANKING_DIGITS significant digits tie (a smaller difference is noise, whatever the target's magnitude),
  // and the model with fewer sources ranks first.
  const rank = (t: TrainedModel): number => roundSignificant(t.card.heldOut.meanRmse, RANKING_DIGITS);
  const ranked = [...trained].sort((a, b) => rank(a) - rank(b) || a.card.sources.length - b.card.sources.length);
  const kept: TrainedModel[] = [];
  const pruned: ModelCard['pruned'] = [...skipped];
  for (const t of ranked) {
    const better = kept.find(
      (k) =>
        k.card.sources.every((s) => t.card.sources.includes(s)) &&
        dominates(k.card.expectedError, t.card.expectedError),
    );
    if (better)
      pruned.push({
        id: t.card.id,
        reason: `${better.card.id} needs a subset of its sources and scores as well or better (mean RMSE ${rank(better)} <= ${rank(t)} to ${RANKING_DIGITS} significant digits)`,
      });
    else kept.push(t);
  }
  return { trained, kept, serving: kept[0] as TrainedModel, pruned, common, baselineExpectedError };
}

/** Per site, the rows of a source set aged by synthetic outages (none without aging). */
function agedPartsOf(
  config: ForecastConfig,
  history: ReadonlyMap<string, ReadonlyMap<string, readonly HistoryRecord[]>>,
  set: readonly string[],
  window: TrainingWindow,
  limits: Readonly<Record<string, number>>,
  aging: OutageAgingOptions | null,
): { site: string; dataset: Dataset }[] {
  if (!aging) return [];
  return config.sites.map((site) => ({
    site: site.id,
    dataset: agedDataset({
      spec: featureSpecFor(config, site.id, set),
      target: config.target,
      history: historyOf(history, site.id),
      from: window.from,
      to: window.to,
      cadenceMinutes: config.forecast.cadenceMinutes,
      stalenessLimitMinutes: limits,
      site: site.id,
      aging,
      allSources: config.sources.map((s) => s.id),
    }),
  }));
}

/**
 * Persistence's and smart persistence's expected error by the age of the newest target value: fresh on the rows every
 * model is scored on (`common`), older bands on held-out rows whose target was aged by synthetic outages.
 */
function baselineTables(
  config: ForecastConfig,
  history: ReadonlyMap<string, ReadonlyMap<string, readonly HistoryRecord[]>>,
  window: TrainingWindow,
  limits: Readonly<Record<string, number>>,
  aging: OutageAgingOptions,
  common: Rows,
): Record<string, ExpectedErrorTable> {
  const target = config.target.source;
  // The same simulated outages as the trained models' rows: the figures compare slot for slot.
  const parts = agedPartsOf(config, history, [target], window, limits, aging);
  const aged = rowsWhere(parts, (t) => t >= window.heldOutFrom.getTime());
  const names = (parts[0]?.dataset as Dataset).featureNames;
  const L = config.forecast.leadsMinutes.length;
  const perLead = (p: Float32Array, rows: Rows): number[] =>
    Array.from({ length: L }, (_, l) => rmse(column(p, L, l), column(rows.Y, L, l)).value);
  const repeated = (rows: Rows): Float32Array => {
    const out = new Float32Array(rows.keys.length * L);
    rows.persistence.forEach((v, i) => out.fill(v, i * L, (i + 1) * L));
    return out;
  };
  const table = (fresh: Float32Array, old: Float32Array): ExpectedErrorTable =>
    expectedErrorTable({
      fresh: { rmse: perLead(fresh, common), n: common.keys.length },
      aged,
      predictions: old,
      freshRows: common,
      freshPredictions: fresh,
      featureNames: names,
      sources: [target],
      limits,
    });
  const out: Record<string, ExpectedErrorTable> = { persistence: table(repeated(common), repeated(aged)) };
  if (common.smartPersistence && aged.smartPersistence)
    out['smart-persistence'] = table(common.smartPersistence, aged.smartPersistence);
  return out;
}

/** Two sets of rows of the same columns, stacked. */
function concatRows(a: Rows, b: Rows): Rows {
  const stack = (x: Float32Array, y: Float32Array): Float32Array => {
    const out = new Float32Array(x.length + y.length);
    out.set(x);
    out.set(y, x.length);
    return out;
  };
  return {
    keys: [...a.keys, ...b.keys.map((k) => `${k}|aged`)],
    X: stack(a.X, b.X),
    Y: stack(a.Y, b.Y),
    persistence: stack(a.persistence, b.persistence),
    ...(a.smartPersistence && b.smartPersistence
      ? { smartPersistence: stack(a.smartPersistence, b.smartPersistence) }
      : {}),
    cols: a.cols,
    leads: a.leads,
  };
}

/** Significant digits of the mean held-out RMSE that rank models; closer ones tie (fewer sources first). */
const RANKING_DIGITS = 5;

const PARITY_FAILURE = 'disagrees with the trained model';

/**
 * Whether a model expected to be as good as another at every input age (`a` against `b`): trusted at least as far
 * and no worse in any band `b` was scored in. Without tables (no outage aging) only the fresh ranking counts.
 */
function dominates(a: ExpectedErrorTable | undefined, b: ExpectedErrorTable | undefined): boolean {
  if (!a || !b) return true;
  if (a.maxAgeRatio < b.maxAgeRatio) return false;
  const mean = (v: number[]): number => v.reduce((x, y) => x + y, 0) / Math.max(1, v.length);
  for (const { band } of b.bands) {
    const ea = expectedRmseAt(a, band);
    const eb = expectedRmseAt(b, band);
    if (ea && eb && mean(ea) > mean(eb)) return false;
  }
  return true;
}

/** The models trainModels trains per source set: one per kind, and with outage aging a second tree model. */
function modelVariants(
  o: Pick<TrainOptions, 'kinds' | 'outageAging'>,
): { kind: TrainOptions['kinds'][number]; aged: boolean }[] {
  return o.kinds.flatMap((kind): { kind: TrainOptions['kinds'][number]; aged: boolean }[] =>
    kind === 'gbdt' && o.outageAging
      ? [
          { kind, aged: false },
          { kind, aged: true },
        ]
      : [{ kind, aged: false }],
  );
}

/** How many models trainModels trains per source set (progress totals). */
export function modelsPerSet(o: Pick<TrainOptions, 'kinds' | 'outageAging'>): number {
  return modelVariants(o).length;
}

/** Whether a pruned model's reason is a failed ONNX parity check (the model was trained but is not published). */
export function isParityFailure(reason: string): boolean {
  return reason.includes(PARITY_FAILURE);
}

function historyOf(
  history: ReadonlyMap<string, ReadonlyMap<string, readonly HistoryRecord[]>>,
  site: string,
): ReadonlyMap<string, readonly HistoryRecord[]> {
  const h = history.get(site);
  if (!h)
    throw new TrainingDataError(
      'MISSING_HISTORY',
      `no history given for site "${site}"; got ${[...history.keys()].map((k) => `"${k}"`).join(', ') || 'none'}`,
    );
  return h;
}

/**
 * Relative to the scale of the model's outputs (their RMS): float32 inference cannot match a double computation to
 * 1e-4 of a value near zero when the target runs to thousands (a night-time 0.98 kW next to a 5,000 kW capacity).
 */
/** Below this clear-sky irradiance (W/m²) the index is taken against it, so dawn and dusk keep it bounded. */
const CLEAR_SKY_INDEX_FLOOR = 50;

/** The clear-sky index of a solar target: its ratio to the clear-sky irradiance at each lead's validTime. */
function clearSkyIndexScale(leads: readonly number[]): OutputScale {
  return { features: leads.map(clearSkyAtLeadName), floor: CLEAR_SKY_INDEX_FLOOR };
}

/** Rows' targets as the ratio a scaled model learns, row-major N×L like `rows.Y`. */
function scaledTargets(rows: Rows, featureNames: readonly string[], scale: OutputScale): Float32Array {
  const columns = scale.features.map((f) => featureNames.indexOf(f));
  const Y = new Float32Array(rows.Y.length);
  for (let i = 0; i < Y.length; i++) {
    const row = Math.floor(i / rows.leads);
    Y[i] = toScaledTarget(
      rows.Y[i] as number,
      rows.X[row * rows.cols + (columns[i % rows.leads] as number)] as number,
      scale,
    );
  }
  return Y;
}

/** Sum of squared errors over the finite targets. */
function squaredError(predictions: Float32Array, targets: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < targets.length; i++) {
    const t = targets[i] as number;
    if (Number.isFinite(t)) sum += ((predictions[i] as number) - t) ** 2;
  }
  return sum;
}

async function checkParity(
  runtime: ModelRuntime,
  id: string,
  bytes: Uint8Array,
  rows: Rows,
  expected: Float32Array,
): Promise<string | undefined> {
  const scale = Math.sqrt(expected.reduce((s, v) => s + v * v, 0) / Math.max(1, expected.length));
  const loaded = await runtime.load(bytes);
  try {
    const got = await loaded.predict(rows.X, rows.keys.length);
    for (let i = 0; i < expected.length; i++) {
      const e = expected[i] as number;
      if (Math.abs((got[i] as number) - e) > PARITY_TOLERANCE * Math.max(1, Math.abs(e), scale)) {
        return `exported ONNX of ${id} ${PARITY_FAILURE} at value ${i}: ${got[i]} vs ${e}; not published`;
      }
    }
    return undefined;
  } finally {
    await loaded.release();
  }
}
