import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type BlobServiceClient, RestError } from '@azure/storage-blob';
import { AzureBlobStore } from '../../../shared/storage/AzureBlobStore';
import { BlobConflictError, StorageRefusedError, StorageUnavailableError } from '../../../shared/storage/BlobStore';
import { retryDecisionOf } from '../../../shared/util/retryDecisionOf';

/** A BlobServiceClient whose every blob call (upload, download, delete, list) rejects with `err`, as the SDK would. */
function failingService(err: unknown): BlobServiceClient {
  const reject = async (): Promise<never> => {
    throw err;
  };
  const blob = { upload: reject, download: reject, deleteIfExists: reject, exists: async () => true };
  const container = {
    getBlockBlobClient: () => blob,
    listBlobsFlat: () => ({
      [Symbol.asyncIterator]: () => ({ next: reject }),
    }),
  };
  return { getContainerClient: () => container } as unknown as BlobServiceClient;
}

function restError(statusCode: number | undefined, code: string, message: string): RestError {
  return new RestError(message, { statusCode, code });
}

async function drain(items: AsyncIterable<unknown>): Promise<unknown[]> {
  const all: unknown[] = [];
  for await (const item of items) all.push(item);
  return all;
}

test('a refusal (400, 401, 403, 404 on a write, 409) is a StorageRefusedError: not retryable, naming the operation, the status and the service code', async () => {
  for (const status of [400, 401, 403, 404, 409]) {
    const store = new AzureBlobStore(
      failingService(restError(status, 'AuthorizationPermissionMismatch', 'This request is not authorized')),
    );
    await assert.rejects(store.put('raw', 'site-meter/x.json', 'x'), (err: unknown) => {
      assert.ok(err instanceof StorageRefusedError, `HTTP ${status}: ${String(err)}`);
      assert.equal(err.code, 'STORAGE_REFUSED');
      assert.equal(err.status, status);
      assert.equal(err.storageCode, 'AuthorizationPermissionMismatch');
      assert.equal(err.operation, 'write raw/site-meter/x.json');
      assert.equal(
        err.message,
        `Blob Storage refused to write raw/site-meter/x.json (HTTP ${status}, AuthorizationPermissionMismatch): This request is not authorized`,
      );
      assert.deepEqual(retryDecisionOf(err), { retryable: false, code: 'STORAGE_REFUSED' });
      return true;
    });
  }
});

test('a 403 is refused on every operation: read, list, delete, create', async () => {
  const store = new AzureBlobStore(failingService(restError(403, 'AuthorizationFailure', 'denied')));
  await assert.rejects(
    store.get('state', 'status/predict.json'),
    (err: unknown) =>
      err instanceof StorageRefusedError && /refused to read state\/status\/predict\.json \(HTTP 403/.test(err.message),
  );
  await assert.rejects(
    drain(store.list('raw', 'site-meter/')),
    (err: unknown) =>
      err instanceof StorageRefusedError && /refused to list raw\/site-meter\/ \(HTTP 403/.test(err.message),
  );
  await assert.rejects(
    store.delete('forecasts', 'pending/x.json'),
    (err: unknown) =>
      err instanceof StorageRefusedError && /refused to delete forecasts\/pending\/x\.json/.test(err.message),
  );
  await assert.rejects(
    store.putIfAbsent('raw', 'x.json', 'x'),
    (err: unknown) => err instanceof StorageRefusedError && err.status === 403,
  );
});

test('throttling, timeouts, server errors and network failures are a retryable StorageUnavailableError', async () => {
  const cases: [string, unknown][] = [
    ['408', restError(408, 'OperationTimedOut', 'timed out')],
    ['429', restError(429, 'ServerBusy', 'slow down')],
    ['500', restError(500, 'InternalError', 'oops')],
    ['503', restError(503, 'ServerBusy', 'busy')],
    [
      'no status (the request was not sent)',
      restError(undefined, 'REQUEST_SEND_ERROR', 'connect ECONNREFUSED 127.0.0.1:10000'),
    ],
    ['a stream error while reading', Object.assign(new Error('aborted'), { code: 'ECONNRESET' })],
    ['a non-Error throw', 'socket hang up'],
  ];
  for (const [name, thrown] of cases) {
    const store = new AzureBlobStore(failingService(thrown));
    await assert.rejects(store.get('raw', 'x.json'), (err: unknown) => {
      assert.ok(err instanceof StorageUnavailableError, `${name}: ${String(err)}`);
      assert.match(err.message, /^Blob Storage could not read raw\/x\.json: /);
      assert.equal(err.cause, thrown);
      assert.deepEqual(retryDecisionOf(err), { retryable: true, code: 'STORAGE_UNAVAILABLE' });
      return true;
    });
  }
});

test('the answers that are not failures stay answers: 404 on read and list, 409/412 on create, 412 on a conditional write', async () => {
  assert.equal(
    await new AzureBlobStore(failingService(restError(404, 'BlobNotFound', 'none'))).get('raw', 'x.json'),
    undefined,
  );
  assert.deepEqual(
    await drain(new AzureBlobStore(failingService(restError(404, 'ContainerNotFound', 'none'))).list('raw', '')),
    [],
  );
  assert.equal(
    await new AzureBlobStore(failingService(restError(409, 'BlobAlreadyExists', 'exists'))).putIfAbsent(
      'raw',
      'x.json',
      'x',
    ),
    false,
  );
  assert.equal(
    await new AzureBlobStore(failingService(restError(412, 'ConditionNotMet', 'exists'))).putIfAbsent(
      'raw',
      'x.json',
      'x',
    ),
    false,
  );
  await assert.rejects(
    new AzureBlobStore(failingService(restError(412, 'ConditionNotMet', 'changed'))).put('state', 'w.json', 'x', {
      ifMatch: '"1"',
    }),
    BlobConflictError,
  );
});

test('a conditional delete of a blob someone changed is a BlobConflictError (retryable), not a refusal', async () => {
  await assert.rejects(
    new AzureBlobStore(failingService(restError(412, 'ConditionNotMet', 'changed'))).delete(
      'forecasts',
      'pending/x.json',
      {
        ifMatch: '"0x1"',
      },
    ),
    BlobConflictError,
  );
});
