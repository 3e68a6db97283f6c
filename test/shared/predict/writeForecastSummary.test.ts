import '../../support/testEnv';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ForecastConfig } from '../../../shared/config/ForecastConfig';
import type { Forecast } from '../../../shared/forecast/Forecast';
import { ForecastSummaryStore, summaryShardOf, summaryShards } from '../../../shared/predict/ForecastSummaryStore';
import type { GatheredInputs } from '../../../shared/predict/gatherInputs';
import { writeForecastSummary } from '../../../shared/predict/writeForecastSummary';
import type { Observation } from '../../../shared/sources/Observation';
import { CONTAINERS } from '../../../shared/storage/BlobStore';
import { MemoryBlobStore } from '../../support/MemoryBlobStore';
import { testConfig } from '../../support/testServices';

const config = testConfig();

function forecast(site: string, issueTime: string): Forecast {
  return {
    id: `${site}|${issueTime}`,
    site,
    issueTime,
    createdAt: issueTime,
    target: { source: 'site-meter', field: 'power_kw', unit: 'kW' },
    model: { id: 'persistence-site-meter', kind: 'persistence', version: null, sources: ['site-meter'] },
    leads: [20, 40, 60].map((lead) => ({
      leadMinutes: lead,
      validTime: new Date(Date.parse(issueTime) + lead * 60_000).toISOString(),
      value: 1234.567,
      quantiles: { p10: 1100.1, p50: 1234.5, p90: 1350.2 },
    })),
    inputs: config.sources.map((s) => ({
      source: s.id,
      observedAt: issueTime,
      availableAt: issueTime,
      ageMinutes: 31.5,
      used: s.id === 'site-meter',
      limitMinutes: 62.25,
    })),
    missing: [
      { source: 'skycam', reason: 'stale since 2026-06-01T11:00:00.000Z: newest observation 70 min old, limit 60 min' },
    ],
  };
}

function target(observedAt: string, availableAt: string, power: number): Observation {
  return { source: 'site-meter', site: 'park-1', observedAt, availableAt, values: { power_kw: power } };
}

function gathered(newest: Observation, recent: Observation[] = []): GatheredInputs {
  return {
    latest: new Map([['site-meter', newest]]),
    limits: new Map([['site-meter', { minutes: 60, basis: 'learned' as const, samples: 40 }]]),
    recent: new Map([
      [
        'site-meter',
        recent.map((o) => ({
          observedAt: Date.parse(o.observedAt),
          availableAt: Date.parse(o.availableAt),
          values: o.values,
        })),
      ],
    ]),
  };
}

test('shards: one up to 500 sites, then a power of two, at most 16; a site hashes to the same shard every time', () => {
  assert.deepEqual([1, 500, 501, 1000, 1001, 4000, 10_000, 1_000_000].map(summaryShards), [1, 1, 2, 2, 4, 8, 16, 16]);
  for (const site of ['park-1', 'roof-0042', 'x']) {
    const shard = summaryShardOf(site, 16);
    assert.ok(shard >= 0 && shard < 16);
    assert.equal(summaryShardOf(site, 16), shard);
    assert.equal(summaryShardOf(site, 1), 0);
  }
});

test('a run writes per site the newest forecast, the sources as judged at the slot, the model and the recent values', async () => {
  const blobs = new MemoryBlobStore();
  const issueTime = new Date('2026-06-01T12:00:00Z');
  await writeForecastSummary(config, blobs, {
    issueTime,
    forecasts: [forecast('park-1', '2026-06-01T11:50:00.000Z'), forecast('park-1', '2026-06-01T12:00:00.000Z')],
    skipped: [],
    gathered: new Map([
      [
        'park-1',
        gathered(target('2026-06-01T11:30:00.000Z', '2026-06-01T11:58:00.000Z', 1600), [
          target('2026-06-01T09:50:00.000Z', '2026-06-01T10:20:00.000Z', 900), // more than 2 h before the slot
          target('2026-06-01T11:20:00.000Z', '2026-06-01T11:45:00.000Z', 1500),
        ]),
      ],
    ]),
    forecastStoreOk: true,
    now: new Date('2026-06-01T12:00:20Z'),
  });
  assert.deepEqual(blobs.names(CONTAINERS.forecasts), ['summary/1/0.json']);
  const read = await new ForecastSummaryStore(blobs).readFor('park-1', config.sites.length);
  const site = read?.summary.sites['park-1'];
  assert.ok(site);
  assert.equal(read?.summary.issueTime, '2026-06-01T12:00:00.000Z');
  assert.equal(site.latest?.issueTime, '2026-06-01T12:00:00.000Z');
  assert.deepEqual(site.serving, { model: 'persistence-site-meter', version: null, sources: ['site-meter'] });
  assert.deepEqual(site.actuals, [
    { observedAt: '2026-06-01T11:20:00.000Z', availableAt: '2026-06-01T11:45:00.000Z', value: 1500 },
    { observedAt: '2026-06-01T11:30:00.000Z', availableAt: '2026-06-01T11:58:00.000Z', value: 1600 },
  ]);
  const meter = site.sources.find((x) => x.source === 'site-meter');
  assert.deepEqual(meter, {
    source: 'site-meter',
    newestObservedAt: '2026-06-01T11:30:00.000Z',
    newestAvailableAt: '2026-06-01T11:58:00.000Z',
    ageMinutes: 30,
    fresh: true,
    stalenessLimit: { minutes: 60, basis: 'learned', samples: 40 },
  });
  const weather = site.sources.find((x) => x.source === 'weather');
  assert.equal(weather?.fresh, false);
  assert.match(weather?.reason ?? '', /never seen/);
  assert.equal(site.sources.length, config.sources.length);
});

test('a slot that made no forecast keeps the last one and the values, says why, and drops values older than 2 h', async () => {
  const blobs = new MemoryBlobStore();
  const first = new Date('2026-06-01T12:00:00Z');
  const newest = target('2026-06-01T11:30:00.000Z', '2026-06-01T11:58:00.000Z', 1600);
  await writeForecastSummary(config, blobs, {
    issueTime: first,
    forecasts: [forecast('park-1', first.toISOString())],
    skipped: [],
    gathered: new Map([['park-1', gathered(newest)]]),
    forecastStoreOk: true,
    now: first,
  });
  const later = new Date('2026-06-01T13:40:00Z');
  await writeForecastSummary(config, blobs, {
    issueTime: later,
    forecasts: [],
    skipped: [{ site: 'park-1', issueTime: later.toISOString(), reason: 'no model can run: every source is stale' }],
    gathered: new Map([['park-1', gathered(target('2026-06-01T13:00:00.000Z', '2026-06-01T13:30:00.000Z', 1800))]]),
    forecastStoreOk: false,
    now: later,
  });
  const read = await new ForecastSummaryStore(blobs).read(0, 1);
  const site = read?.summary.sites['park-1'];
  assert.equal(read?.summary.forecastStoreOk, false);
  assert.equal(site?.latest?.issueTime, '2026-06-01T12:00:00.000Z');
  assert.equal(site?.skipped, 'no model can run: every source is stale');
  assert.deepEqual(site?.serving, { model: null, version: null, sources: [] });
  // 11:30 is more than 2 h before 13:40; the new value is kept.
  assert.deepEqual(
    site?.actuals.map((a) => a.value),
    [1800],
  );
});

test('10,000 sites: 16 shard blobs of about 2 MB, each site found in its own', async () => {
  const sites = Array.from({ length: 10_000 }, (_, i) => ({
    ...config.sites[0],
    id: `roof-${String(i).padStart(5, '0')}`,
  }));
  const many = { ...config, sites } as ForecastConfig;
  const blobs = new MemoryBlobStore();
  const issueTime = new Date('2026-06-01T12:00:00Z');
  const newest = target('2026-06-01T11:30:00.000Z', '2026-06-01T11:58:00.000Z', 1600);
  const started = performance.now();
  await writeForecastSummary(many, blobs, {
    issueTime,
    forecasts: sites.map((s) => forecast(s.id, issueTime.toISOString())),
    skipped: [],
    gathered: new Map(sites.map((s) => [s.id, gathered(newest, [newest])])),
    forecastStoreOk: true,
    now: issueTime,
  });
  const ms = performance.now() - started;
  const names = blobs.names(CONTAINERS.forecasts);
  assert.equal(names.length, 16);
  const sizes = [...blobs.blobs.values()].map((b) => b.body.length);
  const biggest = Math.max(...sizes);
  assert.ok(biggest < 4e6, `largest shard ${biggest} bytes`);
  const store = new ForecastSummaryStore(blobs);
  for (const id of ['roof-00000', 'roof-04711', 'roof-09999'])
    assert.equal((await store.readFor(id, sites.length))?.summary.sites[id]?.latest?.site, id);
  console.log(
    `10,000 sites: ${names.length} shards, largest ${(biggest / 1e6).toFixed(2)} MB, written in ${Math.round(ms)} ms`,
  );
});

test("the recent values come out oldest first, one per instant, the slot's over the kept, however the inputs are ordered", async () => {
  const blobs = new MemoryBlobStore();
  const issueTime = new Date('2026-06-01T12:00:00Z');
  // A summary another writer left: its values out of order, one instant twice (the later entry wins), one too old.
  const store = new ForecastSummaryStore(blobs);
  const kept = (observedAt: string, value: number) => ({ observedAt, availableAt: observedAt, value });
  await store.write({
    version: 1,
    writtenAt: '2026-06-01T11:50:30.000Z',
    issueTime: '2026-06-01T11:50:00.000Z',
    forecastStoreOk: true,
    shard: 0,
    shards: 1,
    sites: {
      'park-1': {
        site: 'park-1',
        issueTime: '2026-06-01T11:50:00.000Z',
        latest: null,
        serving: { model: null, version: null, sources: [] },
        sources: [],
        actuals: [
          kept('2026-06-01T11:20:00.000Z', 20),
          kept('2026-06-01T10:40:00.000Z', 1),
          kept('2026-06-01T11:00:00.000Z', 3),
          kept('2026-06-01T10:40:00.000Z', 2),
          kept('2026-06-01T09:50:00.000Z', 99),
        ],
      },
    },
  });
  // The slot's history (newest first, but for one repeated instant) and the newest observation, which the history
  // lists too: the slot's values win at 11:20 and 11:40.
  const newest = target('2026-06-01T11:40:00.000Z', '2026-06-01T11:45:00.000Z', 40);
  const history = [
    target('2026-06-01T11:40:00.000Z', '2026-06-01T11:45:00.000Z', 39),
    target('2026-06-01T11:20:00.000Z', '2026-06-01T11:25:00.000Z', 21),
    target('2026-06-01T11:30:00.000Z', '2026-06-01T11:35:00.000Z', 30),
    target('2026-06-01T11:10:00.000Z', '2026-06-01T12:10:00.000Z', 11),
  ];
  await writeForecastSummary(config, blobs, {
    issueTime,
    forecasts: [],
    skipped: [],
    gathered: new Map([['park-1', gathered(newest, history)]]),
    forecastStoreOk: true,
    now: issueTime,
  });
  const site = (await store.read(0, 1))?.summary.sites['park-1'];
  // 09:50 is over 2 h old; 11:10 was not available at the slot.
  assert.deepEqual(
    site?.actuals.map((a) => `${a.observedAt.slice(11, 16)}=${a.value}`),
    ['10:40=2', '11:00=3', '11:20=21', '11:30=30', '11:40=40'],
  );
  assert.equal(site?.actuals.find((a) => a.value === 21)?.availableAt, '2026-06-01T11:25:00.000Z');
});
