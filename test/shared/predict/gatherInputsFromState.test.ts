import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gatherInputs } from '../../../shared/predict/gatherInputs';
import { historyInputFor } from '../../../shared/features/historyInputFor';
import { historyValues, type RecentObservation } from '../../../shared/features/historyFeatures';
import { ObservationStore, observationContainer } from '../../../shared/sources/ObservationStore';
import { RecentStateStore } from '../../../shared/sources/RecentStateStore';
import { MemoryBlobStore } from '../../support/MemoryBlobStore';
import { testConfig } from '../../support/testServices';

const MIN = 60_000;
const HOUR = 60 * MIN;
const T0 = Date.parse('2026-06-01T00:00:00.000Z');

test('gatherInputs from the run state gives what the listing gives, also where the state kept no values', async () => {
  const config = testConfig();
  const blobs = new MemoryBlobStore();
  const observations = new ObservationStore(blobs);
  const states = new RecentStateStore(blobs);
  const now = T0 + 30 * HOUR;
  let seed = 11;
  const rnd = (): number => (seed = (seed * 16807) % 2147483647) / 2147483647;
  const sites = ['park-1', 'park-2'];
  for (const source of config.sources) {
    const container = observationContainer(source);
    for (const site of sites)
      for (let t = T0; t <= now; t += 10 * MIN) {
        // park-2 is silent for the last 28 hours of one source: its newest is found in the 72-hour look-back.
        if (site === 'park-2' && source === config.sources[1] && t > now - 28 * HOUR) continue;
        const available = t + Math.round((5 + rnd() * 40) * MIN);
        if (available > now) continue;
        const values: Record<string, number> = {};
        for (const field of source.fields) values[field] = Math.round(rnd() * 1000) / 10;
        await observations.putIfAbsent(container, {
          source: source.id,
          site,
          observedAt: new Date(t).toISOString(),
          availableAt: new Date(available).toISOString(),
          ...(rnd() < 0.3 ? { publishedAt: new Date(t + 2 * MIN).toISOString() } : {}),
          ...(rnd() < 0.05 ? { backfilled: true } : {}),
          values,
        });
      }
    // The state keeps values for its last 3 hours only: older history is read from the blobs.
    await states.update(container, source.id, sites, now, () => undefined);
  }
  const run = observations.forRun();
  // The state (26 h) answers 24-hour windows up to 2 h back; near 2 h the history window reaches before the 3 h the
  // state keeps values for, so a blob is read; further back the listing answers.
  for (const site of sites)
    for (const ago of [0, 1, 1.5, 1.75, 1.9, 1.99, 2.5, 5, 20]) {
      const issueTime = new Date(now - ago * HOUR);
      const fromListing = await gatherInputs(config, site, issueTime, observations);
      const fromState = await gatherInputs(config, site, issueTime, run);
      const sorted = <V>(m: Map<string, V>): [string, V][] => [...m].sort(([a], [b]) => a.localeCompare(b));
      const where = `${site} at ${issueTime.toISOString()}`;
      assert.deepEqual(sorted(fromState.latest), sorted(fromListing.latest), `latest, ${where}`);
      assert.deepEqual(sorted(fromState.limits), sorted(fromListing.limits), `limits, ${where}`);
      // The listing carries values the state dropped (older than its valueHours): the history columns, which use
      // the lastK newest and the window, are the same, and the state's history is a part of the listing's.
      for (const source of config.sources) {
        const h = historyInputFor(source);
        const newest = fromListing.latest.get(source.id);
        if (!h || !newest) continue;
        const a = fromState.recent.get(source.id) ?? [];
        const b = fromListing.recent.get(source.id) ?? [];
        const asNewest = { observedAt: Date.parse(newest.observedAt), values: newest.values };
        const t = issueTime.getTime();
        assert.deepEqual(
          historyValues(source.fields, h, t, asNewest, a),
          historyValues(source.fields, h, t, asNewest, b),
          `history columns of ${source.id}, ${where}`,
        );
        // A RecentObservation's fields (the state hands its entries over as they are: they may carry more).
        const key = (r: RecentObservation): string => JSON.stringify([r.observedAt, r.availableAt, r.values]);
        const listed = new Set(b.map(key));
        assert.ok(
          a.every((r) => listed.has(key(r))),
          `the state's history of ${source.id} is listed, ${where}`,
        );
        assert.ok(a.length > h.lastK, `${source.id} has history, ${where}`);
      }
      assert.equal(fromState.latest.size, config.sources.length, `every source has a newest, ${where}`);
    }
});
