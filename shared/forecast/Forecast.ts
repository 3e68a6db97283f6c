/** One lead of a forecast. validTime = issueTime + leadMinutes, always after issueTime. */
export interface ForecastLead {
  leadMinutes: number;
  validTime: string;
  value: number;
  /**
   * Smart persistence at this validTime (solar targets only): the clear-sky index of the newest target value
   * available at issueTime, carried forward; the reference skill is also judged against.
   */
  smartPersistence?: number;
  /** The 10, 50 and 90 % quantiles of the actual, from the model's calibrated intervals (absent when it has none). */
  quantiles?: LeadQuantiles;
}

/** Quantiles of one lead's actual, held to the target's physical limits; p10 <= p50 <= p90. */
export interface LeadQuantiles {
  p10: number;
  p50: number;
  p90: number;
}

/** The newest observation of a source that was available at issueTime. */
export interface ForecastInput {
  source: string;
  observedAt: string;
  availableAt: string;
  /** issueTime - observedAt, in minutes: how old the input was when the forecast was made. */
  ageMinutes: number;
  /** Whether the model read this source. */
  used: boolean;
  /** The staleness limit the model choice judged this input by (configured or learned), minutes. */
  limitMinutes?: number;
}

/** A source the chosen model did not use, and why. */
export interface MissingInput {
  source: string;
  reason: string;
  /** When its newest available observation was made, if there was one. */
  newestObservedAt?: string;
}

/** Why the chooser took the forecast's model. */
export interface ForecastChoice {
  /** `expected-error`: lowest expected RMSE at the inputs' ages; `freshness-first`: best-ranked with all inputs fresh. */
  rule: 'expected-error' | 'freshness-first';
  /** Mean over the leads of the model's expected RMSE at the age band of its inputs (expected-error only). */
  expectedRmse?: number;
  expectedRmsePerLead?: number[];
  /** The age band its inputs were judged in (`fresh`, `2-4x limit`, ...), and the largest age / limit. */
  ageBand?: string;
  ageRatio?: number;
  /** Age in minutes of each input the model read. */
  ages?: Record<string, number>;
  /** The runner-up and its expected RMSE. */
  nextBest?: { model: string; expectedRmse: number };
  /** e.g. `expected RMSE 0.41 at these ages (inputs 2-4x limit); the next best persistence-... 0.55`. */
  reason: string;
}

/** A forecast for one site and issue time; stored in Cosmos DB (partition key /site), id `<site>|<issueTime>`. */
export interface Forecast {
  id: string;
  site: string;
  issueTime: string;
  createdAt: string;
  target: { source: string; field: string; unit: string };
  /** The model that made it: registry version (null for built-in persistence) and the sources it read. */
  model: { id: string; kind: string; version: string | null; sources: string[] };
  leads: ForecastLead[];
  inputs: ForecastInput[];
  missing: MissingInput[];
  /** Why this model was chosen (absent in forecasts made before the expected-error chooser). */
  choice?: ForecastChoice;
}

export function forecastId(site: string, issueTime: string): string {
  return `${site}|${issueTime}`;
}
