import { app, type InvocationContext, type Timer } from '@azure/functions';
import { loadFunctionPlan } from '../shared/config/loadFunctionPlan';
import { predictAll, type PredictResult } from '../shared/predict/predictAll';
import { appServices } from '../shared/runtime/appServices';
import type { Services } from '../shared/runtime/createServices';
import { logFailure } from './logFailure';

/** The handler of `predict`: forecasts every site for the current issue slot. */
export function makePredictHandler(services: () => Services) {
  return async (timer: Timer, context: InvocationContext): Promise<PredictResult> => {
    const s = services();
    try {
      // Not caught: while Blob Storage is down the run fails (and is retried) rather than forget the slots to catch up.
      const last = await s.status.read('predict');
      const lastIssueTime = (last?.details?.['issueTime'] ?? last?.details?.['lastGoodIssueTime']) as string | undefined;
      const result = await predictAll({ config: s.config, clock: s.clock, observations: s.observations, forecasts: s.forecasts, blobs: s.blobs, models: s.models }, { lastIssueTime });
      if (result.caughtUp.length > 0) context.warn(`predict: caught up missed slot(s) ${result.caughtUp.join(', ')}`);
      for (const f of result.forecasts) {
        context.log(`predict: ${f.site} @ ${f.issueTime} with ${f.model.id}: ${f.leads.map((l) => `+${l.leadMinutes}m=${l.value}`).join(' ')}${timer.isPastDue ? ' [past due]' : ''}`);
      }
      for (const k of result.skipped) context.warn(`predict: no forecast for ${k.site} @ ${k.issueTime}: ${k.reason}`);
      if (result.pending > 0) context.warn(`predict: Cosmos DB did not answer; ${result.pending} forecast(s) kept in Blob Storage as pending and served from there`);
      if (result.flushed > 0) context.log(`predict: wrote ${result.flushed} pending forecast(s) to Cosmos DB`);
      await s.status.recordQuietly('predict', {
        at: s.clock.now().toISOString(),
        ok: result.skipped.length === 0,
        summary: `issue ${result.issueTime}: ${result.forecasts.length} forecast(s), ${result.skipped.length} site(s) skipped`,
        details: { issueTime: result.issueTime, caughtUp: result.caughtUp, pending: result.pending, flushed: result.flushed, models: result.forecasts.map((f) => ({ site: f.site, model: f.model.id, version: f.model.version })), skipped: result.skipped },
      });
      return result;
    } catch (err) {
      // The failure is recorded with the last good issue time carried over; if that cannot be read, nothing is
      // written, so a half-working store never erases what the next run needs to catch up.
      const previous = await s.status.read('predict').then((status) => ({ status }), () => undefined);
      if (previous) {
        const lastGoodIssueTime = previous.status?.details?.['issueTime'] ?? previous.status?.details?.['lastGoodIssueTime'];
        await s.status.recordQuietly('predict', { at: s.clock.now().toISOString(), ok: false, summary: (err as Error).message, details: { lastGoodIssueTime } });
      }
      throw logFailure(context, 'predict', err);
    }
  };
}

app.timer('predict', { schedule: loadFunctionPlan().predictSchedule, handler: makePredictHandler(appServices) });
