import type { OutputLimits } from '../limits/OutputLimits';
import type { OutputScale } from '../limits/OutputScale';

/** What an exported model file says about itself, written as ONNX metadata_props. */
export interface ModelMeta {
  /** Registry id of the model version; metadata `model_id`. */
  modelId: string;
  /** Which trainer made it; metadata `kind`, and it must match the exporter used. */
  kind: 'gbdt' | 'linear';
  /** Columns of the `features` input, in order; metadata `feature_names` (JSON array). */
  featureNames: string[];
  /** One output column per lead, strictly increasing minutes; metadata `leads_minutes` (JSON array). */
  leadsMinutes: number[];
  /** The physical limits the graph holds every forecast to (metadata `output_limits`); unset: none. */
  limits?: OutputLimits;
  /** The model learns a ratio to an input column (e.g. the clear-sky index); metadata `output_scale`. */
  scale?: OutputScale;
  /** Further string metadata (training range, code version, ...); may not reuse the keys above. */
  extra?: Record<string, string>;
}
