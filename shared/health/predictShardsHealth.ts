import type { ForecastConfig } from '../config/ForecastConfig';
import { planShards } from '../predict/planShards';
import { predictShardStatus } from '../predict/PredictRunStore';
import { type MessageQueue, poisonQueueOf, QUEUES } from '../storage/MessageQueue';
import type { RunStatus, StatusStore } from '../storage/StatusStore';

/** A sharded predict as health shows it: each shard's last run and the messages the host gave up on. */
export interface PredictShardsHealth {
  shards: number;
  sitesPerShard: number;
  /** Each shard's last-run record (null before its first run). */
  lastRuns: { shard: number; sites: number; lastRun: RunStatus | null }[];
  /** Messages in `predict-shards-poison`: shards that failed every delivery (null when the queue cannot be read). */
  poisoned: number | null;
  /** Messages waiting in `predict-shards` (null when the queue cannot be read). */
  waiting: number | null;
}

/**
 * The sharded predict's state, or undefined when predict runs unsharded (nothing is read then). Adds a reason for
 * every shard whose last run failed and for poison-queued messages, so health shows what the queue gave up on.
 */
export async function predictShardsHealth(
  config: ForecastConfig,
  status: StatusStore,
  queues: MessageQueue | undefined,
  reasons: string[],
): Promise<PredictShardsHealth | undefined> {
  const plan = planShards(config);
  if (plan.length <= 1) return undefined;
  const lastRuns = await Promise.all(
    plan.map(async (p) => ({
      shard: p.shard,
      sites: p.sites.length,
      lastRun: (await status.read(predictShardStatus(p.shard, p.shards)).catch(() => undefined)) ?? null,
    })),
  );
  for (const r of lastRuns)
    if (r.lastRun && !r.lastRun.ok)
      reasons.push(`last run of predict shard ${r.shard + 1} of ${plan.length} failed: ${r.lastRun.summary}`);
  const count = (queue: string): Promise<number | null> =>
    queues ? queues.approximateCount(queue).catch(() => null) : Promise.resolve(null);
  const [poisoned, waiting] = await Promise.all([
    count(poisonQueueOf(QUEUES.predictShards)),
    count(QUEUES.predictShards),
  ]);
  if (poisoned !== null && poisoned > 0)
    reasons.push(
      `${poisoned} predict shard message(s) failed every delivery and wait in ${poisonQueueOf(QUEUES.predictShards)}; their slots are caught up by the shard's next run`,
    );
  return { shards: plan.length, sitesPerShard: config.forecast.sitesPerShard, lastRuns, poisoned, waiting };
}
