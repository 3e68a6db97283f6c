import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ParsedBlobCache } from '../../../shared/storage/ParsedBlobCache';

describe('ParsedBlobCache', () => {
  it('parses a blob once per ETag and again when the ETag changes', () => {
    const cache = new ParsedBlobCache();
    let parses = 0;
    const parse = (text: string) => () => {
      parses++;
      return JSON.parse(text) as { v: number };
    };
    assert.deepEqual(cache.parsed('c', 'a.json', '"1"', parse('{"v":1}')), { v: 1 });
    assert.deepEqual(cache.parsed('c', 'a.json', '"1"', parse('{"v":1}')), { v: 1 });
    assert.equal(parses, 1, 'the same ETag: not parsed again');
    assert.deepEqual(cache.parsed('c', 'a.json', '"2"', parse('{"v":2}')), { v: 2 }, 'another writer wrote it');
    assert.equal(parses, 2);
    assert.deepEqual(cache.parsed('d', 'a.json', '"2"', parse('{"v":3}')), { v: 3 }, 'containers are apart');
    assert.equal(parses, 3);
  });

  it('serves what a write remembered, forgets on request, and keeps at most maxEntries blobs', () => {
    const cache = new ParsedBlobCache(2);
    const written = { v: 9 };
    cache.remember('c', 'a', '"7"', written);
    assert.equal(
      cache.parsed('c', 'a', '"7"', () => assert.fail('not parsed')),
      written,
    );
    cache.forget('c', 'a');
    assert.deepEqual(
      cache.parsed('c', 'a', '"7"', () => ({ v: 1 })),
      { v: 1 },
    );
    cache.remember('c', 'b', '"1"', 'b');
    cache.remember('c', 'x', '"1"', 'x');
    assert.equal(
      cache.parsed('c', 'a', '"7"', () => 'parsed again'),
      'parsed again',
      'the oldest was forgotten',
    );
    assert.equal(
      cache.parsed('c', 'x', '"1"', () => assert.fail('x is kept')),
      'x',
    );
  });
});
