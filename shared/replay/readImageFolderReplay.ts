import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { CameraConfig } from '../config/cameraSchema';
import { imageFeatureOptionsFor } from '../features/imageFeatureOptionsFor';
import { DEFAULT_IMAGE_FEATURE_OPTIONS, imageFeatures, ImageRejectedError } from '../features/imageFeatures';
import { inspectImage } from '../features/inspectImage';
import { mapLimit } from '../util/mapLimit';
import { fileNamePattern } from './fileNamePattern';
import { keepFirstByTime } from './keepFirstByTime';
import { ReplayError } from './ReplayError';
import type { ReplayedHistory, ReplayedSource } from './ReplayedHistory';
import type { ReplayObservation } from './ReplayObservation';
import type { ImageFolderReplaySpec } from './ReplaySpec';
import { TimestampParser } from '../time/TimestampParser';

/** An image source as the reader needs it. */
export interface ReplayedImageSource extends ReplayedSource {
  /** Largest accepted picture (the source's maxImageBytes). */
  maxImageBytes: number;
  /** The source's camera (mask, cloud threshold); unset: the preprocessor's defaults. */
  camera?: CameraConfig;
}

/**
 * Reads an image source's history from a folder of pictures named by their time: each picture goes through the
 * checks and the feature extraction of preprocess-image (inspectImage, then imageFeatures with the source's
 * camera), so a replayed camera gives the features live operation would have stored. A picture that is corrupt,
 * truncated, oversized or of a format we do not decode is left out with the reason, as quarantine would keep it;
 * files whose names do not match are ignored.
 */
export async function readImageFolderReplay(
  spec: ImageFolderReplaySpec,
  folder: string,
  source: ReplayedImageSource,
  onProgress?: (done: number, total: number) => void,
  shownAs = folder,
): Promise<ReplayedHistory> {
  let names: string[];
  try {
    names = (readdirSync(folder, { recursive: true, encoding: 'utf8' }) as string[]).sort();
  } catch (err) {
    throw new ReplayError(
      'FILE_UNREADABLE',
      `cannot list the image folder of source "${source.id}": ${(err as Error).message}`,
      { file: shownAs },
    );
  }
  const pattern = fileNamePattern(spec.fileNamePattern);
  const parser = new TimestampParser(spec.timeZone, pattern.timeFormat);
  const rejected: { item: string; reason: string }[] = [];
  const pictures: { name: string; observedAt: number }[] = [];
  let ignored = 0;
  for (const name of names) {
    const m = pattern.regex.exec(basename(name));
    if (!m) {
      if (/\.(png|jpe?g|gif|webp|tiff?)$/i.test(name)) ignored++;
      continue;
    }
    const time = parser.parse(m[1] as string);
    if (time.ok) pictures.push({ name, observedAt: time.ms });
    else rejected.push({ item: name, reason: `the time in its name: ${time.reason}` });
  }
  if (pictures.length === 0) {
    throw new ReplayError(
      'NO_DATA',
      `no file matches ${JSON.stringify(spec.fileNamePattern)} (${names.length} files in the folder)`,
      { file: shownAs },
    );
  }
  const limits = { maxBytes: source.maxImageBytes, maxPixels: DEFAULT_IMAGE_FEATURE_OPTIONS.maxPixels };
  const options = imageFeatureOptionsFor(source.camera);
  let done = 0;
  const read = await mapLimit(pictures, spec.concurrency, async (p): Promise<ReplayObservation | undefined> => {
    try {
      const bytes = readFileSync(join(folder, p.name));
      const inspected = inspectImage(bytes, limits);
      if (!inspected.ok) {
        rejected.push({ item: p.name, reason: inspected.reason });
        return undefined;
      }
      const features: Readonly<Record<string, number>> = await imageFeatures(bytes, options);
      const values: Record<string, number> = {};
      for (const f of source.fields) {
        const v = features[f];
        if (v !== undefined) values[f] = v;
      }
      return { observedAt: p.observedAt, values };
    } catch (err) {
      if (!(err instanceof ImageRejectedError)) throw err;
      rejected.push({ item: p.name, reason: err.message });
      return undefined;
    } finally {
      if (++done % 250 === 0 || done === pictures.length) onProgress?.(done, pictures.length);
    }
  });
  const { kept, duplicates, conflicts } = keepFirstByTime(read.filter((o): o is ReplayObservation => o !== undefined));
  const first = kept[0];
  const last = kept[kept.length - 1];
  return {
    observations: kept,
    stats: {
      files: pictures.length,
      records: kept.length,
      duplicates,
      conflicts,
      emptyRows: 0,
      missingCells: 0,
      rejected: rejected.sort((a, b) => a.item.localeCompare(b.item)),
      ignored,
      units: {},
      range:
        first && last
          ? { from: new Date(first.observedAt).toISOString(), to: new Date(last.observedAt).toISOString() }
          : null,
    },
  };
}
