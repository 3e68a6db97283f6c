import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ModelCard } from '../../../shared/registry/ModelCard';
import { ModelRegistry } from '../../../shared/registry/ModelRegistry';
import { RegistryError } from '../../../shared/registry/RegistryError';
import { FixedClock } from '../../support/fixedClock';
import { MemoryBlobStore } from '../../support/MemoryBlobStore';

function card(version: string, bytes: Uint8Array): ModelCard {
  return {
    version,
    createdAt: '2026-06-01T00:00:00.000Z',
    codeVersion: 'test',
    exporter: { name: 'test', version: '1', opset: { 'ai.onnx': 17 } },
    target: { source: 'site-meter', field: 'power_kw', unit: 'kW' },
    leadsMinutes: [20],
    cadenceMinutes: 10,
    sites: ['park-1'],
    trainingWindow: { from: '2026-05-01T00:00:00.000Z', to: '2026-05-20T00:00:00.000Z', rows: 100 },
    heldOutWindow: { from: '2026-05-20T00:00:00.000Z', to: '2026-05-25T00:00:00.000Z', rows: 20 },
    models: [
      {
        id: 'm',
        kind: 'linear',
        file: 'm.onnx',
        sources: [],
        inputs: ['x'],
        heldOut: { perLead: [], meanRmse: 1 },
        sha256: ModelRegistry.sha256(bytes),
      },
    ],
    serving: 'm',
    pruned: [],
  };
}

test('publish, list, promote and roll back move only the pointer', async () => {
  const blobs = new MemoryBlobStore();
  const clock = new FixedClock(new Date('2026-06-01T00:00:00Z'));
  const registry = new ModelRegistry(blobs, clock);
  const bytes = new Uint8Array([1, 2, 3]);
  await registry.publish(card('v1', bytes), new Map([['m.onnx', bytes]]));
  await registry.publish(card('v2', bytes), new Map([['m.onnx', bytes]]));
  assert.deepEqual(
    (await registry.versions()).map((c) => c.version),
    ['v1', 'v2'],
  );
  assert.equal(await registry.champion(), undefined);

  await registry.promote('v1', 'first');
  clock.advanceMinutes(10);
  await registry.promote('v2', 'better');
  assert.equal((await registry.champion())?.pointer.version, 'v2');
  const back = await registry.rollback();
  assert.equal(back.version, 'v1');
  assert.match(back.reason, /rollback from v2/);
  await assert.rejects(
    registry.rollback(),
    (e: unknown) => e instanceof RegistryError && e.code === 'NO_PREVIOUS_CHAMPION',
  );
  assert.deepEqual(await registry.modelBytes((await registry.card('v1')) as ModelCard, 'm'), Buffer.from(bytes));
});

test('versions are immutable, unknown versions are refused, corrupt files are detected', async () => {
  const blobs = new MemoryBlobStore();
  const registry = new ModelRegistry(blobs, new FixedClock(new Date('2026-06-01T00:00:00Z')));
  const bytes = new Uint8Array([1, 2, 3]);
  await registry.publish(card('v1', bytes), new Map([['m.onnx', bytes]]));
  await assert.rejects(
    registry.publish(card('v1', bytes), new Map([['m.onnx', bytes]])),
    (e: unknown) => e instanceof RegistryError && e.code === 'VERSION_EXISTS',
  );
  await assert.rejects(
    registry.promote('v9', 'x'),
    (e: unknown) => e instanceof RegistryError && e.code === 'UNKNOWN_VERSION' && /v9/.test(e.message),
  );
  await blobs.put('models', 'versions/v1/m.onnx', Buffer.from([9, 9, 9]));
  await assert.rejects(
    registry.modelBytes((await registry.card('v1')) as ModelCard, 'm'),
    (e: unknown) => e instanceof RegistryError && e.code === 'CORRUPT_MODEL',
  );
});

test('version ids sort by time', () => {
  const a = ModelRegistry.versionId(new Date('2026-06-01T10:00:00Z'), 'a');
  const b = ModelRegistry.versionId(new Date('2026-06-01T10:00:01Z'), 'a');
  assert.match(a, /^20260601T100000Z-[0-9a-f]{8}$/);
  assert.ok(a < b);
});
