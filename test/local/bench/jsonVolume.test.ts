import '../../support/testEnv';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jsonVolume } from '../../../local/bench/jsonVolume';
import { observationContainer } from '../../../shared/sources/observationBlobs';
import { recentStateName } from '../../../shared/sources/RecentStateStore';
import { CONTAINERS } from '../../../shared/storage/BlobStore';
import { MemoryBlobStore } from '../../support/MemoryBlobStore';
import { testConfig } from '../../support/testServices';

test("jsonVolume measures the sources' recent states a run reads and the forecasts container it writes, nothing else", async () => {
  const config = testConfig();
  const blobs = new MemoryBlobStore();
  const json = (bytes: number): string => JSON.stringify({ pad: 'x'.repeat(bytes - 10) });
  const [first, second] = config.sources;
  assert.ok(first && second);
  await blobs.put(CONTAINERS.state, recentStateName(observationContainer(first), first.id), json(300_000));
  await blobs.put(CONTAINERS.state, recentStateName(observationContainer(second), second.id), json(200_000));
  await blobs.put(CONTAINERS.state, 'status/predict.json', json(900_000));
  await blobs.put(CONTAINERS.forecasts, 'latest/4/0.json', json(1_000_000));
  await blobs.put(CONTAINERS.forecasts, 'summary/1/0.json', json(1_500_000));
  const v = await jsonVolume(blobs, config, 3);
  assert.equal(v.readMB, 0.5, 'the two states, not the status record');
  assert.equal(v.writtenMB, 2.5);
  assert.ok(v.parseMs >= 0 && v.stringifyMs >= 0);
});
