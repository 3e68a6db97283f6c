import type { StatusStore } from '../storage/StatusStore';
import { planShards } from './planShards';
import { predictAll, type PredictDeps, type PredictResult } from './predictAll';
import { PREDICT_STATUS, PredictRunStore, predictShardStatus } from './PredictRunStore';
import { type PredictShardMessage, PredictShardMessageError } from './PredictShardMessage';

/** What a predict shard did with its message. */
export type PredictShardOutcome =
  /** The shard made its sites' slots (the message's, any it missed before, and the current one). */
  | { made: true; result: PredictResult }
  /** The shard had already made the message's slot (a redelivery or a duplicate): nothing was written. */
  | { made: false; lastIssueTime: string };

/**
 * Runs one predict shard: its sites of the current configuration's plan, with its own run record as the catch-up
 * cursor and idempotency key. A message whose slot the shard has already made writes nothing; a failure is recorded
 * and thrown, so the queue delivers the message again (and, after the host's last attempt, poison-queues it).
 */
export async function predictShard(
  deps: PredictDeps & { status: StatusStore },
  message: PredictShardMessage,
): Promise<PredictShardOutcome> {
  const plan = planShards(deps.config);
  const shard = plan[message.shard];
  if (plan.length !== message.shards || !shard)
    throw new PredictShardMessageError(
      `predict shard ${message.shard + 1} of ${message.shards} (issue ${message.issueTime}) is of another plan: ` +
        `the configuration now splits ${deps.config.sites.length} site(s) into ${plan.length} shard(s) of at most ` +
        `forecast.sitesPerShard = ${deps.config.forecast.sitesPerShard}; the next slot's messages catch up`,
    );
  const runs = new PredictRunStore(deps.status, predictShardStatus(message.shard, message.shards));
  try {
    // A shard's first run picks up where the unsharded predict left off, so switching to shards loses no slot.
    const lastIssueTime =
      (await runs.lastIssueTime()) ?? (await new PredictRunStore(deps.status, PREDICT_STATUS).lastIssueTime());
    if (lastIssueTime !== undefined && lastIssueTime >= message.issueTime) return { made: false, lastIssueTime };
    const result = await predictAll(deps, { lastIssueTime, sites: shard.sites });
    await runs.recordSuccess(result, deps.clock.now());
    return { made: true, result };
  } catch (err) {
    await runs.recordFailure(err, deps.clock.now());
    throw err;
  }
}
