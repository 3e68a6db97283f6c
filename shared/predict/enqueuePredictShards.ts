import type { ForecastConfig } from '../config/ForecastConfig';
import { type MessageQueue, QUEUES } from '../storage/MessageQueue';
import type { StatusStore } from '../storage/StatusStore';
import { floorToSlot } from '../time/slots';
import { planShards } from './planShards';
import { PREDICT_STATUS, PredictRunStore } from './PredictRunStore';
import { formatShardMessage } from './PredictShardMessage';

/** The `details` of the coordinator's record: the slot it asked for and into how many shards. */
export interface PredictCoordinatorDetails {
  enqueuedIssueTime: string;
  shards: number;
  sitesPerShard: number;
  /** The unsharded predict's cursor, carried over: a shard's first run catches up from it. */
  lastGoodIssueTime?: string;
}

/**
 * The coordinator of a sharded predict: one `predict-shards` message per shard for the issue slot that contains
 * `now`, and predict's record saying so (the shards keep their own; the unsharded cursor is carried over). Enqueuing
 * twice is harmless: a shard that has made the slot does nothing. Storage failures are thrown (the timer retries).
 */
export async function enqueuePredictShards(
  config: ForecastConfig,
  queue: MessageQueue,
  status: StatusStore,
  now: Date,
): Promise<{ issueTime: string; shards: number }> {
  const plan = planShards(config);
  const issueTime = floorToSlot(now, config.forecast.cadenceMinutes).toISOString();
  for (const { shard, shards } of plan)
    await queue.send(QUEUES.predictShards, formatShardMessage({ version: 1, issueTime, shard, shards }));
  const lastGood = await new PredictRunStore(status).lastIssueTime();
  const details: PredictCoordinatorDetails = {
    enqueuedIssueTime: issueTime,
    shards: plan.length,
    sitesPerShard: config.forecast.sitesPerShard,
    ...(lastGood === undefined ? {} : { lastGoodIssueTime: lastGood }),
  };
  await status.recordQuietly(PREDICT_STATUS, {
    at: now.toISOString(),
    ok: true,
    summary: `issue ${issueTime}: ${plan.length} shard(s) of ${config.sites.length} site(s) enqueued`,
    details: { ...details },
  });
  return { issueTime, shards: plan.length };
}
