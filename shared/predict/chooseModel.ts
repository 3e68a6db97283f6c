import type { ForecastConfig, SiteConfig } from '../config/ForecastConfig';
import { FeatureSpecError } from '../features/FeatureSpecError';
import type { ForecastChoice, MissingInput } from '../forecast/Forecast';
import { ageBandLabel, ageBandOf } from '../registry/ExpectedErrorTable';
import { expectedRmseAt } from '../registry/expectedRmseAt';
import type { Observation } from '../sources/Observation';
import { minutesBetween } from '../time/slots';
import { featureRow, FeatureRowMemo } from '../features/featureRow';
import { type ModelSpecs, modelSpec } from './ModelSpecs';
import type { RecentObservation } from '../features/historyFeatures';
import { DEFAULT_STALENESS_OPTIONS, type StalenessLimit } from '../features/learnStalenessLimit';
import type { ServingModel } from './ServingModel';

/** What choosing needs to know of a model (a loaded ServingModel, or a model card's entry). */
export type ChoosableModel = Pick<
  ServingModel,
  'id' | 'sources' | 'featureNames' | 'clearSkyAtObservation' | 'featureInputs'
> &
  Partial<Pick<ServingModel, 'kind' | 'expectedError'>>;

/**
 * How the chooser decides: `expected-error` takes the candidate with the lowest expected RMSE at the current input
 * ages (stale inputs allowed); `freshness-first` the best-ranked one whose sources are all fresh (the rule before
 * expected-error tables, and the one for cards without them); `auto` the first when every candidate has a table.
 */
export type ChoiceRule = 'auto' | 'expected-error' | 'freshness-first';

export interface ModelChoice<M extends ChoosableModel = ServingModel> {
  model: M;
  row: number[];
  /** Sources the model did not read, with the reason. */
  missing: MissingInput[];
  /** Why this model: the rule, and under expected-error its expected RMSE at these ages and the next best. */
  choice: ForecastChoice;
}

/** Which sources are fresh at issueTime: their newest available observation is younger than their staleness limit. */
export function freshness(
  config: ForecastConfig,
  latest: ReadonlyMap<string, Observation>,
  issueTime: Date,
  limits: ReadonlyMap<string, StalenessLimit> = new Map(),
): Map<string, MissingInput | null> {
  const out = new Map<string, MissingInput | null>();
  for (const source of config.sources) {
    const obs = latest.get(source.id);
    const limit =
      limits.get(source.id)?.minutes ?? source.stalenessLimitMinutes ?? DEFAULT_STALENESS_OPTIONS.defaultMinutes;
    // A forecast source's record is a run: its observedAt is the runAt, and its age the run's.
    const what = source.kind === 'forecast' ? 'run' : 'observation';
    if (!obs) {
      out.set(source.id, { source: source.id, reason: `never seen: no ${what} available at issueTime` });
      continue;
    }
    const age = minutesBetween(new Date(obs.observedAt), issueTime);
    out.set(
      source.id,
      age > limit
        ? {
            source: source.id,
            reason: `stale since ${new Date(new Date(obs.observedAt).getTime() + limit * 60_000).toISOString()}: ${
              source.kind === 'forecast'
                ? `newest run ${obs.observedAt.slice(11, 16)} UTC, age ${Math.round(age)} min`
                : `newest observation ${Math.round(age)} min old`
            }, limit ${Math.round(limit)} min`,
            newestObservedAt: obs.observedAt,
          }
        : null,
    );
  }
  return out;
}

/** What a site has at issueTime, as gatherInputs gathers it. */
export interface ChoiceInputs {
  /** Each source's newest observation available at issueTime. */
  latest: ReadonlyMap<string, Observation>;
  /** The sources' learned staleness limits (configured or default limits without). */
  limits?: ReadonlyMap<string, StalenessLimit> | undefined;
  /** Each source's recent observations, for history inputs. */
  recent?: ReadonlyMap<string, readonly RecentObservation[]> | undefined;
}

/** How chooseModel chooses, and what a caller of many sites already has. */
export interface ChoiceOptions {
  /** The rule; `auto` by default. */
  rule?: ChoiceRule;
  /** The candidates' specs, shared by the sites of a run (predict); made here per call without it. */
  specs?: ModelSpecs;
  /** freshness(config, latest, issueTime, limits), when the caller has it (predict keeps it for the summary). */
  fresh?: ReadonlyMap<string, MissingInput | null>;
}

/**
 * The best model (the candidates come best first) whose sources are all fresh and whose input row can be built
 * exactly as it was trained; undefined when none can run. `site` is its id or its configuration (no lookup).
 */
export function chooseModel<M extends ChoosableModel>(
  config: ForecastConfig,
  site: string | SiteConfig,
  issueTime: Date,
  candidates: readonly M[],
  { latest, limits, recent }: ChoiceInputs,
  { rule = 'auto', specs, fresh = freshness(config, latest, issueTime, limits) }: ChoiceOptions = {},
): ModelChoice<M> | undefined {
  const asFeatures = new Map(
    [...latest].map(([id, o]) => {
      const r = recent?.get(id);
      return [id, { observedAt: Date.parse(o.observedAt), values: o.values, ...(r ? { recent: r } : {}) }];
    }),
  );
  let location = typeof site === 'string' ? undefined : site;
  // The candidates share sources, the sun and the calendar: each is computed once for this site and slot.
  const memo = new FeatureRowMemo();
  const rowOf = (model: M): number[] | undefined => {
    location ??= siteNamed(config, site as string);
    const spec = specs ? specs.specFor(model, location) : modelSpec(config, location, model);
    const row = featureRow(spec, issueTime, asFeatures, memo);
    // A model trained on other columns (the configuration changed since) must not be fed misaligned inputs.
    return Array.isArray(row) && model.featureNames.length === row.length ? row : undefined;
  };
  const missingOf = (model: M): MissingInput[] =>
    config.sources
      .filter((s) => !model.sources.includes(s.id))
      .map((s) => fresh.get(s.id) ?? { source: s.id, reason: `fresh, but not an input of ${model.id}` });
  const byExpectedError =
    rule === 'expected-error' ||
    (rule === 'auto' && candidates.length > 0 && candidates.every((m) => m.expectedError !== undefined));
  if (!byExpectedError) {
    for (const model of candidates) {
      if (!model.sources.every((s) => fresh.get(s) === null)) continue;
      const row = rowOf(model);
      if (!row) continue;
      return {
        model,
        row,
        missing: missingOf(model),
        choice: { rule: 'freshness-first', reason: 'the best-ranked model whose sources are all fresh' },
      };
    }
    return undefined;
  }

  // Each candidate whose row can be built, at the age ratio of its oldest input (age / staleness limit). The
  // candidates share sources: each source's ratio is computed once (as ageRatio computes it).
  const sourceRatios = new Map<string, number | undefined>();
  const sourceRatio = (id: string): number | undefined => {
    if (sourceRatios.has(id)) return sourceRatios.get(id);
    const r = ageRatio(config, [id], latest, issueTime, limits);
    sourceRatios.set(id, r);
    return r;
  };
  const scored: { model: M; ratio: number; expected: number[]; mean: number }[] = [];
  for (const model of candidates) {
    const table = model.expectedError;
    if (!table) continue;
    let ratio: number | undefined = 0;
    for (const id of model.sources) {
      const r = sourceRatio(id);
      if (r === undefined) {
        ratio = undefined;
        break;
      }
      ratio = Math.max(ratio, r);
    }
    if (ratio === undefined) continue;
    // A trained model is not trusted on inputs older than any it was scored on; persistence is, however old.
    const baseline = model.kind === 'persistence' || model.kind === 'smart-persistence';
    if (!baseline && ratio > table.maxAgeRatio) continue;
    const band = ageBandOf(ratio);
    const expected = specs ? specs.expectedAt(table, band) : expectedRmseAt(table, band);
    if (!expected) continue;
    const mean = expected.reduce((a, b) => a + b, 0) / Math.max(1, expected.length);
    if (!Number.isFinite(mean)) continue;
    scored.push({ model, ratio, expected, mean });
  }
  // Lowest mean expected RMSE over the leads; a tie keeps the candidates' order (best-ranked first). Only the best
  // two whose rows can be built matter, so rows are built in that order until two are found, not for every one.
  const ranked = scored.map((c, i) => ({ c, i })).sort((a, b) => a.c.mean - b.c.mean || a.i - b.i);
  let best: ((typeof scored)[number] & { row: number[] }) | undefined;
  let next: (typeof scored)[number] | undefined;
  for (const { c } of ranked) {
    const row = rowOf(c.model);
    if (!row) continue;
    if (!best) best = { ...c, row };
    else {
      next = c;
      break;
    }
  }
  if (!best) return undefined;
  const ages = Object.fromEntries(
    best.model.sources.map((s) => {
      const o = latest.get(s);
      return [s, o ? Math.round(minutesBetween(new Date(o.observedAt), issueTime)) : Number.NaN];
    }),
  );
  const band = ageBandLabel(ageBandOf(best.ratio));
  return {
    model: best.model,
    row: best.row,
    missing: missingOf(best.model),
    choice: {
      rule: 'expected-error',
      expectedRmse: round3(best.mean),
      expectedRmsePerLead: best.expected.map(round3),
      ageBand: band,
      ageRatio: Math.round(best.ratio * 100) / 100,
      ages,
      ...(next ? { nextBest: { model: next.model.id, expectedRmse: round3(next.mean) } } : {}),
      reason:
        `expected RMSE ${round3(best.mean)} at these ages (inputs ${band})` +
        (next ? `; the next best ${next.model.id} ${round3(next.mean)}` : '; no other candidate could run'),
    },
  };
}

function siteNamed(config: ForecastConfig, id: string): SiteConfig {
  const site = config.sites.find((s) => s.id === id);
  if (!site)
    throw new FeatureSpecError(
      'UNKNOWN_ID',
      `unknown site "${id}"; expected one of ${config.sites.map((s) => `"${s.id}"`).join(', ')}`,
    );
  return site;
}

/** The largest age / staleness limit over `sources` (0 for none); undefined when one has no observation. */
export function ageRatio(
  config: ForecastConfig,
  sources: readonly string[],
  latest: ReadonlyMap<string, Observation>,
  issueTime: Date,
  limits: ReadonlyMap<string, StalenessLimit> = new Map(),
): number | undefined {
  let ratio = 0;
  for (const id of sources) {
    const obs = latest.get(id);
    if (!obs) return undefined;
    const source = config.sources.find((s) => s.id === id);
    const limit = limits.get(id)?.minutes ?? source?.stalenessLimitMinutes ?? DEFAULT_STALENESS_OPTIONS.defaultMinutes;
    ratio = Math.max(ratio, minutesBetween(new Date(obs.observedAt), issueTime) / Math.max(1e-9, limit));
  }
  return ratio;
}

/** Three significant digits: what a reader of the reason needs. */
function round3(v: number): number {
  return Number(v.toPrecision(3));
}
