import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Forecast } from '../../../shared/forecast/Forecast';
import { ForecastBlobCopy, latestShardCount } from '../../../shared/forecast/ForecastBlobCopy';
import { CONTAINERS } from '../../../shared/storage/BlobStore';
import { ParsedBlobCache } from '../../../shared/storage/ParsedBlobCache';
import { MemoryBlobStore } from '../../support/MemoryBlobStore';

function forecast(site: string, issueTime: string, createdAt = issueTime): Forecast {
  return {
    id: `${site}|${issueTime}`,
    site,
    issueTime,
    createdAt,
    target: { source: 'site-meter', field: 'power_kw', unit: 'kW' },
    model: { id: 'persistence-site-meter-power_kw', kind: 'persistence', version: null, sources: ['site-meter'] },
    leads: [{ leadMinutes: 20, validTime: issueTime, value: 1 }],
    inputs: [],
    missing: [],
  };
}

const T1 = '2026-06-01T12:00:00.000Z';
const T2 = '2026-06-01T12:10:00.000Z';
const sites = (n: number): string[] => Array.from({ length: n }, (_, i) => `site-${i}`);

/** Counts gets and puts on the forecasts container. */
class CountingBlobs extends MemoryBlobStore {
  gets = 0;
  puts = 0;
  override async get(container: string, name: string) {
    if (container === CONTAINERS.forecasts) this.gets++;
    return super.get(container, name);
  }
  override async put(...args: Parameters<MemoryBlobStore['put']>) {
    if (args[0] === CONTAINERS.forecasts) this.puts++;
    return super.put(...args);
  }
}

test('the shard count is a power of two that keeps at most 1,000 sites a shard on average', () => {
  assert.deepEqual([0, 1, 1000, 1001, 2000, 2001, 10_000, 100_000].map(latestShardCount), [1, 1, 1, 2, 2, 4, 16, 128]);
});

test('a run writes one blob per shard, not one per site, and each site is found with one read', async () => {
  const blobs = new CountingBlobs();
  const ids = sites(2500);
  const copy = new ForecastBlobCopy(blobs, ids.length);
  await copy.putLatest(ids.map((s) => forecast(s, T1)));
  const names = blobs.names(CONTAINERS.forecasts);
  assert.deepEqual(names, ['latest/4/0.json', 'latest/4/1.json', 'latest/4/2.json', 'latest/4/3.json']);
  assert.equal(blobs.puts, 4);
  // Before any shard existed: each shard, the shards of fewer (2 and 1) it would start from, and each site's
  // per-site blob of an earlier deployment, once.
  assert.equal(blobs.gets, 4 + 4 * 2 + 2500);
  const sizes = names.map((n) => blobs.blobs.get(`${CONTAINERS.forecasts}/${n}`)?.body.length ?? 0);
  assert.ok(Math.max(...sizes) < 4e6, `shard sizes ${sizes.join(', ')}`);

  blobs.gets = 0;
  blobs.puts = 0;
  await copy.putLatest(ids.map((s) => forecast(s, T2)));
  assert.equal(blobs.gets, 4, 'the next run reads each shard once');
  assert.equal(blobs.puts, 4);
  blobs.gets = 0;
  for (const site of ['site-0', 'site-1234', 'site-2499']) assert.equal((await copy.latest(site))?.issueTime, T2);
  assert.equal(blobs.gets, 3);
});

test('a rerun of an older slot never overwrites a newer latest, and sites not in the run keep theirs', async () => {
  const blobs = new MemoryBlobStore();
  const copy = new ForecastBlobCopy(blobs, 2);
  await copy.putLatest([forecast('a', T2), forecast('b', T1)]);
  await copy.putLatest([forecast('a', T1)]);
  assert.equal((await copy.latest('a'))?.issueTime, T2);
  assert.equal((await copy.latest('b'))?.issueTime, T1);
  // A rerun of the same slot replaces it (the same issue time, made again).
  await copy.putLatest([forecast('a', T2, '2026-06-01T12:15:00.000Z')]);
  assert.equal((await copy.latest('a'))?.createdAt, '2026-06-01T12:15:00.000Z');
  assert.equal(await copy.latest('c'), undefined);
});

test('the per-site copies of an earlier deployment are read, and a rerun of an older slot does not hide a newer one', async () => {
  const blobs = new MemoryBlobStore();
  // As the per-site layout wrote them.
  await blobs.put(CONTAINERS.forecasts, 'a/latest.json', JSON.stringify(forecast('a', T2)));
  await blobs.put(CONTAINERS.forecasts, 'b/latest.json', JSON.stringify(forecast('b', T1)));
  const copy = new ForecastBlobCopy(blobs, 3);
  assert.equal((await copy.latest('a'))?.issueTime, T2, 'served from the per-site blob before any shard exists');
  await copy.putLatest([forecast('a', T1), forecast('c', T1)]);
  assert.equal((await copy.latest('a'))?.issueTime, T2, 'the newer per-site copy seeded the shard');
  assert.equal((await copy.latest('b'))?.issueTime, T1, 'a site not in the run: still its per-site copy');
  assert.equal((await copy.latest('c'))?.issueTime, T1);
  const shard = JSON.parse(blobs.blobs.get(`${CONTAINERS.forecasts}/latest/1/0.json`)?.body.toString() ?? '{}') as {
    forecasts: Forecast[];
  };
  assert.deepEqual(
    shard.forecasts.map((f) => [f.site, f.issueTime]),
    [
      ['a', T2],
      ['c', T1],
    ],
  );
});

test('when more sites need more shards, the new shards start from the old ones: no site loses its newer copy', async () => {
  const blobs = new MemoryBlobStore();
  const ids = sites(1000);
  await new ForecastBlobCopy(blobs, 1000).putLatest(ids.map((s) => forecast(s, T2)));
  // 1,001 sites now: two shards. A rerun of the older slot for some sites, the others skipped.
  const copy = new ForecastBlobCopy(blobs, 1001);
  await copy.putLatest(ids.slice(0, 10).map((s) => forecast(s, T1)));
  await copy.putLatest([forecast('site-1000', T1)]);
  for (const site of ids.slice(0, 10)) assert.equal((await copy.latest(site))?.issueTime, T2, site);
  assert.equal((await copy.latest('site-1000'))?.issueTime, T1);
});

test('pending forecasts: one blob per issue slot, merged by id; the per-site pending blobs of before are listed too', async () => {
  const blobs = new CountingBlobs();
  const copy = new ForecastBlobCopy(blobs, 3);
  await copy.putPending([forecast('a', T1), forecast('b', T1), forecast('a', T2)]);
  await copy.putPending([forecast('b', T1, '2026-06-01T12:05:00.000Z'), forecast('c', T1)]);
  await blobs.put(CONTAINERS.forecasts, `pending/d/${T1}.json`, JSON.stringify(forecast('d', T1)));
  assert.deepEqual(blobs.names(CONTAINERS.forecasts), [
    `pending/${T1}.json`,
    `pending/${T2}.json`,
    `pending/d/${T1}.json`,
  ]);
  const listed: [string, string[]][] = [];
  for await (const p of copy.pending())
    listed.push([p.name, p.forecasts.map((f) => `${f.site}@${f.createdAt.slice(11, 16)}`).sort()]);
  assert.deepEqual(listed, [
    [`pending/${T1}.json`, ['a@12:00', 'b@12:05', 'c@12:00']],
    [`pending/${T2}.json`, ['a@12:10']],
    [`pending/d/${T1}.json`, ['d@12:00']],
  ]);
  await copy.clearPending(`pending/d/${T1}.json`);
  assert.deepEqual(blobs.names(CONTAINERS.forecasts), [`pending/${T1}.json`, `pending/${T2}.json`]);
});

test('two writers of one shard at once: the conditional write makes the later one merge, nothing is lost', async () => {
  const blobs = new MemoryBlobStore();
  const copy = new ForecastBlobCopy(blobs, 2);
  await Promise.all([copy.putLatest([forecast('a', T1)]), copy.putLatest([forecast('b', T1)])]);
  assert.equal((await copy.latest('a'))?.issueTime, T1);
  assert.equal((await copy.latest('b'))?.issueTime, T1);
});

test('a pending blob another predict shard added to after it was read is kept, not cleared with what was written', async () => {
  const blobs = new MemoryBlobStore();
  const copy = new ForecastBlobCopy(blobs, 2);
  await copy.putPending([forecast('site-0', T1)]);
  const [read] = await pendingOf(copy);
  assert.ok(read);
  // Another shard keeps its own forecast of the slot in the same blob meanwhile.
  await copy.putPending([forecast('site-1', T1)]);
  assert.equal(await copy.clearPending(read.name, read.etag), false);
  const [kept] = await pendingOf(copy);
  assert.deepEqual(kept?.forecasts.map((f) => f.site).sort(), ['site-0', 'site-1']);
  assert.equal(await copy.clearPending(kept!.name, kept!.etag), true);
  assert.deepEqual(await pendingOf(copy), []);
});

async function pendingOf(copy: ForecastBlobCopy): Promise<{ name: string; forecasts: Forecast[]; etag: string }[]> {
  const out: { name: string; forecasts: Forecast[]; etag: string }[] = [];
  for await (const blob of copy.pending()) out.push(blob);
  return out;
}

test('with a parse cache, a shard this writer wrote is not parsed again, and one another writer changed is', async () => {
  const blobs = new MemoryBlobStore();
  const cache = new ParsedBlobCache();
  const mine = new ForecastBlobCopy(blobs, 1, cache);
  const other = new ForecastBlobCopy(blobs, 1);
  await mine.putLatest([forecast('a', T1)]); // created: no ETag known yet
  await mine.putLatest([forecast('a', T2)]); // parsed once, written, remembered
  let parses = 0;
  const parse = JSON.parse;
  JSON.parse = ((text: string, reviver?: Parameters<typeof JSON.parse>[1]) => {
    parses++;
    return parse(text, reviver) as unknown;
  }) as typeof JSON.parse;
  try {
    await mine.putLatest([forecast('b', T2)]);
    assert.equal(parses, 0, 'its own last write is known by its ETag');
    await other.putLatest([forecast('c', T1)]);
    parses = 0;
    await mine.putLatest([forecast('d', T2)]);
    assert.equal(parses, 1, 'the other writer changed the shard: parsed again');
  } finally {
    JSON.parse = parse;
  }
  for (const [site, issueTime] of [
    ['a', T2],
    ['b', T2],
    ['c', T1],
    ['d', T2],
  ] as const)
    assert.equal((await other.latest(site))?.issueTime, issueTime, `${site} kept by every writer`);
});
