import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gatherInputs } from '../../../shared/predict/gatherInputs';
import { ObservationStore } from '../../../shared/sources/ObservationStore';
import { CONTAINERS } from '../../../shared/storage/BlobStore';
import { MemoryBlobStore } from '../../support/MemoryBlobStore';
import { testConfig } from '../../support/testServices';

test('gatherInputs lists the recent history available at issueTime, values from the listing, no blob read', async () => {
  const config = testConfig();
  const blobs = new MemoryBlobStore();
  const store = new ObservationStore(blobs);
  const issue = Date.parse('2026-06-01T12:00:00Z');
  // Observed every 10 min, available 25 min later: the ones observed in the last 25 min are not available yet.
  for (let m = 120; m >= 0; m -= 10) {
    await store.putIfAbsent(CONTAINERS.raw, {
      source: 'site-meter',
      site: 'park-1',
      observedAt: new Date(issue - m * 60_000).toISOString(),
      availableAt: new Date(issue - (m - 25) * 60_000).toISOString(),
      values: { power_kw: 1000 - m, ghi_wm2: 500 },
    });
  }
  let reads = 0;
  const get = blobs.get.bind(blobs);
  blobs.get = (container, name) => {
    reads++;
    return get(container, name);
  };
  const { latest, recent } = await gatherInputs(config, 'park-1', new Date(issue), store);
  assert.equal(latest.get('site-meter')?.observedAt, new Date(issue - 30 * 60_000).toISOString());
  const history = recent.get('site-meter') ?? [];
  assert.equal(history.length, 10, 'observed 120..30 min before issueTime');
  assert.ok(history.every((r) => r.availableAt <= issue));
  assert.deepEqual(history[1]?.values, { power_kw: 960, ghi_wm2: 500 });
  assert.equal(reads, 0, 'the listing carried every value');
});
