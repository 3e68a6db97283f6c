import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ProviderItem } from '../../../shared/sources/ProviderApi';
import { ObservationFeed } from '../../../local/providers/ObservationFeed';
import { type ProviderBehaviour, RELIABLE_BEHAVIOUR } from '../../../local/providers/ProviderBehaviour';
import { World } from '../../../local/world/World';

const world = new World({
  seed: 42,
  sites: [
    { id: 'a', latitude: 55.68, longitude: 12.57 },
    { id: 'b', latitude: 55.7, longitude: 12.4 },
    { id: 'c', latitude: 55.6, longitude: 12.6 },
  ],
});
const NOW = new Date('2026-05-05T12:00:00Z');
const BATCH_MS = 30 * 60_000;

/** A provider that publishes in half-hourly batches: many items share a publishedAt, the case paging must respect. */
const batched: ProviderBehaviour = {
  ...RELIABLE_BEHAVIOUR,
  maxExtraDelayMs: BATCH_MS,
  publishedAt: (_site, _observedAt, scheduled) => new Date(Math.ceil(scheduled.getTime() / BATCH_MS) * BATCH_MS),
};

function drain(feed: ObservationFeed, limit: number): { pages: ProviderItem[][] } {
  const pages: ProviderItem[][] = [];
  let since: Date | undefined;
  for (;;) {
    const page = feed.page(since === undefined ? { limit } : { since, limit }, NOW);
    pages.push(page.items);
    if (page.next === null) return { pages };
    since = new Date(page.next);
  }
}

test('ObservationFeed: pages never split items that share a publishedAt, and lose none', () => {
  const feed = new ObservationFeed(world, 'weather', batched, 1);
  const all = feed.page({ limit: 5000 }, NOW).items;
  const groupSizes = new Map<string, number>();
  for (const it of all) groupSizes.set(it.publishedAt, (groupSizes.get(it.publishedAt) ?? 0) + 1);
  assert.ok(Math.max(...groupSizes.values()) >= 9, 'the batching behaviour should create large ties');
  for (const limit of [1, 4, 7, 10, 50]) {
    const { pages } = drain(feed, limit);
    const flat = pages.flat();
    assert.deepEqual(flat, all, `limit ${limit}`);
    const pageOf = new Map<string, number>();
    pages.forEach((items, i) => {
      for (const it of items) {
        const p = pageOf.get(it.publishedAt);
        assert.ok(
          p === undefined || p === i,
          `limit ${limit}: publishedAt ${it.publishedAt} split over pages ${p} and ${i}`,
        );
        pageOf.set(it.publishedAt, i);
      }
      // A page exceeds the limit only when one tie alone is larger than the limit.
      if (items.length > limit) assert.equal(new Set(items.map((it) => it.publishedAt)).size, 1, `limit ${limit}`);
    });
  }
});

test('ObservationFeed: a behaviour can only delay within its declared bound, or withhold', () => {
  const wild: ProviderBehaviour = {
    ...RELIABLE_BEHAVIOUR,
    maxExtraDelayMs: 60 * 60_000,
    publishedAt: (site, observedAt, scheduled) =>
      site === 'a'
        ? null
        : site === 'b'
          ? new Date(observedAt.getTime())
          : new Date(scheduled.getTime() + 5 * 3_600_000),
  };
  const feed = new ObservationFeed(world, 'site-meter', wild, 1);
  const t = new Date('2026-05-05T09:00:00Z');
  const scheduled = (site: string): number => world.publishedAt('site-meter', site, t).getTime();
  assert.equal(feed.publishedAt('a', t), null);
  assert.equal(feed.publishedAt('b', t)?.getTime(), scheduled('b'), 'never earlier than scheduled');
  assert.equal(
    feed.publishedAt('c', t)?.getTime(),
    scheduled('c') + 60 * 60_000,
    'never later than the declared bound',
  );
  const items = feed.page({ limit: 5000 }, NOW).items;
  assert.ok(items.every((it) => it.site !== 'a'));
  // The late ones are still found: the scan looks back by the declared bound.
  assert.ok(
    items.some(
      (it) =>
        it.site === 'c' &&
        Date.parse(it.publishedAt) - Date.parse(it.observedAt) ===
          world.publishedAt('site-meter', 'c', new Date(it.observedAt)).getTime() -
            Date.parse(it.observedAt) +
            3_600_000,
    ),
  );
});

test('ObservationFeed: retention drops old observations; the image check follows publication', () => {
  const feed = new ObservationFeed(world, 'skycam', RELIABLE_BEHAVIOUR, 1);
  const items = feed.page({ limit: 5000 }, NOW).items;
  assert.ok(items.every((it) => Date.parse(it.observedAt) >= NOW.getTime() - 86_400_000));
  const t = new Date('2026-05-05T11:00:00Z');
  const published = world.publishedAt('skycam', 'a', t);
  assert.equal(feed.isReadable('a', t, new Date(published.getTime() - 1)), false);
  assert.equal(feed.isReadable('a', t, published), true);
  assert.equal(feed.isReadable('a', new Date('2026-05-05T11:05:00Z'), NOW), false, 'off the ten-minute grid');
  assert.equal(feed.isReadable('a', new Date('2026-05-03T11:00:00Z'), NOW), false, 'older than the retention');
});
