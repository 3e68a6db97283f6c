import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { replayProviderHandler } from '../../../local/backtest/replayProviderHandler';
import type { HistoryRecord } from '../../../shared/features/HistoryRecord';

const T0 = Date.parse('2026-06-15T10:00:00Z');
const MIN = 60_000;
const KEY = 'replay-key';
// Observed every 10 minutes, available 25, 31, 22 and 40 minutes later.
const RECORDS: HistoryRecord[] = [25, 31, 22, 40].map((delay, i) => ({
  observedAt: T0 + i * 10 * MIN,
  availableAt: T0 + i * 10 * MIN + delay * MIN,
  values: { power_kw: i + 0.5 },
}));
let now = T0 + 45 * MIN;
let server: Server;
let base: string;

before(async () => {
  server = createServer(
    replayProviderHandler({
      source: 'pv',
      site: 'park-1',
      records: RECORDS,
      apiKey: KEY,
      clock: { now: () => new Date(now) },
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function get(path: string, key = KEY): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${base}${path}`, { headers: { 'x-api-key': key } });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

test("the time window serves exactly the records available at the clock's now, by observedAt", async () => {
  now = T0 + 45 * MIN;
  const from = new Date(T0 - 60 * MIN).toISOString();
  const to = new Date(now).toISOString();
  // At 10:45: 10:00 (available 10:25), 10:10 (10:41) and 10:20 (10:42); 10:30 only at 11:10.
  const { status, body } = await get(`/records?from=${from}&to=${to}`);
  assert.equal(status, 200);
  assert.deepEqual(
    (body['records'] as { time: string; power_kw: number }[]).map((r) => [r.time, r.power_kw]),
    [
      ['2026-06-15T10:00:00.000Z', 0.5],
      ['2026-06-15T10:10:00.000Z', 1.5],
      ['2026-06-15T10:20:00.000Z', 2.5],
    ],
  );
  now = T0 + 70 * MIN;
  const later = await get(`/records?from=${from}&to=${new Date(now).toISOString()}`);
  assert.equal((later.body['records'] as unknown[]).length, 4);
});

test("the native page is ordered by availability, publishedAt the replay's availableAt, and pages from since", async () => {
  now = T0 + 70 * MIN;
  const first = await get('/observations?limit=2');
  const items = first.body['items'] as { observedAt: string; publishedAt: string }[];
  assert.deepEqual(
    items.map((i) => i.observedAt),
    ['2026-06-15T10:00:00.000Z', '2026-06-15T10:10:00.000Z'],
  );
  assert.equal(items[1]?.publishedAt, '2026-06-15T10:41:00.000Z');
  assert.equal(first.body['next'], '2026-06-15T10:41:00.000Z');
  const second = await get(`/observations?since=${first.body['next'] as string}&limit=2`);
  assert.deepEqual(
    (second.body['items'] as { observedAt: string }[]).map((i) => i.observedAt),
    ['2026-06-15T10:20:00.000Z', '2026-06-15T10:30:00.000Z'],
  );
  assert.equal(second.body['next'], null);
});

test('a wrong key, a bad time and an unknown path are refused with the reason', async () => {
  assert.equal((await get('/records?from=2026-06-15T10:00:00Z&to=2026-06-15T11:00:00Z', 'wrong')).status, 401);
  const bad = await get('/records?from=yesterday&to=2026-06-15T11:00:00Z');
  assert.equal(bad.status, 400);
  assert.match(String(bad.body['error']), /"from".*"yesterday"/);
  assert.equal((await get('/images/x.png')).status, 404);
});

test('during an outage window every request answers 503, and the backlog is served after it', async () => {
  const outage = { from: T0 + 30 * MIN, to: T0 + 60 * MIN };
  const records = RECORDS.map((r) => ({ ...r, availableAt: Math.max(r.availableAt, outage.to) }));
  const down = createServer(
    replayProviderHandler({
      source: 'pv',
      site: 'park-1',
      records,
      apiKey: KEY,
      clock: { now: () => new Date(now) },
      outages: [outage],
    }),
  );
  await new Promise<void>((resolve) => down.listen(0, '127.0.0.1', resolve));
  try {
    const url = `http://127.0.0.1:${(down.address() as AddressInfo).port}/records?from=2026-06-15T09:00:00Z&to=2026-06-15T12:00:00Z`;
    now = T0 + 45 * MIN;
    const during = await fetch(url, { headers: { 'x-api-key': KEY } });
    assert.equal(during.status, 503);
    assert.match(((await during.json()) as { error: string }).error, /down until 2026-06-15T11:00:00.000Z/);
    now = T0 + 60 * MIN;
    const afterwards = await fetch(url, { headers: { 'x-api-key': KEY } });
    // The two due during the outage come with the one before it; the fourth is published at 11:10.
    assert.equal(((await afterwards.json()) as { records: unknown[] }).records.length, 3);
  } finally {
    await new Promise<void>((resolve) => down.close(() => resolve()));
  }
});
