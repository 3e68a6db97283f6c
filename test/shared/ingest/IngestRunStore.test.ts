import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { IngestResult } from '../../../shared/ingest/ingestSource';
import { ingestStatusName, IngestRunStore, summarizeIngest } from '../../../shared/ingest/IngestRunStore';
import { CONTAINERS, StorageUnavailableError } from '../../../shared/storage/BlobStore';
import { StatusStore } from '../../../shared/storage/StatusStore';
import { MemoryBlobStore } from '../../support/MemoryBlobStore';

const AT = new Date('2026-06-01T12:00:05Z');

const result = (over: Partial<IngestResult> = {}): IngestResult => ({
  source: 'weather',
  pages: 2,
  received: 13,
  withoutValue: 0,
  stored: 12,
  duplicates: 0,
  quarantined: 1,
  quarantinedPages: 0,
  retries: 0,
  from: '2026-06-01T11:50:00.000Z',
  to: '2026-06-01T12:00:00.000Z',
  caughtUp: true,
  breaker: 'closed',
  ...over,
});

function setup() {
  const blobs = new MemoryBlobStore();
  const status = new StatusStore(blobs);
  return { blobs, status, runs: new IngestRunStore(status, 'weather') };
}

test('the record is named after the function, ingest-<source>', () => {
  assert.equal(ingestStatusName('site-meter'), 'ingest-site-meter');
});

test('summarizeIngest: the counts, and those without a value only when there are some', () => {
  assert.equal(summarizeIngest(result()), '12 stored, 0 duplicate, 1 quarantined');
  assert.equal(
    summarizeIngest(result({ withoutValue: 3 })),
    '12 stored, 0 duplicate, 1 quarantined, 3 without a value',
  );
});

test('a run that read the provider: ok, its counts, the whole result in details (the JSON health reads)', async () => {
  const { blobs, runs } = setup();
  await runs.recordResult(result(), AT);
  const blob = await blobs.get(CONTAINERS.state, 'status/ingest-weather.json');
  const record = JSON.parse(blob?.body.toString('utf8') ?? '{}');
  assert.deepEqual(record, {
    at: '2026-06-01T12:00:05.000Z',
    ok: true,
    summary: '12 stored, 0 duplicate, 1 quarantined',
    details: result(),
  });
  assert.deepEqual(Object.keys(record), ['at', 'ok', 'summary', 'details']);
});

test('a run that made no call (breaker open): not ok, the reason, the result with the breaker in details', async () => {
  const { status, runs } = setup();
  const breaker = {
    source: 'weather',
    state: 'open' as const,
    since: '2026-06-01T11:40:00Z',
    consecutiveFailures: 3,
    lastError: null,
    retryAt: '2026-06-01T12:10:00Z',
  };
  const skipped = result({
    pages: 0,
    received: 0,
    stored: 0,
    quarantined: 0,
    breaker: 'open',
    skipped: { reason: 'circuit breaker of "weather" is open', breaker },
  });
  await runs.recordResult(skipped, AT);
  const record = await status.read('ingest-weather');
  assert.equal(record?.ok, false);
  assert.equal(record?.summary, 'skipped: circuit breaker of "weather" is open');
  assert.deepEqual(record?.details?.['skipped'], { reason: 'circuit breaker of "weather" is open', breaker });
});

test('a failure: not ok, the message, no details; a store that cannot write never fails the run', async () => {
  const { blobs, status, runs } = setup();
  await runs.recordFailure(new Error('provider "weather": GET /observations answered HTTP 401'), AT);
  assert.deepEqual(await status.read('ingest-weather'), {
    at: '2026-06-01T12:00:05.000Z',
    ok: false,
    summary: 'provider "weather": GET /observations answered HTTP 401',
  });
  blobs.put = async () => {
    throw new StorageUnavailableError('Blob Storage could not write');
  };
  await runs.recordResult(result(), AT);
  await runs.recordFailure(new Error('again'), AT);
});
