import '../support/testEnv';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvocationContext, type Timer } from '@azure/functions';
import { makePredictHandler, makePredictTimerHandler } from '../../functions/predict';
import { makePredictShardHandler } from '../../functions/predictShard';
import type { Forecast } from '../../shared/forecast/Forecast';
import { ForecastSummaryStore } from '../../shared/predict/ForecastSummaryStore';
import { planShards } from '../../shared/predict/planShards';
import { predictShardStatus } from '../../shared/predict/PredictRunStore';
import { CONTAINERS, StorageUnavailableError } from '../../shared/storage/BlobStore';
import { checkHealth } from '../../shared/health/checkHealth';
import { poisonQueueOf, QUEUES } from '../../shared/storage/MessageQueue';
import { FixedClock } from '../support/fixedClock';
import { MemoryMessageQueue } from '../support/MemoryMessageQueue';
import { testConfig, testServices } from '../support/testServices';

const timer: Timer = {
  isPastDue: false,
  schedule: { adjustForDST: false },
  scheduleStatus: { last: '', next: '', lastUpdated: '' },
};

const SITES = ['park-1', 'park-2', 'park-3', 'park-4', 'park-5'];

/** The shipped configuration with five sites, two per shard (three shards). */
function shardedServices(clock: FixedClock, sitesPerShard = 2) {
  const config = testConfig();
  const park = config.sites[0]!;
  config.sites = SITES.map((id, i) => ({ ...park, id, latitude: park.latitude + i * 0.1 }));
  config.forecast.sitesPerShard = sitesPerShard;
  const s = testServices(clock, config);
  return Object.assign(s, { queues: new MemoryMessageQueue() });
}

async function observeAll(s: ReturnType<typeof shardedServices>, slot: string): Promise<void> {
  const at = new Date(slot).getTime();
  for (const [i, site] of SITES.entries()) {
    for (const back of [50, 40, 30]) {
      const observedAt = new Date(at - back * 60_000).toISOString();
      const availableAt = new Date(at - (back - 25) * 60_000).toISOString();
      await s.observations.putIfAbsent(CONTAINERS.raw, {
        source: 'site-meter',
        site,
        observedAt,
        availableAt,
        values: { power_kw: 1000 + 100 * i + back, ghi_wm2: 500 + 10 * i },
      });
    }
  }
}

/** A forecast without what differs between two runs of the same slot (when it was written). */
function comparable(f: Forecast): Omit<Forecast, 'createdAt'> {
  const { createdAt: _, ...rest } = f;
  return rest;
}

/** Every summary shard's sites, without when they were written. */
async function summarySites(s: ReturnType<typeof shardedServices>): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  const store = new ForecastSummaryStore(s.blobs);
  for (const name of s.blobs.names(CONTAINERS.forecasts).filter((n) => n.startsWith('summary/'))) {
    const [, shards, shard] = /summary\/(\d+)\/(\d+)\.json/.exec(name) ?? [];
    const read = await store.read(Number(shard), Number(shards));
    for (const [site, summary] of Object.entries(read?.summary.sites ?? {}))
      out[site] = { ...summary, latest: summary.latest ? comparable(summary.latest) : null };
  }
  return out;
}

test('with more sites than forecast.sitesPerShard, the predict timer enqueues one message per shard and makes no forecast itself', async () => {
  const clock = new FixedClock(new Date('2026-06-01T12:04:30Z'));
  const s = shardedServices(clock);
  const outcome = await makePredictTimerHandler(() => s)(timer, new InvocationContext());
  assert.deepEqual(outcome, { issueTime: '2026-06-01T12:00:00.000Z', shards: 3 });
  assert.deepEqual(
    s.queues.drain(QUEUES.predictShards).map((m) => JSON.parse(m)),
    [0, 1, 2].map((shard) => ({ version: 1, issueTime: '2026-06-01T12:00:00.000Z', shard, shards: 3 })),
  );
  assert.equal(s.forecasts.docs.size, 0);
  const record = await s.status.read('predict');
  assert.equal(record?.ok, true);
  assert.match(record?.summary ?? '', /3 shard\(s\) of 5 site\(s\) enqueued/);
});

test('up to forecast.sitesPerShard sites the timer runs predict itself, exactly as unsharded', async () => {
  const clock = new FixedClock(new Date('2026-06-01T12:04:30Z'));
  const s = shardedServices(clock, 5);
  await observeAll(s, '2026-06-01T12:00:00.000Z');
  const outcome = await makePredictTimerHandler(() => s)(timer, new InvocationContext());
  assert.ok('forecasts' in outcome);
  assert.equal(outcome.forecasts.length, 5);
  assert.equal(s.queues.sent.size, 0, 'nothing enqueued');
});

test('shards finishing in any order make the unsharded run’s forecasts, latest copies and dashboard summary', async () => {
  const slot = '2026-06-01T12:00:00.000Z';
  const reference = shardedServices(new FixedClock(new Date('2026-06-01T12:04:30Z')), 5);
  await observeAll(reference, slot);
  await makePredictHandler(() => reference)(timer, new InvocationContext());
  const expected = [...reference.forecasts.docs.values()].map(comparable).sort((a, b) => a.site.localeCompare(b.site));
  assert.equal(expected.length, 5);
  const expectedSummary = await summarySites(reference);

  for (const order of [
    [0, 1, 2],
    [2, 1, 0],
    [1, 2, 0],
  ]) {
    const clock = new FixedClock(new Date('2026-06-01T12:04:30Z'));
    const s = shardedServices(clock);
    await observeAll(s, slot);
    await makePredictTimerHandler(() => s)(timer, new InvocationContext());
    const messages = s.queues.drain(QUEUES.predictShards);
    const handler = makePredictShardHandler(() => s);
    for (const i of order) {
      const outcome = await handler(messages[i], new InvocationContext());
      assert.ok('made' in outcome && outcome.made, `shard ${i} made its slot`);
    }
    const made = [...s.forecasts.docs.values()].map(comparable).sort((a, b) => a.site.localeCompare(b.site));
    assert.deepEqual(made, expected, `order ${order.join(',')}`);
    for (const site of SITES) {
      const [mine, theirs] = [await latestOf(s, site), await latestOf(reference, site)];
      assert.ok(mine && theirs, `a latest copy of ${site}`);
      assert.deepEqual(comparable(mine), comparable(theirs), `latest copy of ${site}`);
    }
    assert.deepEqual(await summarySites(s), expectedSummary, `summary after order ${order.join(',')}`);
    for (let shard = 0; shard < 3; shard++)
      assert.equal((await s.status.read(predictShardStatus(shard, 3)))?.details?.['issueTime'], slot);
  }
});

async function latestOf(s: ReturnType<typeof shardedServices>, site: string): Promise<Forecast | undefined> {
  const { ForecastBlobCopy } = await import('../../shared/forecast/ForecastBlobCopy');
  return new ForecastBlobCopy(s.blobs, s.config.sites.length).latest(site);
}

test('a redelivered shard message writes nothing new; the next slot’s message catches up the slots the shard missed', async () => {
  const clock = new FixedClock(new Date('2026-06-01T12:04:30Z'));
  const s = shardedServices(clock);
  await observeAll(s, '2026-06-01T12:00:00.000Z');
  await makePredictTimerHandler(() => s)(timer, new InvocationContext());
  const [first] = s.queues.drain(QUEUES.predictShards);
  const handler = makePredictShardHandler(() => s);
  await handler(first, new InvocationContext());
  const before = new Map([...s.blobs.blobs].map(([k, v]) => [k, v.etag]));
  const docs = new Map([...s.forecasts.docs].map(([k, v]) => [k, v.createdAt]));

  clock.set('2026-06-01T12:06:00Z');
  const again = await handler(first, new InvocationContext());
  assert.deepEqual(again, { made: false, lastIssueTime: '2026-06-01T12:00:00.000Z' });
  assert.deepEqual(new Map([...s.blobs.blobs].map(([k, v]) => [k, v.etag])), before, 'no blob written');
  assert.deepEqual(new Map([...s.forecasts.docs].map(([k, v]) => [k, v.createdAt])), docs, 'no forecast written');

  // The 12:10 and 12:20 messages of the first shard are lost; at 12:30 it makes both as of their own issue times.
  clock.set('2026-06-01T12:34:00Z');
  await makePredictTimerHandler(() => s)(timer, new InvocationContext());
  const outcome = await handler(s.queues.drain(QUEUES.predictShards)[0], new InvocationContext());
  assert.ok('made' in outcome && outcome.made);
  assert.deepEqual(outcome.result.caughtUp, ['2026-06-01T12:10:00.000Z', '2026-06-01T12:20:00.000Z']);
  assert.deepEqual(
    [...new Set(outcome.result.forecasts.map((f) => f.site))].sort(),
    planShards(s.config)[0]?.sites,
    'only its own sites',
  );
});

test('a malformed or stale shard message is refused with a clear error log, not thrown (no retry can make it good)', async () => {
  const clock = new FixedClock(new Date('2026-06-01T12:04:30Z'));
  const s = shardedServices(clock);
  const handler = makePredictShardHandler(() => s);
  const errors: string[] = [];
  const context = new InvocationContext({
    logHandler: (level, ...args) => level === 'error' && errors.push(args.join(' ')),
  });
  const bad = await handler('{"version":1,"issueTime":"soon","shard":0,"shards":3}', context);
  assert.deepEqual(Object.keys(bad), ['rejected']);
  assert.match(errors[0] ?? '', /message refused, not retried: .*"issueTime" .*got "soon"/);
  const stale = await handler({ version: 1, issueTime: '2026-06-01T12:00:00.000Z', shard: 0, shards: 4 }, context);
  assert.ok('rejected' in stale);
  assert.match(
    stale.rejected,
    /shard 1 of 4 .*is of another plan: .*5 site\(s\) into 3 shard\(s\) .*sitesPerShard = 2/,
  );
  assert.equal(s.forecasts.docs.size, 0);
});

test('a shard that fails records the failure with its cursor kept, and throws so the queue delivers it again', async () => {
  const clock = new FixedClock(new Date('2026-06-01T12:04:30Z'));
  const s = shardedServices(clock);
  await observeAll(s, '2026-06-01T12:00:00.000Z');
  const handler = makePredictShardHandler(() => s);
  const message = { version: 1, issueTime: '2026-06-01T12:00:00.000Z', shard: 2, shards: 3 };
  await handler(message, new InvocationContext());
  clock.set('2026-06-01T12:14:30Z');
  const list = s.blobs.list.bind(s.blobs);
  s.blobs.list = () => {
    throw new StorageUnavailableError('Blob Storage could not list: connect ECONNREFUSED');
  };
  await assert.rejects(
    handler({ ...message, issueTime: '2026-06-01T12:10:00.000Z' }, new InvocationContext()),
    /ECONNREFUSED/,
  );
  s.blobs.list = list;
  const record = await s.status.read(predictShardStatus(2, 3));
  assert.equal(record?.ok, false);
  assert.deepEqual(record?.details, { lastGoodIssueTime: '2026-06-01T12:00:00.000Z' });
});

test('health shows each shard’s last run and the poison-queued messages of a sharded predict, and nothing of them unsharded', async () => {
  const clock = new FixedClock(new Date('2026-06-01T12:04:30Z'));
  const s = shardedServices(clock);
  await observeAll(s, '2026-06-01T12:00:00.000Z');
  const handler = makePredictShardHandler(() => s);
  await handler({ version: 1, issueTime: '2026-06-01T12:00:00.000Z', shard: 0, shards: 3 }, new InvocationContext());
  await s.status.record(predictShardStatus(1, 3), {
    at: '2026-06-01T12:01:00.000Z',
    ok: false,
    summary: 'Cosmos DB is down',
  });
  await s.queues.send(poisonQueueOf(QUEUES.predictShards), '{"version":1}');
  const deps = { ...s, breakers: undefined };
  const report = await checkHealth(deps);
  assert.equal(report.predictShards?.shards, 3);
  assert.deepEqual(
    report.predictShards?.lastRuns.map((r) => [r.shard, r.sites, r.lastRun?.ok ?? null]),
    [
      [0, 1, true],
      [1, 2, false],
      [2, 2, null],
    ],
  );
  assert.equal(report.predictShards?.poisoned, 1);
  assert.ok(
    report.reasons.includes('last run of predict shard 2 of 3 failed: Cosmos DB is down'),
    report.reasons.join('\n'),
  );
  assert.ok(
    report.reasons.some((r) =>
      /1 predict shard message\(s\) failed every delivery and wait in predict-shards-poison/.test(r),
    ),
  );

  s.config.forecast.sitesPerShard = 5;
  assert.equal((await checkHealth(deps)).predictShards, undefined);
});
