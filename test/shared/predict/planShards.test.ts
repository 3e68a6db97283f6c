import assert from 'node:assert/strict';
import { test } from 'node:test';
import { planShards } from '../../../shared/predict/planShards';

function config(sites: number, sitesPerShard: number) {
  return {
    sites: Array.from({ length: sites }, (_, i) => ({
      id: `site-${String(i).padStart(5, '0')}`,
      latitude: 55,
      longitude: 12,
    })),
    forecast: { leadsMinutes: [20], cadenceMinutes: 10, schedule: '%PREDICT_SCHEDULE%', sitesPerShard },
  };
}

test('planShards: up to sitesPerShard sites run as one shard of every site (unsharded, as before)', () => {
  for (const [sites, per] of [
    [1, 5000],
    [5000, 5000],
    [3, 3],
  ] as const) {
    const plan = planShards(config(sites, per));
    assert.equal(plan.length, 1);
    assert.deepEqual(
      plan[0]?.sites,
      config(sites, per).sites.map((s) => s.id),
    );
  }
});

test('planShards: more sites split into even shards of at most sitesPerShard, each site in exactly one, in order', () => {
  for (const [sites, per, shards] of [
    [5001, 5000, 2],
    [10_000, 2500, 4],
    [7, 3, 3],
    [100, 1, 100],
  ] as const) {
    const c = config(sites, per);
    const plan = planShards(c);
    assert.equal(plan.length, shards, `${sites} sites by ${per}`);
    plan.forEach((p, i) => {
      assert.equal(p.shard, i);
      assert.equal(p.shards, shards);
      assert.ok(p.sites.length <= per && p.sites.length >= Math.floor(sites / shards), `shard ${i}: ${p.sites.length}`);
    });
    assert.deepEqual(
      plan.flatMap((p) => p.sites),
      c.sites.map((s) => s.id),
    );
  }
});
