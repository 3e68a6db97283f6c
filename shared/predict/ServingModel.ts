import type { LoadedModel } from '../models/ModelRuntime';
import type { ExpectedErrorTable } from '../registry/ExpectedErrorTable';
import type { ForecastIntervals } from '../registry/ForecastIntervals';
import type { FeatureInputs } from '../features/FeatureSpec';

/** A model ready to serve: its session plus what it reads and predicts. */
export interface ServingModel {
  id: string;
  kind: string;
  /** Registry version it belongs to; null for the built-in persistence models. */
  version: string | null;
  /** Sources whose fresh data it needs (its feature spec: featureSpecFor(config, site, sources)). */
  sources: readonly string[];
  /** Input columns, in order; checked against the live feature row before every use. */
  featureNames: readonly string[];
  /** Sources whose row also carries the clear sky at their newest observedAt (smart persistence; FeatureSpec). */
  clearSkyAtObservation?: readonly string[];
  /** History and derived inputs it was trained with (its card's); none for baselines and older cards. */
  featureInputs?: FeatureInputs;
  leadsMinutes: readonly number[];
  /** Held-out mean RMSE (lower is better); Infinity when unknown. */
  score: number;
  /** Its calibrated intervals, from its card; none for persistence and for cards of older versions. */
  intervals?: ForecastIntervals;
  /** Its expected RMSE by lead and input age band, from its card; none for cards of older versions. */
  expectedError?: ExpectedErrorTable;
  model: LoadedModel;
}

/** The models a prediction run may choose from, best first; the last resort comes last. */
export interface ModelSource {
  current(): Promise<ServingModel[]>;
}
