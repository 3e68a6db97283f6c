import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DEFAULT_RECENT_STATE_OPTIONS,
  emptyRecentState,
  entriesIn,
  entryAt,
  mergeEntries,
  parseState,
  pruneState,
  RecentStateError,
  serializeState,
} from '../../../shared/sources/RecentState';
import { RecentStateStore, recentStateName } from '../../../shared/sources/RecentStateStore';
import { ObservationStore } from '../../../shared/sources/ObservationStore';
import type { SourceConfig } from '../../../shared/config/ForecastConfig';
import { BlobConflictError, type BlobStore, CONTAINERS, type PutOptions } from '../../../shared/storage/BlobStore';
import { MemoryBlobStore } from '../../support/MemoryBlobStore';
import { CountingBlobStore } from '../../../local/bench/CountingBlobStore';

const T0 = Date.parse('2026-06-01T12:00:00.000Z');
const MIN = 60_000;
const HOUR = 60 * MIN;

describe('RecentState', () => {
  it('keeps one entry per (site, observedAt), the first availableAt, and gains values only when it had none', () => {
    const state = emptyRecentState('meter', T0 - 2 * HOUR);
    assert.equal(mergeEntries(state, 'a', [{ observedAt: T0 - 30 * MIN, availableAt: T0 - 5 * MIN }]), 1);
    assert.equal(
      mergeEntries(state, 'a', [
        { observedAt: T0 - 30 * MIN, availableAt: T0, values: { p: 1 } },
        { observedAt: T0 - 40 * MIN, availableAt: T0, values: { p: 2 } },
      ]),
      1,
    );
    const list = state.sites.get('a') ?? assert.fail('no site a');
    assert.deepEqual(
      list.map((e) => [e.observedAt, e.availableAt, e.values?.['p']]),
      [
        [T0 - 40 * MIN, T0, 2],
        [T0 - 30 * MIN, T0 - 5 * MIN, 1],
      ],
    );
  });

  it('of two entries at one instant keeps the one available first, whichever is merged first, as readers of the records do', () => {
    const state = emptyRecentState('skycam', T0 - 2 * HOUR);
    const late = { observedAt: T0 - 30 * MIN, availableAt: T0, publishedAt: T0 - 29 * MIN, values: { p: 1 } };
    const early = { observedAt: T0 - 30 * MIN, availableAt: T0 - 5 * MIN, backfilled: true };
    assert.equal(mergeEntries(state, 'a', [late]), 1);
    assert.equal(mergeEntries(state, 'a', [early]), 1, 'replaced: the state must be written');
    assert.deepEqual(state.sites.get('a'), [{ ...early, values: { p: 1 } }], "the early one's, keeping the values");
    assert.equal(mergeEntries(state, 'a', [late]), 0, 'a later one changes nothing');
    assert.deepEqual(state.sites.get('a'), [{ ...early, values: { p: 1 } }]);
  });

  it('prunes by keepHours (raising coversFrom) and drops values older than valueHours or too large', () => {
    const state = emptyRecentState('meter', T0 - 48 * HOUR);
    const big: Record<string, number> = {};
    for (let i = 0; i < 600; i++) big[`f${i}`] = i;
    mergeEntries(state, 'a', [
      { observedAt: T0 - 30 * HOUR, availableAt: T0 - 30 * HOUR, values: { p: 1 } },
      { observedAt: T0 - 10 * HOUR, availableAt: T0 - 10 * HOUR, values: { p: 2 } },
      { observedAt: T0 - HOUR, availableAt: T0 - HOUR, values: { p: 3 } },
      { observedAt: T0 - 30 * MIN, availableAt: T0, values: big },
    ]);
    mergeEntries(state, 'b', [{ observedAt: T0 - 27 * HOUR, availableAt: T0 - 27 * HOUR }]);
    pruneState(state, T0, DEFAULT_RECENT_STATE_OPTIONS);
    assert.equal(state.coversFrom, T0 - 26 * HOUR);
    assert.equal(state.sites.has('b'), false, 'a site with nothing left is dropped');
    assert.deepEqual(
      (state.sites.get('a') ?? []).map((e) => [(T0 - e.observedAt) / MIN, e.values?.['p']]),
      [
        [600, undefined],
        [60, 3],
        [30, undefined],
      ],
    );
    mergeEntries(state, 'c', [
      { observedAt: T0 - 20 * HOUR, availableAt: T0 - 20 * HOUR, values: { p: 1 } },
      { observedAt: T0 - 5 * HOUR, availableAt: T0 - 5 * HOUR, values: { p: 2 } },
    ]);
    pruneState(state, T0, DEFAULT_RECENT_STATE_OPTIONS);
    assert.deepEqual(
      (state.sites.get('c') ?? []).map((e) => e.values?.['p']),
      [undefined, 2],
      "a site's newest keeps its values however old",
    );
  });

  it('answers a window only from coversFrom on, with the as-of rule on availableAt', () => {
    const state = emptyRecentState('meter', T0 - 3 * HOUR);
    mergeEntries(state, 'a', [
      { observedAt: T0 - 60 * MIN, availableAt: T0 - 30 * MIN },
      { observedAt: T0 - 50 * MIN, availableAt: T0 + 1 },
    ]);
    assert.equal(entriesIn(state, 'a', T0 - 4 * HOUR, T0, T0), undefined, 'before coversFrom: the state cannot say');
    assert.deepEqual(
      entriesIn(state, 'a', T0 - 2 * HOUR, T0, T0)?.map((e) => e.observedAt),
      [T0 - 60 * MIN],
      'the entry available 1 ms after asOf is not seen',
    );
    assert.deepEqual(entriesIn(state, 'z', T0 - 2 * HOUR, T0, T0), []);
    assert.equal(entryAt(state, 'a', T0 - 4 * HOUR), undefined);
    assert.equal(entryAt(state, 'a', T0 - 10 * MIN), null);
    assert.equal(entryAt(state, 'a', T0 - 60 * MIN)?.availableAt, T0 - 30 * MIN);
  });

  it('round-trips through its stored form, and names what is wrong with one that is not', () => {
    const state = emptyRecentState('meter', T0 - HOUR);
    mergeEntries(state, 'a', [
      { observedAt: T0 - 20 * MIN, availableAt: T0 - 1, publishedAt: T0 - 5 * MIN, values: { p: 1.5 } },
      { observedAt: T0 - 10 * MIN, availableAt: T0, backfilled: true },
    ]);
    const back = parseState(serializeState(state), 'state/x');
    assert.deepEqual(back, state);
    assert.throws(() => parseState('{', 'state/recent/raw/meter.json'), /state\/recent\/raw\/meter\.json is not JSON/);
    assert.throws(
      () => parseState('{"version":7}', 'state/x'),
      (err: unknown) => err instanceof RecentStateError && /got version 7/.test(err.message),
    );
  });

  it('writes columns, and still reads a state stored one tuple per entry (version 1) to the same entries', () => {
    const state = emptyRecentState('meter', T0 - HOUR);
    state.knownFrom = T0 - 3 * HOUR;
    state.gone.set('c', T0 - 2 * HOUR);
    mergeEntries(state, 'b', [
      { observedAt: T0 - 20 * MIN, availableAt: T0 - 1, publishedAt: T0 - 25 * MIN, values: { p: 1.5, q: -2 } },
      { observedAt: T0 - 10 * MIN, availableAt: T0, backfilled: true },
      { observedAt: T0 - 5 * MIN, availableAt: T0 + 5, values: { q: 3, p: 0 } },
    ]);
    mergeEntries(state, 'a', [{ observedAt: T0 - 30 * MIN, availableAt: T0 - 2 * MIN, values: { p: 7 } }]);
    const text = serializeState(state);
    const stored = JSON.parse(text) as { version: number; keys: string[][]; sites: string[]; values: number[] };
    assert.equal(stored.version, 2);
    assert.deepEqual(stored.sites, ['a', 'b'], 'sites in order');
    assert.deepEqual(stored.keys, [['p'], ['p', 'q'], ['q', 'p']], 'each list of value names once, in its own order');
    assert.deepEqual(stored.values, [7, 1.5, -2, 3, 0]);
    assert.deepEqual(parseState(text, 'x'), state);
    // The same state as version 1 wrote it (what a deployment before the columns left in storage).
    const v1 = JSON.stringify({
      version: 1,
      source: 'meter',
      coversFrom: new Date(T0 - HOUR).toISOString(),
      knownFrom: new Date(T0 - 3 * HOUR).toISOString(),
      gone: { c: T0 - 2 * HOUR },
      sites: {
        a: [[T0 - 30 * MIN, 28 * MIN, null, 0, { p: 7 }]],
        b: [
          [T0 - 20 * MIN, 20 * MIN - 1, -5 * MIN, 0, { p: 1.5, q: -2 }],
          [T0 - 10 * MIN, 10 * MIN, null, 1],
          [T0 - 5 * MIN, 5 * MIN + 5, null, 0, { q: 3, p: 0 }],
        ],
      },
    });
    assert.deepEqual(parseState(v1, 'x'), state);
    // Key order survives (a values object is written back as it was read).
    assert.deepEqual(Object.keys(parseState(text, 'x').sites.get('b')?.[2]?.values ?? {}), ['q', 'p']);
  });

  it("makes a forecast run's many values when first read, and they read, spread, change and drop as plain ones", () => {
    const state = emptyRecentState('nwp', T0 - HOUR);
    const run: Record<string, number> = {};
    for (let m = 0; m <= 600; m += 30) run[`ghi_wm2@+${m}`] = m / 10;
    mergeEntries(state, 'a', [
      { observedAt: T0 - 40 * MIN, availableAt: T0 - 30 * MIN, publishedAt: T0 - 35 * MIN, values: run },
      { observedAt: T0 - 20 * MIN, availableAt: T0 - 10 * MIN, values: { ...run, 'ghi_wm2@+0': 9 } },
    ]);
    const parsed = parseState(serializeState(state), 'x');
    assert.deepEqual(parsed, state);
    const [older, newer] = parsed.sites.get('a') ?? [];
    assert.ok(older && newer);
    assert.deepEqual({ ...older }, state.sites.get('a')?.[0], 'spread copies the values');
    assert.equal(newer.values?.['ghi_wm2@+0'], 9);
    assert.deepEqual(Object.keys(newer.values ?? {}), Object.keys(run), 'in their stored order');
    assert.equal(JSON.stringify(parsed.sites.get('a')), JSON.stringify(state.sites.get('a')));
    // pruneState deletes old values; mergeEntries gives an entry without values the newer ones.
    pruneState(parsed, T0 + 4 * HOUR - 30 * MIN, { ...DEFAULT_RECENT_STATE_OPTIONS, valueHours: 3 });
    assert.equal(older.values, undefined, 'the older entry lost its values');
    assert.equal(Object.keys(older).includes('values'), false);
    assert.deepEqual(newer.values?.['ghi_wm2@+30'], 3, 'the newest keeps its values');
    mergeEntries(parsed, 'a', [{ observedAt: T0 - 40 * MIN, availableAt: T0, values: { 'ghi_wm2@+0': 1 } }]);
    assert.deepEqual(older.values, { 'ghi_wm2@+0': 1 });
    assert.equal(older.availableAt, T0 - 30 * MIN, 'a duplicate keeps its first availableAt');
    assert.deepEqual(parseState(serializeState(parsed), 'y'), parsed);
  });

  it('keeps a value named __proto__ as an own value, and refuses columns that do not fit together', () => {
    const state = emptyRecentState('meter', T0 - HOUR);
    const values = JSON.parse('{"__proto__": 4, "p": 1}') as Record<string, number>;
    mergeEntries(state, 'a', [{ observedAt: T0 - 20 * MIN, availableAt: T0, values }]);
    const back = parseState(serializeState(state), 'x').sites.get('a')?.[0]?.values;
    assert.deepEqual(Object.keys(back ?? {}), ['__proto__', 'p']);
    assert.equal(Object.getPrototypeOf(back), Object.prototype);
    assert.deepEqual(back, values);
    const stored = JSON.parse(serializeState(state)) as { counts: number[] };
    stored.counts = [2];
    assert.throws(
      () => parseState(JSON.stringify(stored), 'state/recent/raw/meter.json'),
      (err: unknown) =>
        err instanceof RecentStateError &&
        /meter\.json: the entry columns do not fit together \(1 sites, 1 entries\)/.test(err.message),
    );
  });
});

const meter = { id: 'meter', kind: 'sensor' } as SourceConfig;

function observationBlob(site: string, observedAt: number, availableAt: number, value: number) {
  const o = new Date(observedAt).toISOString();
  return {
    source: 'meter',
    site,
    observedAt: o,
    availableAt: new Date(availableAt).toISOString(),
    publishedAt: o,
    values: { p: value },
  };
}

describe('RecentStateStore', () => {
  it('seeds a missing state from the observation blobs of the last keepHours, then covers that window', async () => {
    const blobs = new MemoryBlobStore();
    const observations = new ObservationStore(blobs);
    for (let i = 0; i < 40; i++) {
      const t = T0 - i * HOUR;
      await observations.putIfAbsent(CONTAINERS.raw, observationBlob('a', t, t + 20 * MIN, i));
    }
    const store = new RecentStateStore(blobs);
    const state = await store.update(CONTAINERS.raw, 'meter', ['a', 'b'], T0 + HOUR, () => undefined);
    assert.equal(state.coversFrom, T0 + HOUR - 26 * HOUR);
    assert.equal(state.sites.get('a')?.length, 26, 'observations of the last 26 h, no older');
    const read = await store.read(CONTAINERS.raw, 'meter');
    assert.deepEqual(read?.state, state);
  });

  it('loses no entry when two writers update at once (ETag-guarded, retried)', async () => {
    const blobs = new MemoryBlobStore();
    const store = new RecentStateStore(blobs, DEFAULT_RECENT_STATE_OPTIONS, async () => undefined);
    await store.update(CONTAINERS.raw, 'meter', [], T0, () => undefined);
    await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        store.update(CONTAINERS.raw, 'meter', [], T0, (s) => {
          mergeEntries(s, `site-${i}`, [{ observedAt: T0 - i * MIN, availableAt: T0 }]);
        }),
      ),
    );
    const state = (await store.read(CONTAINERS.raw, 'meter'))?.state;
    assert.equal(state?.sites.size, 8);
  });

  it('gives up with a conflict naming the blob when the state keeps changing', async () => {
    const blobs = new MemoryBlobStore();
    const racing: BlobStore = {
      putIfAbsent: (c, n, b, o) => blobs.putIfAbsent(c, n, b, o),
      get: (c, n) => blobs.get(c, n),
      list: (c, p) => blobs.list(c, p),
      delete: (c, n) => blobs.delete(c, n),
      put: async (c: string, n: string, b: Buffer | string, o?: PutOptions) => {
        if (o?.ifMatch) throw new BlobConflictError(c, n);
        return blobs.put(c, n, b, o);
      },
    };
    const store = new RecentStateStore(racing, DEFAULT_RECENT_STATE_OPTIONS, async () => undefined);
    await store.update(CONTAINERS.raw, 'meter', [], T0, () => undefined);
    await assert.rejects(
      store.update(CONTAINERS.raw, 'meter', [], T0, () => true),
      (err: unknown) => err instanceof BlobConflictError && err.message.includes(recentStateName('raw', 'meter')),
    );
  });

  it('replaces a state that does not parse (readers list the blobs meanwhile)', async () => {
    const blobs = new MemoryBlobStore();
    await blobs.put(CONTAINERS.state, recentStateName(CONTAINERS.raw, 'meter'), 'not json');
    const store = new RecentStateStore(blobs);
    assert.equal(await store.read(CONTAINERS.raw, 'meter'), undefined);
    await store.update(CONTAINERS.raw, 'meter', [], T0, (s) => {
      mergeEntries(s, 'a', [{ observedAt: T0, availableAt: T0 }]);
    });
    assert.equal((await store.read(CONTAINERS.raw, 'meter'))?.state.sites.get('a')?.length, 1);
  });
});

describe('what a recent state knows before coversFrom', () => {
  it("answers predict's 72-hour look-back for a site it knows observed nothing then, and lists the others", async () => {
    const memory = new MemoryBlobStore();
    const blobs = new CountingBlobStore(memory);
    const observations = new ObservationStore(blobs);
    const now = T0 + 100 * HOUR;
    // Site a: observed until 30 h ago (silent since); site b: until 80 h ago; site c: never.
    for (const [site, lastHoursAgo] of [
      ['a', 30],
      ['b', 80],
    ] as const)
      for (let h = lastHoursAgo + 10; h >= lastHoursAgo; h--)
        await observations.putIfAbsent(CONTAINERS.raw, observationBlob(site, now - h * HOUR, now - h * HOUR + MIN, h));
    const state = await new RecentStateStore(blobs).update(CONTAINERS.raw, 'meter', ['a', 'b', 'c'], now, () => true);
    assert.equal(state.knownFrom, now - 72 * HOUR);
    assert.deepEqual([...state.gone], [['a', now - 30 * HOUR]], 'the newest dropped observation of a; b is too old');
    const run = observations.forRun();
    const asOf = new Date(now);
    for (const site of ['a', 'b', 'c']) {
      const before = blobs.counts.list;
      const got = await run.recentAvailable(meter, site, asOf, 72);
      const expected = await observations.recentAvailable(meter, site, asOf, 72);
      assert.deepEqual(
        got.map((l) => l.name),
        expected.map((l) => l.name),
        site,
      );
      // The reference listing's four day folders in both layouts (per observation, batches); the run lists a
      // day's batches once for all sites.
      const listed = blobs.counts.list - before - 8;
      assert.equal(listed, site === 'a' ? 8 : 0, `${site}: listings of the state-backed read`);
    }
    // Still known after a prune a day later (b's 80 h are forgotten, a's 30 h are now 54 h: still remembered).
    pruneState(state, now + 24 * HOUR, DEFAULT_RECENT_STATE_OPTIONS);
    assert.deepEqual([...state.gone], [['a', now - 30 * HOUR]]);
    assert.deepEqual(entriesIn(state, 'c', now - 48 * HOUR, now + 24 * HOUR, now + 24 * HOUR), []);
    assert.equal(entriesIn(state, 'a', now - 48 * HOUR, now + 24 * HOUR, now + 24 * HOUR), undefined);
    const back = parseState(serializeState(state), 'x');
    assert.deepEqual(back, state);
  });
});

describe('the inbox of a recent state', () => {
  it('takes entries from many writers at once, is seen by readers at once, and is merged in one write', async () => {
    const memory = new MemoryBlobStore();
    const blobs = new CountingBlobStore(memory);
    const store = new RecentStateStore(blobs);
    await store.update(CONTAINERS.features, 'cam', [], T0, () => undefined);
    const puts = blobs.counts.put;
    await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        store.putInbox(CONTAINERS.features, 'cam', `site-${i}`, {
          observedAt: T0 - 10 * MIN,
          availableAt: T0 + i,
          publishedAt: T0 - 9 * MIN,
          values: { cloud: i / 50 },
        }),
      ),
    );
    assert.equal(blobs.counts.put - puts, 50, 'one small write each, no state write');
    const seen = await store.readWithInbox(CONTAINERS.features, 'cam');
    assert.equal(seen?.sites.size, 50);
    assert.deepEqual(seen?.sites.get('site-7'), [
      { observedAt: T0 - 10 * MIN, availableAt: T0 + 7, publishedAt: T0 - 9 * MIN, values: { cloud: 7 / 50 } },
    ]);
    assert.equal(await store.compact(CONTAINERS.features, 'cam', [], T0), 50);
    assert.equal((await store.inbox(CONTAINERS.features, 'cam')).length, 0, 'merged entries are deleted');
    assert.equal((await store.read(CONTAINERS.features, 'cam'))?.state.sites.size, 50);
    assert.equal(await store.compact(CONTAINERS.features, 'cam', [], T0), 0);
  });
});

describe('ObservationStore.forRun', () => {
  it('answers every window the state covers exactly as the listing does, and lists the ones it does not', async () => {
    const blobs = new MemoryBlobStore();
    const observations = new ObservationStore(blobs);
    const store = new RecentStateStore(blobs);
    // Seeded pseudo-random delays (some longer than the cadence, so as-of matters), two sites.
    let seed = 7;
    const rnd = (): number => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const now = T0 + 30 * HOUR;
    const stored = [];
    for (const site of ['a', 'b'])
      for (let t = T0; t <= now; t += 10 * MIN) {
        const o = observationBlob(site, t, t + Math.round((5 + rnd() * 40) * MIN), Math.round(rnd() * 1000));
        if (Date.parse(o.availableAt) > now) continue;
        stored.push(o);
        await observations.putIfAbsent(CONTAINERS.raw, o);
      }
    await store.update(CONTAINERS.raw, 'meter', ['a', 'b'], now, () => undefined);
    const run = observations.forRun();
    let fromState = 0;
    for (const site of ['a', 'b'])
      for (const asOfMin of [0, 7, 33, 95, 600]) {
        const asOf = new Date(now - asOfMin * MIN);
        for (const hours of [1, 24, 72]) {
          const expected = await observations.recentAvailable(meter, site, asOf, hours);
          const got = await run.recentAvailable(meter, site, asOf, hours);
          assert.deepEqual(
            got.map((l) => [l.name, l.observedAt, l.availableAt, l.publishedAt]),
            expected.map((l) => [l.name, l.observedAt, l.availableAt, l.publishedAt]),
            `${site} as of ${asOf.toISOString()}, ${hours} h`,
          );
          for (let i = 0; i < got.length; i++) {
            const a = await run.read(meter, site, got[i] as (typeof got)[number]);
            const b = await observations.read(meter, site, expected[i] as (typeof expected)[number]);
            assert.deepEqual(a?.values, b?.values);
          }
          if (got.some((l) => l.parsedValues !== undefined)) fromState++;
        }
      }
    assert.ok(fromState >= 10, `windows answered from the state: ${fromState}`);
    assert.ok(stored.length > 300);
  });
});
