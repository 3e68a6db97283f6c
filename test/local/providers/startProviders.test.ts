import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { PNG } from 'pngjs';
import type { ProviderItem, ProviderPage } from '../../../shared/sources/ProviderApi';
import type { Clock } from '../../../shared/time/Clock';
import { type RunningProviders, startProviders } from '../../../local/providers/startProviders';
import { World } from '../../../local/world/World';

const SITES = [
  { id: 'park-1', latitude: 55.68, longitude: 12.57 },
  { id: 'park-2', latitude: 55.7, longitude: 12.4 },
];
const KEYS = {
  'site-meter': 'meter-key',
  neighbors: 'nb-key',
  weather: 'wx-key',
  skycam: 'cam-key',
  nwp: 'nwp-key',
} as const;
const RETENTION_DAYS = 3;
const MIN = 60_000;

/** A clock the test moves by hand. */
let current = new Date('2026-05-05T12:03:00Z');
const clock: Clock = { now: () => new Date(current.getTime()) };
const setClock = (iso: string): void => {
  current = new Date(iso);
};

const world = new World({ seed: 42, sites: SITES });
let running: RunningProviders;

before(async () => {
  running = await startProviders({
    world,
    clock,
    retentionDays: RETENTION_DAYS,
    providers: (Object.keys(KEYS) as (keyof typeof KEYS)[]).map((id) => ({ id, port: 0, apiKey: KEYS[id] })),
  });
});

after(async () => {
  await running.close();
});

async function get(source: keyof typeof KEYS, path: string, key: string | null = KEYS[source]): Promise<Response> {
  return fetch(`${running.urls[source]}${path}`, { headers: key === null ? {} : { 'x-api-key': key } });
}

/** Pages through everything published after `since`; returns the items and the watermark to continue from. */
async function drain(
  source: keyof typeof KEYS,
  since: string | null,
  limit: number,
  site?: string,
): Promise<{ items: ProviderItem[]; pages: ProviderPage[] }> {
  const items: ProviderItem[] = [];
  const pages: ProviderPage[] = [];
  let cursor = since;
  for (let guard = 0; guard < 1000; guard++) {
    const q = new URLSearchParams({ limit: String(limit) });
    if (cursor !== null) q.set('since', cursor);
    if (site) q.set('site', site);
    const res = await get(source, `/observations?${q}`);
    assert.equal(res.status, 200);
    const page = (await res.json()) as ProviderPage;
    pages.push(page);
    items.push(...page.items);
    if (page.next === null) return { items, pages };
    cursor = page.next;
  }
  throw new Error('paging did not end');
}

/** Every (site, observedAt) the provider must have published by `now`, from the world itself. */
function expected(source: keyof typeof KEYS, now: Date, sinceMs = Number.NEGATIVE_INFINITY): Set<string> {
  const keys = new Set<string>();
  // The weather model runs every hour, the others observe every 10 minutes.
  const step = (source === 'nwp' ? 60 : 10) * MIN;
  const from = Math.ceil((now.getTime() - RETENTION_DAYS * 86_400_000) / step) * step;
  for (let t = from; t <= now.getTime(); t += step) {
    for (const s of SITES) {
      const published = world.publishedAt(source, s.id, new Date(t)).getTime();
      if (published <= now.getTime() && published > sinceMs) keys.add(`${s.id}@${new Date(t).toISOString()}`);
    }
  }
  return keys;
}

function checkOrderAndTiming(
  items: readonly ProviderItem[],
  now: Date,
  delayMinutes: [number, number] = [20, 40],
): void {
  for (let i = 0; i < items.length; i++) {
    const it = items[i] as ProviderItem;
    const published = Date.parse(it.publishedAt);
    const delay = published - Date.parse(it.observedAt);
    assert.ok(published <= now.getTime(), `${it.site}@${it.observedAt} published in the future (${it.publishedAt})`);
    assert.ok(delay >= delayMinutes[0] * MIN && delay <= delayMinutes[1] * MIN, `delay ${delay / MIN} min`);
    const prev = items[i - 1];
    if (prev) {
      const order =
        Date.parse(prev.publishedAt) - published ||
        (prev.site < it.site ? -1 : prev.site > it.site ? 1 : 0) ||
        Date.parse(prev.observedAt) - Date.parse(it.observedAt);
      assert.ok(order < 0, `out of order at ${i}: ${JSON.stringify(prev)} then ${JSON.stringify(it)}`);
    }
  }
}

test('providers: paging by since returns every published observation exactly once, in order, nothing early', async () => {
  setClock('2026-05-05T12:03:00Z');
  const now = clock.now();
  for (const source of ['site-meter', 'skycam'] as const) {
    const { items, pages } = await drain(source, null, 97);
    assert.ok(pages.length > 5, `${pages.length} pages`);
    const keys = items.map((it) => `${it.site}@${it.observedAt}`);
    assert.equal(new Set(keys).size, keys.length, 'duplicates');
    assert.deepEqual(new Set(keys), expected(source, now));
    checkOrderAndTiming(items, now);
    for (const it of items) {
      if (source === 'skycam') assert.equal(it.imageUrl, `/images/${it.site}/${it.observedAt}.png`);
      else assert.deepEqual(it.values, world.sensorValues(source, it.site, new Date(it.observedAt)));
    }
  }
});

test('providers: as the clock moves, continuing from the watermark delivers exactly the newly published (late ones too)', async () => {
  setClock('2026-05-05T12:03:00Z');
  const first = await drain('neighbors', null, 500);
  const watermark = first.items[first.items.length - 1]?.publishedAt ?? null;
  assert.ok(watermark !== null);
  const seen = new Set(first.items.map((it) => `${it.site}@${it.observedAt}`));
  let cursor: string = watermark;
  // Twelve polls, ten minutes apart: what a timer-triggered ingest does.
  for (let poll = 1; poll <= 12; poll++) {
    setClock(new Date(Date.parse('2026-05-05T12:03:00Z') + poll * 10 * MIN).toISOString());
    const { items } = await drain('neighbors', cursor, 3);
    checkOrderAndTiming(items, clock.now());
    for (const it of items) {
      const key = `${it.site}@${it.observedAt}`;
      assert.ok(!seen.has(key), `${key} delivered twice`);
      seen.add(key);
    }
    cursor = items[items.length - 1]?.publishedAt ?? cursor;
  }
  // No gaps: everything observed in the retained window and published by now has arrived.
  const now = clock.now();
  for (const key of expected('neighbors', now)) assert.ok(seen.has(key), `${key} never delivered`);
});

test('providers: the nwp provider pages hourly runs like any native feed: each once, in order, published 60-120 min after runAt, none early; continuing from the watermark delivers exactly the new ones', async () => {
  setClock('2026-05-05T12:03:00Z');
  const now = clock.now();
  const { items, pages } = await drain('nwp', null, 11);
  assert.ok(pages.length > 5, `${pages.length} pages`);
  const keys = items.map((it) => `${it.site}@${it.observedAt}`);
  assert.equal(new Set(keys).size, keys.length, 'duplicates');
  assert.deepEqual(new Set(keys), expected('nwp', now));
  checkOrderAndTiming(items, now, [60, 120]);
  for (const it of items) {
    assert.equal(new Date(it.observedAt).getUTCMinutes(), 0, 'runs start on the hour');
    assert.deepEqual(it.values, world.nwpRun(it.site, new Date(it.observedAt)));
  }
  const seen = new Set(keys);
  let cursor = items[items.length - 1]?.publishedAt as string;
  for (let poll = 1; poll <= 8; poll++) {
    setClock(new Date(Date.parse('2026-05-05T12:03:00Z') + poll * 15 * MIN).toISOString());
    const next = await drain('nwp', cursor, 2);
    checkOrderAndTiming(next.items, clock.now(), [60, 120]);
    for (const it of next.items) {
      const key = `${it.site}@${it.observedAt}`;
      assert.ok(!seen.has(key), `${key} delivered twice`);
      seen.add(key);
    }
    cursor = next.items[next.items.length - 1]?.publishedAt ?? cursor;
  }
  for (const key of expected('nwp', clock.now())) assert.ok(seen.has(key), `${key} never delivered`);
  assert.ok(seen.size > keys.length, 'new runs arrived');
});

test('providers: site filter', async () => {
  setClock('2026-05-05T12:03:00Z');
  const { items } = await drain('weather', '2026-05-05T06:00:00.000Z', 10, 'park-2');
  assert.ok(items.length > 30);
  assert.ok(items.every((it) => it.site === 'park-2'));
  assert.deepEqual(new Set(items.map((it) => it.observedAt)).size, items.length);
});

test('providers: 401 without the key or with a wrong one', async () => {
  for (const key of [null, 'wrong', `${KEYS['site-meter']}x`, KEYS.weather]) {
    const res = await get('site-meter', '/observations', key);
    assert.equal(res.status, 401, `key ${key}`);
    assert.match(((await res.json()) as { error: string }).error, /x-api-key/);
  }
});

test('providers: 400 naming the bad parameter', async () => {
  const cases: [string, string][] = [
    ['since=yesterday', 'since'],
    ['since=2026-05-05T10:00:00', 'since'], // no time zone: ambiguous
    ['since=2026-02-30T10:00:00Z', 'since'],
    ['since=', 'since'],
    ['limit=0', 'limit'],
    ['limit=abc', 'limit'],
    ['limit=2.5', 'limit'],
    ['limit=5001', 'limit'],
    ['limit=10&limit=20', 'limit'],
    ['site=park-9', 'site'],
  ];
  for (const [query, parameter] of cases) {
    const res = await get('weather', `/observations?${query}`);
    assert.equal(res.status, 400, query);
    const body = (await res.json()) as { error: string; parameter: string };
    assert.equal(body.parameter, parameter, query);
    assert.ok(body.error.includes(`"${parameter}"`), `${query}: ${body.error}`);
  }
});

test('providers: 404 for unknown paths, 405 for other methods', async () => {
  for (const path of ['/', '/observation', '/observations/x', '/images/park-1/2026-05-05T10:00:00.000Z.png']) {
    const res = await get('site-meter', path);
    assert.equal(res.status, 404, path);
    assert.ok(((await res.json()) as { error: string }).error.includes(path.split('?')[0] ?? ''));
  }
  const res = await fetch(`${running.urls['site-meter']}/observations`, {
    method: 'POST',
    headers: { 'x-api-key': KEYS['site-meter'] },
  });
  assert.equal(res.status, 405);
  await res.arrayBuffer();
});

test('providers: images are served once published, as valid PNGs, with the key', async () => {
  setClock('2026-05-05T12:03:00Z');
  const { items } = await drain('skycam', '2026-05-05T11:00:00.000Z', 500);
  const item = items[0];
  assert.ok(item?.imageUrl);
  const res = await get('skycam', item.imageUrl);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'image/png');
  const png = PNG.sync.read(Buffer.from(await res.arrayBuffer()));
  assert.equal(png.width, 64);
  assert.equal(png.height, 64);

  const noKey = await get('skycam', item.imageUrl, null);
  assert.equal(noKey.status, 401);
  await noKey.arrayBuffer();

  // Observed 10 minutes ago: cannot have been published (the delay is at least 20 minutes).
  const early = await get('skycam', '/images/park-1/2026-05-05T11:50:00.000Z.png');
  assert.equal(early.status, 404);
  await early.arrayBuffer();
  for (const path of [
    '/images/park-9/2026-05-05T10:00:00.000Z.png',
    '/images/park-1/2026-05-05T10:05:00.000Z.png',
    '/images/park-1/garbage.png',
    '/images/park-1/2026-04-01T10:00:00.000Z.png',
  ]) {
    const r = await get('skycam', path);
    assert.equal(r.status, 404, path);
    await r.arrayBuffer();
  }
});

test('providers: close() stops every server', async () => {
  const extra = await startProviders({ world, clock, providers: [{ id: 'weather', port: 0, apiKey: 'k' }] });
  const url = extra.urls['weather'] ?? '';
  const res = await fetch(`${url}/observations?limit=1`, { headers: { 'x-api-key': 'k' } });
  assert.equal(res.status, 200);
  await res.arrayBuffer();
  await extra.close();
  await assert.rejects(fetch(`${url}/observations`, { headers: { 'x-api-key': 'k' } }));
});

test('providers: refuses unknown or repeated provider ids, and a taken port, naming them', async () => {
  await assert.rejects(
    startProviders({ world, clock, providers: [{ id: 'radar' as 'weather', port: 0, apiKey: 'k' }] }),
    /"radar"/,
  );
  await assert.rejects(
    startProviders({
      world,
      clock,
      providers: [
        { id: 'weather', port: 0, apiKey: 'k' },
        { id: 'weather', port: 0, apiKey: 'k' },
      ],
    }),
    /"weather" is listed twice/,
  );
  const taken = Number(new URL(running.urls['weather'] ?? '').port);
  await assert.rejects(
    startProviders({
      world,
      clock,
      providers: [
        { id: 'site-meter', port: 0, apiKey: 'k' },
        { id: 'weather', port: taken, apiKey: 'k' },
      ],
    }),
    new RegExp(`:${taken}`),
  );
});
