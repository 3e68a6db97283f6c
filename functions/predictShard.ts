import { app, type InvocationContext } from '@azure/functions';
import { predictShard, type PredictShardOutcome } from '../shared/predict/predictShard';
import { parseShardMessage, PredictShardMessageError } from '../shared/predict/PredictShardMessage';
import { appServices } from '../shared/runtime/appServices';
import type { Services } from '../shared/runtime/createServices';
import { QUEUES } from '../shared/storage/MessageQueue';
import { logFailure } from './logFailure';

/** What `predict-shard` did with a message: made or skipped its slot, or refused the message (logged, not retried). */
export type PredictShardHandlerOutcome = PredictShardOutcome | { rejected: string };

/**
 * The handler of `predict-shard`: one message of the `predict` coordinator makes one shard's sites. A message that
 * is no shard message (or of another plan) is refused with an error log and not retried, since no retry can make
 * it good; any other failure is thrown so the queue delivers it again and finally moves it to `predict-shards-poison`.
 */
export function makePredictShardHandler(services: () => Services) {
  return async (entry: unknown, context: InvocationContext): Promise<PredictShardHandlerOutcome> => {
    const s = services();
    try {
      const message = parseShardMessage(entry);
      const what = `predict-shard ${message.shard + 1}/${message.shards} @ ${message.issueTime}`;
      const outcome = await predictShard(s, message);
      if (!outcome.made) {
        context.log(`${what}: already made (its last slot is ${outcome.lastIssueTime}); nothing written`);
        return outcome;
      }
      const r = outcome.result;
      if (r.caughtUp.length > 0) context.warn(`${what}: caught up missed slot(s) ${r.caughtUp.join(', ')}`);
      for (const k of r.skipped) context.warn(`${what}: no forecast for ${k.site} @ ${k.issueTime}: ${k.reason}`);
      if (r.pending > 0)
        context.warn(`${what}: Cosmos DB did not answer; ${r.pending} forecast(s) kept in Blob Storage as pending`);
      context.log(`${what}: ${r.forecasts.length} forecast(s) for issue ${r.issueTime}`);
      return outcome;
    } catch (err) {
      if (err instanceof PredictShardMessageError) {
        context.error(`predict-shard: message refused, not retried: ${err.message}`);
        return { rejected: err.message };
      }
      throw logFailure(context, 'predict-shard', err);
    }
  };
}

// In the app's own storage account (AzureWebJobsStorage), as the host's timers and blob receipts are.
app.storageQueue('predict-shard', {
  queueName: QUEUES.predictShards,
  connection: 'AzureWebJobsStorage',
  handler: makePredictShardHandler(appServices),
});
