import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Clock } from '../../../shared/time/Clock';
import { type ProviderBehaviour, RELIABLE_BEHAVIOUR } from '../../../local/providers/ProviderBehaviour';
import { startProviders } from '../../../local/providers/startProviders';
import { World } from '../../../local/world/World';

const OUTAGE_START = Date.parse('2026-05-05T10:00:00Z');
const OUTAGE_END = Date.parse('2026-05-05T11:00:00Z');

/**
 * The shape of the fault model to come, in a few lines: an hour-long outage that answers 503 and then delivers its
 * backlog at the end of the outage, and a duplicate of the first item of every page.
 */
const flaky: ProviderBehaviour = {
  maxExtraDelayMs: OUTAGE_END - OUTAGE_START,
  intercept: ({ now }) =>
    now.getTime() >= OUTAGE_START && now.getTime() < OUTAGE_END
      ? { status: 503, body: { error: 'provider down (simulated outage)' }, headers: { 'retry-after': '600' } }
      : undefined,
  publishedAt: (_site, _observedAt, scheduled) =>
    scheduled.getTime() >= OUTAGE_START && scheduled.getTime() < OUTAGE_END ? new Date(OUTAGE_END) : scheduled,
  wireItems: (items) => (items.length > 0 ? [...items, items[0]] : items),
  imageBytes: RELIABLE_BEHAVIOUR.imageBytes,
};

test('ProviderBehaviour: an outage answers 503, then its backlog arrives late with one shared publishedAt', async () => {
  let now = new Date('2026-05-05T10:30:00Z');
  const clock: Clock = { now: () => now };
  const world = new World({ seed: 3, sites: [{ id: 'park-1', latitude: 55.68, longitude: 12.57 }] });
  const running = await startProviders({
    world,
    clock,
    retentionDays: 1,
    providers: [{ id: 'weather', port: 0, apiKey: 'k', behaviour: flaky }],
  });
  try {
    const get = (q: string): Promise<Response> =>
      fetch(`${running.urls['weather']}/observations?${q}`, { headers: { 'x-api-key': 'k' } });
    const down = await get('since=2026-05-05T09:30:00.000Z');
    assert.equal(down.status, 503);
    assert.equal(down.headers.get('retry-after'), '600');
    await down.arrayBuffer();

    now = new Date('2026-05-05T11:05:00Z');
    const up = await get('since=2026-05-05T09:59:59.999Z');
    assert.equal(up.status, 200);
    const page = (await up.json()) as { items: { observedAt: string; publishedAt: string }[] };
    const backlog = page.items.filter((it) => it.publishedAt === new Date(OUTAGE_END).toISOString());
    assert.ok(backlog.length >= 4, `${backlog.length} late items`);
    for (const it of backlog) assert.ok(OUTAGE_END - Date.parse(it.observedAt) > 20 * 60_000);
    // The duplicate made by the wire hook.
    assert.deepEqual(page.items[page.items.length - 1], page.items[0]);
  } finally {
    await running.close();
  }
});
