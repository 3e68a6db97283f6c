import { app, type InvocationContext } from '@azure/functions';
import { preprocessImage, type PreprocessOutcome } from '../shared/features/preprocessImage';
import { appServices } from '../shared/runtime/appServices';
import type { Services } from '../shared/runtime/createServices';
import { logFailure } from './logFailure';

/** The handler of `preprocess-image`: one picture in images/ becomes a feature record in features/. */
export function makePreprocessImageHandler(services: () => Services) {
  return async (blob: Buffer, context: InvocationContext): Promise<PreprocessOutcome> => {
    const name = String(context.triggerMetadata?.['name'] ?? '');
    try {
      const s = services();
      const outcome = await preprocessImage(name, blob, { blobs: s.blobs, clock: s.clock, config: s.config });
      if ('reason' in outcome) context.warn(`preprocess-image: ${name} ${outcome.status}: ${outcome.reason}`);
      else
        context.log(
          `preprocess-image: ${name} -> features (${outcome.status}) cloud_all=${outcome.features['cloud_all'] ?? 'n/a'}`,
        );
      return outcome;
    } catch (err) {
      throw logFailure(context, `preprocess-image ${name}`, err);
    }
  };
}

// Flex Consumption runs blob triggers only through Event Grid; the infrastructure subscribes this function.
app.storageBlob('preprocess-image', {
  path: 'images/{name}',
  connection: 'AzureWebJobsStorage',
  source: 'EventGrid',
  handler: makePreprocessImageHandler(appServices),
});
