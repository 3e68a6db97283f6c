import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type BlobItem, StorageUnavailableError } from '../../../shared/storage/BlobStore';
import { ListingCacheBlobStore } from '../../../shared/storage/ListingCacheBlobStore';
import { MemoryBlobStore } from '../../support/MemoryBlobStore';

async function names(items: AsyncIterable<BlobItem>): Promise<string[]> {
  const out: string[] = [];
  for await (const item of items) out.push(item.name);
  return out;
}

test('a folder is listed once and then served from memory; reads and writes go through', async () => {
  const inner = new MemoryBlobStore();
  await inner.put('raw', 'a/2026-06-01/1.json', '1');
  await inner.put('raw', 'b/2026-06-01/1.json', '1');
  let listings = 0;
  const list = inner.list.bind(inner);
  inner.list = (container: string, prefix: string) => {
    listings++;
    return list(container, prefix);
  };
  const cached = new ListingCacheBlobStore(inner);
  assert.deepEqual(await Promise.all([names(cached.list('raw', 'a/')), names(cached.list('raw', 'a/'))]), [
    ['a/2026-06-01/1.json'],
    ['a/2026-06-01/1.json'],
  ]);
  await cached.put('raw', 'a/2026-06-01/2.json', '2');
  assert.deepEqual(await names(cached.list('raw', 'a/')), ['a/2026-06-01/1.json'], 'the view of the first listing');
  assert.equal(listings, 1);
  assert.deepEqual(await names(cached.list('raw', 'b/')), ['b/2026-06-01/1.json']);
  assert.equal(listings, 2);
  assert.equal((await cached.get('raw', 'a/2026-06-01/2.json'))?.body.toString(), '2');
});

test('a failed listing is not remembered: the next call lists again', async () => {
  const inner = new MemoryBlobStore();
  await inner.put('raw', 'a/1.json', '1');
  const list = inner.list.bind(inner);
  let fail = true;
  inner.list = (container: string, prefix: string) => {
    if (fail) {
      fail = false;
      return (async function* () {
        throw new StorageUnavailableError('connect ECONNREFUSED');
      })();
    }
    return list(container, prefix);
  };
  const cached = new ListingCacheBlobStore(inner);
  await assert.rejects(names(cached.list('raw', 'a/')), /ECONNREFUSED/);
  assert.deepEqual(await names(cached.list('raw', 'a/')), ['a/1.json']);
});
