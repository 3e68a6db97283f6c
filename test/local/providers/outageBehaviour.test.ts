import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ProviderItem, ProviderPage } from '../../../shared/sources/ProviderApi';
import type { Clock } from '../../../shared/time/Clock';
import { DEFAULT_OUTAGE_BEHAVIOUR_OPTIONS, outageBehaviour } from '../../../local/providers/outageBehaviour';
import { type RunningProviders, startProviders } from '../../../local/providers/startProviders';
import { World } from '../../../local/world/World';

const MIN = 60_000;
const FROM = new Date('2026-06-10T10:00:00Z');
const TO = new Date('2026-06-10T13:00:00Z');
const JITTER = DEFAULT_OUTAGE_BEHAVIOUR_OPTIONS.maxBacklogJitterMs;
const SITES = [
  { id: 'park-1', latitude: 55.68, longitude: 12.57 },
  { id: 'park-2', latitude: 55.7, longitude: 12.4 },
];
const world = new World({ seed: 42, sites: SITES });

let now = new Date('2026-06-10T11:00:00Z');
const clock: Clock = { now: () => new Date(now.getTime()) };
let running: RunningProviders;

before(async () => {
  const behaviour = outageBehaviour([{ from: FROM, to: TO }]);
  running = await startProviders({
    world,
    clock,
    retentionDays: 2,
    providers: [
      { id: 'weather', port: 0, apiKey: 'k', behaviour },
      { id: 'skycam', port: 0, apiKey: 'k', behaviour },
      { id: 'site-meter', port: 0, apiKey: 'k' },
    ],
  });
});

after(async () => {
  await running.close();
});

function get(source: string, path: string): Promise<Response> {
  return fetch(`${running.urls[source]}${path}`, { headers: { 'x-api-key': 'k' } });
}

/** Pages from `since` until the provider says there is no more (or refuses); returns the items and the watermark. */
async function drain(
  source: string,
  since: string,
  limit: number,
): Promise<{ items: ProviderItem[]; watermark: string; status: number }> {
  const items: ProviderItem[] = [];
  let cursor = since;
  for (let guard = 0; guard < 500; guard++) {
    const res = await get(source, `/observations?since=${encodeURIComponent(cursor)}&limit=${limit}`);
    if (res.status !== 200) {
      await res.arrayBuffer();
      return { items, watermark: cursor, status: res.status };
    }
    const page = (await res.json()) as ProviderPage;
    items.push(...page.items);
    // The client's watermark: the newest publishedAt received (or the page's `next`).
    const newest = page.items.reduce((m, it) => (it.publishedAt > m ? it.publishedAt : m), cursor);
    if (page.next === null) return { items, watermark: newest, status: 200 };
    cursor = page.next;
  }
  throw new Error('paging did not end');
}

test('outageBehaviour: inside the window every request gets 503 with an error and Retry-After', async () => {
  now = new Date('2026-06-10T11:00:00Z');
  const res = await get('weather', '/observations?since=2026-06-10T09:00:00.000Z');
  assert.equal(res.status, 503);
  assert.equal(res.headers.get('retry-after'), String(2 * 3600));
  const body = (await res.json()) as { error: string; code: string };
  assert.match(body.error, /weather.*down.*2026-06-10T13:00:00.000Z/);
  assert.equal(body.code, 'UNAVAILABLE');
  const image = await get('skycam', '/images/park-1/2026-06-10T09:00:00.000Z.png');
  assert.equal(image.status, 503, 'images are down too');
  await image.arrayBuffer();
  const other = await get('site-meter', '/observations?since=2026-06-10T09:00:00.000Z');
  assert.equal(other.status, 200, 'a provider without windows stays reliable');
  await other.arrayBuffer();

  now = new Date(FROM.getTime() - 1);
  const before = await get('weather', '/observations?since=2026-06-10T09:00:00.000Z');
  assert.equal(before.status, 200, 'from is inclusive, the instant before is up');
  await before.arrayBuffer();
  now = TO;
  const atEnd = await get('weather', '/observations?since=2026-06-10T09:00:00.000Z');
  assert.equal(atEnd.status, 200, 'to is exclusive');
  await atEnd.arrayBuffer();
});

test('outageBehaviour: nothing is lost; the backlog arrives after the window with spread publishedAt', async () => {
  const since = '2026-06-10T09:00:00.000Z';
  // An ingestion that ran until the outage, was refused during it, and resumed from its watermark afterwards.
  now = new Date(FROM.getTime() - 1);
  const first = await drain('weather', since, 7);
  assert.equal(first.status, 200);
  now = new Date('2026-06-10T12:00:00Z');
  const refused = await drain('weather', first.watermark, 7);
  assert.equal(refused.status, 503);
  assert.equal(refused.items.length, 0);
  now = new Date('2026-06-10T16:00:00Z');
  const rest = await drain('weather', first.watermark, 7);
  assert.equal(rest.status, 200);
  const resumed = [...first.items, ...rest.items];
  // And a client that pages everything only now.
  const once = await drain('weather', since, 5000);

  for (const items of [resumed, once.items]) {
    const keys = items.map((it) => `${it.site}|${it.observedAt}`);
    assert.equal(new Set(keys).size, keys.length, 'every observation exactly once');
    // Every observation scheduled after the watermark and no later than now, none other.
    const expected: string[] = [];
    for (let t = Date.parse('2026-06-10T08:00:00Z'); t <= now.getTime(); t += 10 * MIN) {
      for (const s of SITES) {
        const scheduled = world.publishedAt('weather', s.id, new Date(t)).getTime();
        if (scheduled > Date.parse(since) && scheduled <= now.getTime())
          expected.push(`${s.id}|${new Date(t).toISOString()}`);
      }
    }
    assert.deepEqual([...keys].sort(), expected.sort());
    const backlog: number[] = [];
    for (const it of items) {
      const scheduled = world.publishedAt('weather', it.site, new Date(it.observedAt)).getTime();
      const published = Date.parse(it.publishedAt);
      if (scheduled >= FROM.getTime() && scheduled < TO.getTime()) {
        assert.ok(
          published >= TO.getTime() && published <= TO.getTime() + JITTER,
          `${it.observedAt} published ${it.publishedAt}`,
        );
        backlog.push(published);
      } else {
        assert.equal(published, scheduled, 'outside the window, on schedule');
      }
    }
    assert.ok(backlog.length >= 30, `${backlog.length} late items (about 3 h x 2 sites)`);
    assert.ok(new Set(backlog).size > backlog.length / 2, 'the backlog is spread, not one timestamp');
  }
});

test('outageBehaviour: pure hooks; a backlog released into the next window waits for it; the delay bound covers it', () => {
  const a = { from: new Date('2026-06-10T10:00:00Z'), to: new Date('2026-06-10T11:00:00Z') };
  const b = { from: new Date('2026-06-10T11:00:30Z'), to: new Date('2026-06-10T12:00:00Z') };
  const c = { from: new Date('2026-06-11T10:00:00Z'), to: new Date('2026-06-11T10:30:00Z') };
  const behaviour = outageBehaviour([a, b, c], { maxBacklogJitterMs: 60_000 });
  // a and b are closer than the jitter: one cluster of two hours.
  assert.equal(behaviour.maxExtraDelayMs, 2 * 3600_000 + 60_000);
  assert.equal(outageBehaviour([]).maxExtraDelayMs, 0);
  const observedAt = new Date('2026-06-10T09:40:00Z');
  for (let s = 0; s < 60; s++) {
    const scheduled = new Date(a.from.getTime() + s * MIN);
    const published = behaviour.publishedAt('park-1', observedAt, scheduled) as Date;
    assert.deepEqual(behaviour.publishedAt('park-1', observedAt, scheduled), published, 'deterministic');
    const p = published.getTime();
    assert.ok(
      (p >= a.to.getTime() && p < b.from.getTime()) || (p >= b.to.getTime() && p <= b.to.getTime() + 60_000),
      published.toISOString(),
    );
    assert.ok(p - scheduled.getTime() <= behaviour.maxExtraDelayMs);
  }
  const outside = new Date('2026-06-10T09:59:59.999Z');
  assert.equal(behaviour.publishedAt('park-1', observedAt, outside), outside);
  assert.equal(
    behaviour.intercept({ source: 'x', path: '/observations', now: new Date('2026-06-11T10:29:59.500Z') })?.headers?.[
      'retry-after'
    ],
    '1',
  );
  assert.throws(() => outageBehaviour([{ from: a.to, to: a.from }]), /must be after/);
});
