import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runMigrate } from '../../cli/migrate';
import type { Observation } from '../../shared/sources/Observation';
import { ObservationStore } from '../../shared/sources/ObservationStore';
import { storeObservations } from '../../shared/sources/storeObservations';
import { readHistory } from '../../shared/training/readHistory';
import { RecentStateStore, recentStateName } from '../../shared/sources/RecentStateStore';
import { CONTAINERS } from '../../shared/storage/BlobStore';
import { FixedClock } from '../support/fixedClock';
import { MemoryBlobStore } from '../support/MemoryBlobStore';
import { testConfig } from '../support/testServices';

const NOW = Date.parse('2026-06-01T12:00:00.000Z');

test('migrate builds every source state from data stored by a version without them, and a second run writes nothing', async () => {
  const config = testConfig();
  const blobs = new MemoryBlobStore();
  const observations = new ObservationStore(blobs);
  // Written the old way: observation blobs only, six hours of site-meter and features, no state.
  for (let i = 0; i < 36; i++) {
    const observedAt = new Date(NOW - (i + 1) * 600_000).toISOString();
    const availableAt = new Date(NOW - i * 600_000 - 60_000).toISOString();
    await observations.putIfAbsent(CONTAINERS.raw, {
      source: 'site-meter',
      site: 'park-1',
      observedAt,
      availableAt,
      publishedAt: observedAt,
      values: { power_kw: i, ghi_wm2: 10 * i },
    });
    await observations.putIfAbsent(CONTAINERS.features, {
      source: 'skycam',
      site: 'park-1',
      observedAt,
      availableAt,
      values: { cloud_all: i / 36 },
    });
  }
  const lines: string[] = [];
  const deps = { blobs, config, clock: new FixedClock(new Date(NOW)) };
  const first = (await runMigrate([], {}, (l) => lines.push(l), deps)) ?? assert.fail('no result');
  const added = Object.fromEntries(first.map((m) => [m.blob, m.added]));
  assert.equal(added['state/recent/raw/site-meter.json'], 36);
  assert.equal(added['state/recent/features/skycam.json'], 36);
  assert.equal(added['state/recent/images/skycam.json'], 0);
  assert.equal(added['state/recent/raw/weather.json'], 0);
  assert.ok(lines.includes('state/recent/raw/site-meter.json: 36 observation(s) added'), lines.join('\n'));

  // predict's view, from the state alone, equals the listing's.
  const meter = config.sources.find((s) => s.id === 'site-meter') ?? assert.fail('no site-meter');
  const asOf = new Date(NOW);
  const listed = await observations.recentAvailable(meter, 'park-1', asOf, 24);
  const fromState = await observations.forRun().recentAvailable(meter, 'park-1', asOf, 24);
  assert.equal(fromState.filter((l) => l.parsedValues !== undefined).length, 18, 'the last 3 h carry their values');
  for (const [i, l] of fromState.entries())
    assert.deepEqual(
      (await observations.read(meter, 'park-1', l))?.values,
      (await observations.read(meter, 'park-1', listed[i] ?? assert.fail('shorter')))?.values,
    );
  assert.deepEqual(
    fromState.map((l) => [l.name, l.availableAt]),
    listed.map((l) => [l.name, l.availableAt]),
  );

  const etags = await Promise.all(
    first.map(async (m) => (await blobs.get(CONTAINERS.state, m.blob.replace(/^state\//, '')))?.etag),
  );
  const second = (await runMigrate([], {}, () => undefined, deps)) ?? assert.fail('no result');
  assert.deepEqual(
    second.map((m) => m.added),
    first.map(() => 0),
  );
  assert.deepEqual(
    await Promise.all(
      second.map(async (m) => (await blobs.get(CONTAINERS.state, m.blob.replace(/^state\//, '')))?.etag),
    ),
    etags,
    'the second run wrote nothing',
  );

  // An observation stored without its merge (a run that failed between the two) is added by the next migrate.
  await observations.putIfAbsent(CONTAINERS.raw, {
    source: 'site-meter',
    site: 'park-1',
    observedAt: new Date(NOW).toISOString(),
    availableAt: new Date(NOW).toISOString(),
    values: { power_kw: 1, ghi_wm2: 1 },
  });
  const third = (await runMigrate([], {}, () => undefined, deps)) ?? assert.fail('no result');
  assert.equal(third.find((m) => m.blob === 'state/recent/raw/site-meter.json')?.added, 1);
  const state = await new RecentStateStore(blobs).read(CONTAINERS.raw, 'site-meter');
  assert.equal(state?.state.sites.get('park-1')?.length, 37);
  assert.equal(recentStateName(CONTAINERS.raw, 'site-meter'), 'recent/raw/site-meter.json');
});

test('data in both layouts (an earlier deployment one blob each, then batches) migrates into one state and reads alike', async () => {
  const shipped = testConfig();
  const park = shipped.sites[0] ?? assert.fail('no site');
  const config = { ...shipped, sites: [park, { ...park, id: 'park-2' }] };
  const blobs = new MemoryBlobStore();
  const observations = new ObservationStore(blobs);
  const meter = config.sources.find((s) => s.id === 'site-meter') ?? assert.fail('no site-meter');
  const at = (minutesAgo: number) => new Date(NOW - minutesAgo * 60_000).toISOString();
  const record = (site: string, minutesAgo: number, availableMinutesAgo: number): Observation => ({
    source: 'site-meter',
    site,
    observedAt: at(minutesAgo),
    availableAt: at(availableMinutesAgo),
    values: { power_kw: minutesAgo, ghi_wm2: 1 },
  });
  // The old layout: park-1 an hour back to half an hour ago; then batches of both sites, one repeating 30 min ago
  // with a later availableAt (stored in both layouts).
  for (const m of [60, 50, 40, 30]) await observations.putIfAbsent(CONTAINERS.raw, record('park-1', m, m - 25));
  await storeObservations(blobs, CONTAINERS.raw, [
    record('park-1', 30, 2),
    record('park-1', 20, 2),
    record('park-2', 20, 2),
  ]);
  await storeObservations(blobs, CONTAINERS.raw, [record('park-1', 10, 1), record('park-2', 10, 1)]);
  const deps = { blobs, config, clock: new FixedClock(new Date(NOW)) };
  const first = (await runMigrate([], {}, () => undefined, deps)) ?? assert.fail('no result');
  assert.equal(first.find((m) => m.blob === 'state/recent/raw/site-meter.json')?.added, 8);
  const state =
    (await new RecentStateStore(blobs).read(CONTAINERS.raw, 'site-meter'))?.state ?? assert.fail('no state');
  assert.deepEqual(
    state.sites.get('park-1')?.map((e) => new Date(e.availableAt).toISOString()),
    [35, 25, 15, 5, 2, 1].map(at),
    'the repeated one with its first availableAt',
  );

  // The state, the listing of both layouts, and history read the same records.
  const asOf = new Date(NOW);
  const listed = await observations.recentAvailable(meter, 'park-1', asOf, 2);
  const fromState = await observations.forRun().recentAvailable(meter, 'park-1', asOf, 2);
  assert.deepEqual(
    fromState.map((l) => [l.observedAt, l.availableAt]),
    listed.map((l) => [l.observedAt, l.availableAt]),
  );
  assert.equal(listed.length, 6);
  const history = await readHistory(blobs, meter, 'park-1', new Date(NOW - 2 * 3_600_000), asOf);
  assert.deepEqual(
    history.records.map((r) => new Date(r.recordedAvailableAt).toISOString()),
    listed.map((l) => l.availableAt),
  );

  // Idempotent; and a batch stored without its merge (a run that failed between the two) is added by the next run.
  const second = (await runMigrate([], {}, () => undefined, deps)) ?? assert.fail('no result');
  assert.deepEqual(
    second.map((m) => m.added),
    first.map(() => 0),
  );
  await storeObservations(blobs, CONTAINERS.raw, [record('park-2', 0, 0)]);
  const third = (await runMigrate([], {}, () => undefined, deps)) ?? assert.fail('no result');
  assert.equal(third.find((m) => m.blob === 'state/recent/raw/site-meter.json')?.added, 1);
});

test('migrate --compact-days compacts the closed days (history reads alike), again writes nothing, and a bad count names itself', async () => {
  const config = testConfig();
  const blobs = new MemoryBlobStore();
  const meter = config.sources.find((s) => s.id === 'site-meter') ?? assert.fail('no site-meter');
  const yesterday = (minute: number): string =>
    new Date(Date.parse('2026-05-31T00:00:00.000Z') + minute * 60_000).toISOString();
  for (const m of [0, 10, 20])
    await storeObservations(blobs, CONTAINERS.raw, [
      {
        source: 'site-meter',
        site: 'park-1',
        observedAt: yesterday(m),
        availableAt: yesterday(m + 25),
        values: { power_kw: m, ghi_wm2: 1 },
      },
    ]);
  const from = new Date('2026-05-31T00:00:00.000Z');
  const before = await readHistory(blobs, meter, 'park-1', from, new Date(NOW));
  const deps = { blobs, config, clock: new FixedClock(new Date(NOW)) };
  const lines: string[] = [];
  await runMigrate(['--compact-days', '2'], {}, (l) => lines.push(l), deps);
  assert.ok(lines.includes('raw/_batches/site-meter/2026-05-31/_day.json: 3 batch(es), 3 record(s)'), lines.join('\n'));
  assert.deepEqual(await readHistory(blobs, meter, 'park-1', from, new Date(NOW)), before);
  const again: string[] = [];
  await runMigrate(['--compact-days', '2'], {}, (l) => again.push(l), deps);
  assert.ok(again.includes('raw/_batches/site-meter/2026-05-31/_day.json: up-to-date'), again.join('\n'));
  await assert.rejects(
    runMigrate(['--compact-days', 'all'], {}, () => undefined, deps),
    /--compact-days must be a whole number of days, at least 1, not "all"/,
  );
});
