import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { assertPortFree } from '../../../local/services/assertPortFree';
import { cosmosClientOptions } from '../../../local/services/cosmosClientOptions';
import { parseCosmosSnapshot } from '../../../local/services/CosmosSnapshot';
import { findFreePort } from '../../../local/services/findFreePort';
import { OutputTail } from '../../../local/services/OutputTail';
import { ServiceError } from '../../../local/services/ServiceError';
import { WaitTimeoutError, waitFor } from '../../../local/services/waitFor';

describe('waitFor', () => {
  it('returns the first value the probe gives, treating throws as not yet', async () => {
    let calls = 0;
    const value = await waitFor(
      async () => {
        calls += 1;
        if (calls === 1) throw new Error('connection refused');
        return calls === 3 ? 'up' : undefined;
      },
      { description: 'a service', timeoutMs: 1_000, intervalMs: 1 },
    );
    assert.equal(value, 'up');
    assert.equal(calls, 3);
  });

  it('times out naming what it waited for and the last error', async () => {
    await assert.rejects(
      waitFor(async () => Promise.reject(new Error('ECONNREFUSED')), {
        description: 'azurite on 127.0.0.1:1',
        timeoutMs: 30,
        intervalMs: 5,
      }),
      (err: unknown) => err instanceof WaitTimeoutError && /azurite on 127\.0\.0\.1:1.*ECONNREFUSED/.test(err.message),
    );
  });

  it('stops at once when failFast reports an error', async () => {
    const exited = new Error('exited');
    await assert.rejects(
      waitFor(async () => undefined, { description: 'x', timeoutMs: 10_000, failFast: () => exited }),
      (err: unknown) => err === exited,
    );
  });
});

describe('ports', () => {
  it('findFreePort gives a port assertPortFree accepts, and assertPortFree refuses a held one', async () => {
    const port = await findFreePort();
    assert.ok(port > 0);
    await assertPortFree(port, '127.0.0.1', 'test');
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(port, '127.0.0.1', resolve));
    try {
      await assert.rejects(assertPortFree(port, '127.0.0.1', 'cosmos'), (err: unknown) => {
        return (
          err instanceof ServiceError &&
          err.code === 'PORT_IN_USE' &&
          err.message.includes(`port ${port}`) &&
          err.message.includes('cosmos')
        );
      });
    } finally {
      holder.close();
    }
  });
});

describe('cosmosClientOptions', () => {
  it('accepts the local server and scopes the relaxed TLS agent to the client', () => {
    const options = cosmosClientOptions('https://127.0.0.1:8081/', 'key');
    assert.equal(options.endpoint, 'https://127.0.0.1:8081/');
    assert.ok(options.agent);
    assert.equal(options.connectionPolicy?.enableEndpointDiscovery, false);
    assert.equal(process.env.NODE_TLS_REJECT_UNAUTHORIZED, undefined);
  });

  for (const endpoint of [
    'https://myaccount.documents.azure.com:443/',
    'http://127.0.0.1:8081/',
    'https://10.0.0.5:8081/',
  ]) {
    it(`refuses ${endpoint}`, () => {
      assert.throws(
        () => cosmosClientOptions(endpoint, 'key'),
        (err: unknown) => err instanceof ServiceError && err.code === 'NOT_LOCAL_ENDPOINT',
      );
    });
  }
});

describe('parseCosmosSnapshot', () => {
  const valid = {
    version: 1,
    takenAt: '2024-01-01T00:00:00.000Z',
    databases: [
      {
        id: 'forecasting',
        containers: [
          { definition: { id: 'forecasts', partitionKey: { paths: ['/site'] } }, documents: [{ id: 'a', site: 'x' }] },
        ],
      },
    ],
  };

  it('reads a valid snapshot', () => {
    const snapshot = parseCosmosSnapshot(JSON.stringify(valid), 'snap.json');
    assert.deepEqual(snapshot, valid);
  });

  const broken: Array<[string, string]> = [
    ['not JSON', '{"version": 1,'],
    ['wrong version', JSON.stringify({ ...valid, version: 2 })],
    ['database without id', JSON.stringify({ version: 1, databases: [{ containers: [] }] })],
    [
      'container without definition',
      JSON.stringify({ version: 1, databases: [{ id: 'd', containers: [{ documents: [] }] }] }),
    ],
    [
      'document without id',
      JSON.stringify({
        version: 1,
        databases: [{ id: 'd', containers: [{ definition: { id: 'c' }, documents: [{ site: 'x' }] }] }],
      }),
    ],
  ];
  for (const [what, text] of broken) {
    it(`refuses a snapshot with ${what}, naming the file`, () => {
      assert.throws(
        () => parseCosmosSnapshot(text, '/data/cosmos-snapshot.json'),
        (err: unknown) => {
          return (
            err instanceof ServiceError &&
            err.code === 'BAD_SNAPSHOT' &&
            err.message.includes('/data/cosmos-snapshot.json')
          );
        },
      );
    });
  }
});

describe('OutputTail', () => {
  it('keeps the last lines across chunk boundaries and reports each line', async () => {
    const stream = new PassThrough();
    const seen: string[] = [];
    const tail = new OutputTail([stream], { maxLines: 2, onLine: (line) => seen.push(line) });
    stream.write('one\ntw');
    stream.write('o\nthree\nfour');
    stream.end();
    await new Promise((resolve) => stream.once('end', resolve));
    assert.deepEqual(seen, ['one', 'two', 'three', 'four']);
    assert.equal(tail.text(), 'three\nfour');
  });
});
