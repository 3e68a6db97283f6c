import { parsePictureBatch, PictureBatchError } from './PictureBatch';
import {
  DEFAULT_PREPROCESS_OPTIONS,
  type PreprocessDeps,
  type PreprocessOptions,
  type PreprocessOutcome,
  preprocessPictures,
} from './preprocessPictures';

/** What one manifest's execution did: each picture's outcome, or why the manifest was not read. */
export interface BatchOutcome {
  /** The manifest's blob name inside the images container. */
  batch: string;
  /** Set when the manifest is not one (nothing was processed; retrying would not help). */
  ignored?: string;
  pictures: PreprocessOutcome[];
  /** Pictures per outcome. */
  counts: Record<PreprocessOutcome['status'], number>;
}

/**
 * Preprocesses the pictures a manifest lists (preprocessPictures), the work of one `preprocess-image` execution. A
 * manifest that does not parse is ignored with the reason, not thrown: its bytes never change, and every picture it
 * would list is still stored (preprocessStoredImages, which a backfill runs, finds every picture without features).
 */
export async function preprocessBatch(
  name: string,
  body: Buffer,
  deps: PreprocessDeps,
  options: Partial<PreprocessOptions> = DEFAULT_PREPROCESS_OPTIONS,
): Promise<BatchOutcome> {
  let pictures: string[];
  try {
    pictures = parsePictureBatch(name, body).pictures;
  } catch (err) {
    if (!(err instanceof PictureBatchError)) throw err;
    return { batch: name, ignored: err.message, pictures: [], counts: countOutcomes([]) };
  }
  const outcomes = await preprocessPictures(pictures, deps, options);
  return { batch: name, pictures: outcomes, counts: countOutcomes(outcomes) };
}

/** Pictures per outcome. */
function countOutcomes(outcomes: readonly PreprocessOutcome[]): BatchOutcome['counts'] {
  const counts = { stored: 0, duplicate: 0, quarantined: 0, ignored: 0, missing: 0 };
  for (const o of outcomes) counts[o.status]++;
  return counts;
}
