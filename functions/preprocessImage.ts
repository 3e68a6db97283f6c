import { app, type InvocationContext } from '@azure/functions';
import { PICTURE_BATCH_PREFIX } from '../shared/features/PictureBatch';
import { type BatchOutcome, preprocessBatch } from '../shared/features/preprocessBatch';
import { appServices } from '../shared/runtime/appServices';
import type { Services } from '../shared/runtime/createServices';
import { logFailure } from './logFailure';

/**
 * The handler of `preprocess-image`: the manifest of one ingest page (images/_batches/..., PictureBatch.ts) lists the
 * pictures it stored; each becomes a feature record in features/, one execution per page instead of one per picture.
 */
export function makePreprocessImageHandler(services: () => Services) {
  return async (blob: Buffer, context: InvocationContext): Promise<BatchOutcome> => {
    // `{name}` is what follows the path's literal prefix.
    const name = `${PICTURE_BATCH_PREFIX}${String(context.triggerMetadata?.['name'] ?? '')}`;
    try {
      const s = services();
      const outcome = await preprocessBatch(name, blob, { blobs: s.blobs, clock: s.clock, config: s.config });
      if (outcome.ignored) context.warn(`preprocess-image: ${outcome.ignored}`);
      for (const p of outcome.pictures)
        if ('reason' in p) context.warn(`preprocess-image: ${p.picture} ${p.status}: ${p.reason}`);
      const c = outcome.counts;
      context.log(
        `preprocess-image: ${name}: ${outcome.pictures.length} picture(s): ${c.stored} stored, ${c.duplicate} already done, ${c.quarantined} quarantined, ${c.ignored} ignored, ${c.missing} missing`,
      );
      return outcome;
    } catch (err) {
      throw logFailure(context, `preprocess-image ${name}`, err);
    }
  };
}

// Flex Consumption runs blob triggers only through Event Grid; the infrastructure subscribes this function to the
// manifests' prefix (bicep/imageEvents.bicep), not to every picture. The path is PICTURE_BATCH_PREFIX's (a test checks).
app.storageBlob('preprocess-image', {
  path: 'images/_batches/{name}',
  connection: 'AzureWebJobsStorage',
  source: 'EventGrid',
  handler: makePreprocessImageHandler(appServices),
});
