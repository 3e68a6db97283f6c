import assert from 'node:assert/strict';
import { test } from 'node:test';
import { WatermarkConflictError } from '../../../shared/ingest/WatermarkConflictError';
import { WatermarkStore } from '../../../shared/ingest/WatermarkStore';
import { BlobConflictError } from '../../../shared/storage/BlobStore';
import { retryDecisionOf } from '../../../shared/util/retryDecisionOf';
import { MemoryBlobStore } from '../../support/MemoryBlobStore';

const mark = (since: string) => ({ since, updatedAt: since });

test('two runs creating the same watermark: the second stops with a retryable WatermarkConflictError naming the source', async () => {
  const store = new WatermarkStore(new MemoryBlobStore());
  await store.write('weather', mark('2026-06-01T12:00:00.000Z'), undefined);
  await assert.rejects(store.write('weather', mark('2026-06-01T12:10:00.000Z'), undefined), (err: unknown) => {
    assert.ok(err instanceof WatermarkConflictError);
    assert.equal(err.source, 'weather');
    assert.equal(
      err.message,
      'watermark of "weather" was created by a concurrent run; this run stops without advancing it',
    );
    assert.deepEqual(retryDecisionOf(err), { retryable: true, code: 'WATERMARK_CONFLICT' });
    return true;
  });
  assert.equal(
    (await store.read('weather'))?.watermark.since,
    '2026-06-01T12:00:00.000Z',
    'the first run keeps its watermark',
  );
});

test('two runs advancing the same watermark: the one with the stale ETag gets a retryable BlobConflictError', async () => {
  const store = new WatermarkStore(new MemoryBlobStore());
  const etag = await store.write('weather', mark('2026-06-01T12:00:00.000Z'), undefined);
  await store.write('weather', mark('2026-06-01T12:10:00.000Z'), etag);
  await assert.rejects(
    store.write('weather', mark('2026-06-01T12:20:00.000Z'), etag),
    (err: unknown) => err instanceof BlobConflictError && retryDecisionOf(err).retryable,
  );
});
