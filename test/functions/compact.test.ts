import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvocationContext, type Timer } from '@azure/functions';
import { makeCompactHandler } from '../../functions/compact';
import { COMPACT_STATUS } from '../../shared/sources/compactClosedDays';
import { dayBlobName } from '../../shared/sources/compactedDays';
import type { Observation } from '../../shared/sources/Observation';
import { ObservationBatchReader } from '../../shared/sources/ObservationBatchReader';
import { storeObservations } from '../../shared/sources/storeObservations';
import { CONTAINERS, StorageUnavailableError } from '../../shared/storage/BlobStore';
import { StatusStore } from '../../shared/storage/StatusStore';
import { FixedClock } from '../support/fixedClock';
import { MemoryBlobStore } from '../support/MemoryBlobStore';
import { testConfig } from '../support/testServices';

const timer: Timer = {
  isPastDue: false,
  schedule: { adjustForDST: false },
  scheduleStatus: { last: '', next: '', lastUpdated: '' },
};

const obs = (site: string, observedAt: string, availableAt: string): Observation => ({
  source: 'site-meter',
  site,
  observedAt,
  availableAt,
  values: { power_kw: 1 },
});

function setup() {
  const blobs = new MemoryBlobStore();
  const clock = new FixedClock(new Date('2026-06-02T03:30:00.000Z'));
  const config = testConfig();
  const logs: { level: string; text: string }[] = [];
  const context = new InvocationContext({
    functionName: 'compact',
    logHandler: (level, ...args) => logs.push({ level, text: args.map(String).join(' ') }),
  });
  return { blobs, clock, config, logs, context };
}

test('compact folds the closed days into one blob per source and day, logs one line, and writes nothing when run again', async () => {
  const t = setup();
  await storeObservations(t.blobs, CONTAINERS.raw, [
    obs('park-1', '2026-06-01T10:00:00.000Z', '2026-06-01T10:30:00.000Z'),
  ]);
  await storeObservations(t.blobs, CONTAINERS.raw, [
    obs('park-1', '2026-06-01T10:10:00.000Z', '2026-06-01T10:40:00.000Z'),
  ]);
  const status = new StatusStore(t.blobs);
  const handler = makeCompactHandler(
    () => ({ config: t.config, blobs: t.blobs, clock: t.clock, status }),
    () => ({ lookbackDays: 2 }),
  );
  const first = await handler(timer, t.context);
  assert.deepEqual(
    first.filter((r) => r.outcome === 'written').map((r) => `${r.container}/${r.source} ${r.day}`),
    ['raw/site-meter 2026-06-01'],
  );
  assert.ok(t.blobs.names(CONTAINERS.raw).includes(dayBlobName('site-meter', '2026-06-01')));
  assert.equal(t.logs.length, 1);
  assert.match(
    t.logs[0]?.text ?? '',
    /^compact: 1 day\(s\) written, 0 up to date, \d+ without batches, 0 conflict\(s\)$/,
  );
  const day = await new ObservationBatchReader(t.blobs).day(CONTAINERS.raw, 'site-meter', '2026-06-01');
  assert.equal(day.bySite.get('park-1')?.length, 2);
  // The run's record, which /api/health shows.
  const recorded = (await status.read(COMPACT_STATUS)) ?? assert.fail('no status record');
  assert.deepEqual(
    { ...recorded, details: { ...recorded.details, empty: 'n' } },
    {
      at: '2026-06-02T03:30:00.000Z',
      ok: true,
      summary: (t.logs[0]?.text ?? '').replace(/^compact: /, ''),
      details: { written: 1, upToDate: 0, empty: 'n', conflicts: 0, rebuilt: 0, lookbackDays: 2 },
    },
  );

  const again = await handler(timer, t.context);
  assert.deepEqual(
    again.filter((r) => r.outcome !== 'empty').map((r) => r.outcome),
    ['up-to-date'],
  );
});

test('compact rethrows a storage outage for the platform to retry, naming it, and rejects a bad lookback setting', async () => {
  const t = setup();
  const down = Object.create(t.blobs) as MemoryBlobStore;
  down.list = () => {
    throw new StorageUnavailableError('Blob Storage did not answer (ECONNREFUSED)');
  };
  const status = new StatusStore(t.blobs);
  const handler = makeCompactHandler(() => ({ config: t.config, blobs: down, clock: t.clock, status }));
  await assert.rejects(handler(timer, t.context), StorageUnavailableError);
  assert.match(
    t.logs[0]?.text ?? '',
    /^compact failed \(retryable, STORAGE_UNAVAILABLE\): Blob Storage did not answer/,
  );
  // The failure is recorded where health reads it (here the status store itself still answers).
  const recorded = await status.read(COMPACT_STATUS);
  assert.equal(recorded?.ok, false);
  assert.match(recorded?.summary ?? '', /Blob Storage did not answer/);

  const saved = process.env['COMPACT_LOOKBACK_DAYS'];
  process.env['COMPACT_LOOKBACK_DAYS'] = 'three';
  try {
    const bad = makeCompactHandler(() => ({ config: t.config, blobs: t.blobs, clock: t.clock, status }));
    await assert.rejects(
      bad(timer, new InvocationContext()),
      /COMPACT_LOOKBACK_DAYS must be a whole number of days from 1 to 400, not "three"/,
    );
  } finally {
    if (saved === undefined) delete process.env['COMPACT_LOOKBACK_DAYS'];
    else process.env['COMPACT_LOOKBACK_DAYS'] = saved;
  }
});
