import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  formatShardMessage,
  parseShardMessage,
  PredictShardMessageError,
} from '../../../shared/predict/PredictShardMessage';

const good = { version: 1, issueTime: '2026-06-01T12:00:00.000Z', shard: 1, shards: 3 } as const;

test('parseShardMessage reads what formatShardMessage writes, as text, as bytes and as the object the worker parsed', () => {
  const text = formatShardMessage(good);
  assert.deepEqual(parseShardMessage(text), good);
  assert.deepEqual(parseShardMessage(Buffer.from(text)), good);
  assert.deepEqual(parseShardMessage(JSON.parse(text)), good);
  assert.deepEqual(parseShardMessage({ ...good, issueTime: '2026-06-01T12:00:00Z' }), good, 'normalised');
});

test('parseShardMessage refuses a malformed message with a PredictShardMessageError naming the bad value and what was expected', () => {
  const cases: [unknown, RegExp][] = [
    ['hello', /not JSON: "hello"; expected \{"version":1/],
    ['[1,2]', /must be a JSON object, got \[1,2\]/],
    [null, /must be a JSON object, got null/],
    [42, /must be a JSON object, got 42/],
    [{ ...good, version: 2 }, /"version" must be 1, got 2/],
    [{ ...good, issueTime: 'noon' }, /"issueTime" must be an ISO 8601 UTC time .*got "noon"/],
    [{ ...good, issueTime: '2026-06-01T12:00:00+02:00' }, /"issueTime" .*got "2026-06-01T12:00:00\+02:00"/],
    [{ ...good, issueTime: undefined }, /"issueTime" .*got nothing/],
    [{ ...good, shards: 0 }, /"shards" must be a whole number of at least 1, got 0/],
    [{ ...good, shards: '3' }, /"shards" .*got "3"/],
    [{ ...good, shard: 3 }, /"shard" must be a whole number from 0 to 2, got 3/],
    [{ ...good, shard: -1 }, /"shard" .*got -1/],
    [{ ...good, shard: 0.5 }, /"shard" .*got 0.5/],
  ];
  for (const [entry, message] of cases) {
    assert.throws(
      () => parseShardMessage(entry),
      (err: unknown) => {
        assert.ok(err instanceof PredictShardMessageError, String(err));
        assert.equal(err.code, 'BAD_SHARD_MESSAGE');
        assert.equal(err.canRetry(), false);
        assert.match(err.message, message);
        return true;
      },
      JSON.stringify(entry),
    );
  }
});
