import { app, type InvocationContext, type Timer } from '@azure/functions';
import { ConfigError } from '../shared/config/ConfigError';
import { loadFunctionPlan } from '../shared/config/loadFunctionPlan';
import { enqueuePredictShards } from '../shared/predict/enqueuePredictShards';
import { planShards } from '../shared/predict/planShards';
import { predictAll, type PredictResult } from '../shared/predict/predictAll';
import { PredictRunStore } from '../shared/predict/PredictRunStore';
import { appServices } from '../shared/runtime/appServices';
import type { Services } from '../shared/runtime/createServices';
import { logFailure } from './logFailure';

/** What `predict` did: made every site's forecasts, or (more sites than one shard) enqueued the shards. */
export type PredictOutcome = PredictResult | { issueTime: string; shards: number };

/**
 * The handler of the `predict` timer: with up to `forecast.sitesPerShard` sites it makes every site's forecasts
 * itself (makePredictHandler); with more it coordinates, one `predict-shards` message per shard for `predict-shard`.
 */
export function makePredictTimerHandler(services: () => Services) {
  const unsharded = makePredictHandler(services);
  return async (timer: Timer, context: InvocationContext): Promise<PredictOutcome> => {
    const s = services();
    return planShards(s.config).length > 1 ? coordinate(s, context) : unsharded(timer, context);
  };
}

/** Unsharded predict: forecasts every site for the current issue slot. */
export function makePredictHandler(services: () => Services) {
  return async (timer: Timer, context: InvocationContext): Promise<PredictResult> => {
    const s = services();
    const runs = new PredictRunStore(s.status);
    try {
      // Not caught: while Blob Storage is down the run fails (and is retried) rather than forget the slots to catch up.
      const lastIssueTime = await runs.lastIssueTime();
      const result = await predictAll(s, { lastIssueTime });
      if (result.caughtUp.length > 0) context.warn(`predict: caught up missed slot(s) ${result.caughtUp.join(', ')}`);
      for (const f of result.forecasts) {
        context.log(
          `predict: ${f.site} @ ${f.issueTime} with ${f.model.id}: ${f.leads.map((l) => `+${l.leadMinutes}m=${l.value}`).join(' ')}${timer.isPastDue ? ' [past due]' : ''}`,
        );
      }
      for (const k of result.skipped) context.warn(`predict: no forecast for ${k.site} @ ${k.issueTime}: ${k.reason}`);
      if (result.pending > 0)
        context.warn(
          `predict: Cosmos DB did not answer; ${result.pending} forecast(s) kept in Blob Storage as pending and served from there`,
        );
      if (result.flushed > 0) context.log(`predict: wrote ${result.flushed} pending forecast(s) to Cosmos DB`);
      await runs.recordSuccess(result, s.clock.now());
      return result;
    } catch (err) {
      await runs.recordFailure(err, s.clock.now());
      throw logFailure(context, 'predict', err);
    }
  };
}

async function coordinate(s: Services, context: InvocationContext): Promise<{ issueTime: string; shards: number }> {
  try {
    if (!s.queues)
      throw new ConfigError(
        `predict: ${s.config.sites.length} sites exceed forecast.sitesPerShard = ${s.config.forecast.sitesPerShard}, ` +
          'so predict runs in shards through a Storage queue, but no queue endpoint is set: set "AzureWebJobsStorage" ' +
          'or "AzureWebJobsStorage__queueServiceUri"',
      );
    const sent = await enqueuePredictShards(s.config, s.queues, s.status, s.clock.now());
    context.log(`predict: issue ${sent.issueTime}: ${sent.shards} shard(s) enqueued for predict-shard`);
    return sent;
  } catch (err) {
    throw logFailure(context, 'predict (coordinator)', err);
  }
}

app.timer('predict', { schedule: loadFunctionPlan().predictSchedule, handler: makePredictTimerHandler(appServices) });
