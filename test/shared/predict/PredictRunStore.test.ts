import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PredictResult } from '../../../shared/predict/predictAll';
import { PREDICT_STATUS, PredictRunStore } from '../../../shared/predict/PredictRunStore';
import { CONTAINERS, StorageUnavailableError } from '../../../shared/storage/BlobStore';
import { StatusStore } from '../../../shared/storage/StatusStore';
import { MemoryBlobStore } from '../../support/MemoryBlobStore';

const AT = new Date('2026-06-01T12:00:05Z');
const NAME = `status/${PREDICT_STATUS}.json`;

function setup() {
  const blobs = new MemoryBlobStore();
  return { blobs, runs: new PredictRunStore(new StatusStore(blobs)) };
}

const stored = async (blobs: MemoryBlobStore): Promise<unknown> => {
  const blob = await blobs.get(CONTAINERS.state, NAME);
  return blob ? JSON.parse(blob.body.toString('utf8')) : undefined;
};

function result(issueTime: string, skipped: PredictResult['skipped'] = []): PredictResult {
  return {
    issueTime,
    forecasts: [
      {
        id: `park-1|${issueTime}`,
        site: 'park-1',
        issueTime,
        createdAt: issueTime,
        target: { source: 'site-meter', field: 'power_kw', unit: 'kW' },
        model: { id: 'gbdt-all', kind: 'onnx', version: 'v7', sources: ['site-meter'] },
        leads: [],
        inputs: [],
        missing: [],
      },
    ],
    skipped,
    pending: 1,
    flushed: 2,
    caughtUp: ['2026-06-01T11:50:00.000Z'],
  };
}

test('no record: no cursor, and a failure is recorded without one', async () => {
  const { blobs, runs } = setup();
  assert.equal(await runs.lastIssueTime(), undefined);
  await runs.recordFailure(new Error('model registry unreadable'), AT);
  assert.deepEqual(await stored(blobs), {
    at: '2026-06-01T12:00:05.000Z',
    ok: false,
    summary: 'model registry unreadable',
    details: {},
  });
  assert.equal(await runs.lastIssueTime(), undefined);
});

test('a success is stored as the record health shows and the next run reads as its cursor', async () => {
  const { blobs, runs } = setup();
  await runs.recordSuccess(result('2026-06-01T12:00:00.000Z'), AT);
  assert.equal(await runs.lastIssueTime(), '2026-06-01T12:00:00.000Z');
  // The exact JSON (keys in this order) of the records written before the store existed: health and older runs read it.
  const blob = await blobs.get(CONTAINERS.state, NAME);
  assert.equal(
    blob?.body.toString('utf8'),
    '{"at":"2026-06-01T12:00:05.000Z","ok":true,"summary":"issue 2026-06-01T12:00:00.000Z: 1 forecast(s), 0 site(s) skipped",' +
      '"details":{"issueTime":"2026-06-01T12:00:00.000Z","caughtUp":["2026-06-01T11:50:00.000Z"],"pending":1,"flushed":2,' +
      '"models":[{"site":"park-1","model":"gbdt-all","version":"v7"}],"skipped":[]}}',
  );
  assert.equal(blob?.contentType, 'application/json');
});

test('a run that skipped a site is recorded as not ok, and still moves the cursor', async () => {
  const { blobs, runs } = setup();
  await runs.recordSuccess(
    result('2026-06-01T12:10:00.000Z', [
      { site: 'park-2', issueTime: '2026-06-01T12:10:00.000Z', reason: 'no model can run' },
    ]),
    AT,
  );
  const record = (await stored(blobs)) as { ok: boolean; summary: string };
  assert.equal(record.ok, false);
  assert.equal(record.summary, 'issue 2026-06-01T12:10:00.000Z: 1 forecast(s), 1 site(s) skipped');
  assert.equal(await runs.lastIssueTime(), '2026-06-01T12:10:00.000Z');
});

test('failures carry the last good issue time over, run after run', async () => {
  const { blobs, runs } = setup();
  await runs.recordSuccess(result('2026-06-01T12:00:00.000Z'), AT);
  await runs.recordFailure(new Error('first'), new Date('2026-06-01T12:10:05Z'));
  await runs.recordFailure('second', new Date('2026-06-01T12:20:05Z'));
  assert.deepEqual(await stored(blobs), {
    at: '2026-06-01T12:20:05.000Z',
    ok: false,
    summary: 'second',
    details: { lastGoodIssueTime: '2026-06-01T12:00:00.000Z' },
  });
  assert.equal(await runs.lastIssueTime(), '2026-06-01T12:00:00.000Z');
});

test('records written before the store existed are read as they were', async () => {
  const cases: [string, string | undefined][] = [
    [
      '{"at":"x","ok":true,"summary":"s","details":{"issueTime":"2026-06-01T11:30:00.000Z"}}',
      '2026-06-01T11:30:00.000Z',
    ],
    [
      '{"at":"x","ok":false,"summary":"s","details":{"lastGoodIssueTime":"2026-06-01T11:20:00.000Z"}}',
      '2026-06-01T11:20:00.000Z',
    ],
    ['{"at":"x","ok":false,"summary":"s","details":{}}', undefined],
    ['{"at":"x","ok":false,"summary":"s"}', undefined],
    [
      '{"at":"x","ok":true,"summary":"s","details":{"issueTime":null,"lastGoodIssueTime":"2026-06-01T11:20:00.000Z"}}',
      '2026-06-01T11:20:00.000Z',
    ],
    ['{"at":"x","ok":true,"summary":"s","details":{"issueTime":1780000000000}}', undefined],
    ['not json', undefined],
    ['[1,2]', undefined],
  ];
  for (const [json, expected] of cases) {
    const { blobs, runs } = setup();
    await blobs.put(CONTAINERS.state, NAME, json);
    assert.equal(await runs.lastIssueTime(), expected, json);
  }
});

test('while Blob Storage is down the cursor is not read as "none": the read fails, and a failure writes nothing', async () => {
  const { blobs, runs } = setup();
  await runs.recordSuccess(result('2026-06-01T12:00:00.000Z'), AT);
  const before = await stored(blobs);
  const down = new StorageUnavailableError(
    'Blob Storage could not read state/status/predict.json: connect ECONNREFUSED',
  );
  const get = blobs.get.bind(blobs);
  blobs.get = async () => {
    throw down;
  };
  let puts = 0;
  const put = blobs.put.bind(blobs);
  blobs.put = async (...args) => {
    puts++;
    return put(...args);
  };
  await assert.rejects(runs.lastIssueTime(), (err) => err === down);
  await runs.recordFailure(new Error('boom'), AT);
  assert.equal(puts, 0, 'nothing written when the previous record cannot be read');
  blobs.get = get;
  assert.deepEqual(await stored(blobs), before);
});

test('recording never fails the run: a store that cannot write is ignored', async () => {
  const { blobs, runs } = setup();
  blobs.put = async () => {
    throw new StorageUnavailableError('Blob Storage could not write state/status/predict.json');
  };
  await runs.recordSuccess(result('2026-06-01T12:00:00.000Z'), AT);
  await runs.recordFailure(new Error('boom'), AT);
  assert.equal(await runs.lastIssueTime(), undefined);
});
