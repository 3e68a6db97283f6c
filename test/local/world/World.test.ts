import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { UnknownSiteError } from '../../../local/world/UnknownSiteError';
import { World } from '../../../local/world/World';
import type { SensorSourceId } from '../../../local/world/WorldSource';

const SITE = { id: 'park-1', latitude: 55.68, longitude: 12.57 };
const SOURCES: SensorSourceId[] = ['site-meter', 'neighbors', 'weather'];
const FIELDS: Record<SensorSourceId, string[]> = {
  'site-meter': ['power_kw', 'ghi_wm2'],
  neighbors: ['ghi_w25', 'ghi_w45', 'ghi_nw35', 'ghi_sw35'],
  weather: ['temp_c', 'wind_speed_ms', 'wind_dir_deg', 'humidity_pct', 'pressure_hpa'],
};
const START = Date.UTC(2026, 4, 1);
const SLOT_MS = 600_000;

function slots(days: number): Date[] {
  return Array.from({ length: days * 144 }, (_, i) => new Date(START + i * SLOT_MS));
}

test('World: each source has exactly its fields, all finite', () => {
  const world = new World({ seed: 42, sites: [SITE] });
  for (const source of SOURCES) {
    const values = world.sensorValues(source, 'park-1', new Date('2026-05-03T12:00:00Z'));
    assert.deepEqual(Object.keys(values).sort(), [...FIELDS[source]].sort());
    for (const v of Object.values(values)) assert.ok(Number.isFinite(v));
  }
});

test('World: same seed, same values, whatever the order of the questions', () => {
  const times = slots(2).filter((_, i) => i % 7 === 0);
  const a = new World({ seed: 42, sites: [SITE] });
  const b = new World({ seed: 42, sites: [SITE] });
  const forward = times.map((t) => SOURCES.map((s) => a.sensorValues(s, 'park-1', t)));
  const backward = [...times]
    .reverse()
    .map((t) => SOURCES.map((s) => b.sensorValues(s, 'park-1', t)))
    .reverse();
  assert.deepEqual(forward, backward);
  const t = new Date('2026-05-01T10:00:00Z');
  assert.ok(a.skycamPng('park-1', t).equals(b.skycamPng('park-1', t)));
  assert.equal(a.publishedAt('weather', 'park-1', t).getTime(), b.publishedAt('weather', 'park-1', t).getTime());
});

test('World: a different seed gives a different world', () => {
  const a = new World({ seed: 42, sites: [SITE] });
  const b = new World({ seed: 43, sites: [SITE] });
  const day = slots(1);
  for (const source of SOURCES) {
    const sa = day.map((t) => a.sensorValues(source, 'park-1', t));
    const sb = day.map((t) => b.sensorValues(source, 'park-1', t));
    assert.notDeepEqual(sa, sb, source);
  }
  const t = new Date('2026-05-01T10:00:00Z');
  assert.ok(!a.skycamPng('park-1', t).equals(b.skycamPng('park-1', t)));
});

test('World: no irradiance and no power at night', () => {
  const world = new World({ seed: 42, sites: [SITE] });
  let nights = 0;
  for (const t of slots(5)) {
    if (world.sun('park-1', t).elevationDeg > 0) continue;
    nights++;
    assert.deepEqual(world.sensorValues('site-meter', 'park-1', t), { power_kw: 0, ghi_wm2: 0 });
    for (const v of Object.values(world.sensorValues('neighbors', 'park-1', t))) assert.equal(v, 0);
  }
  assert.ok(nights > 100, `only ${nights} night slots`);
});

test('World (property): power within [0, capacity], irradiance non-negative and below the clear sky with margin', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 1_000_000 }),
      fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2030-12-31T00:00:00Z'), noInvalidDate: true }),
      fc.double({ min: -60, max: 60, noNaN: true }),
      fc.double({ min: -180, max: 180, noNaN: true }),
      fc.integer({ min: 100, max: 10_000 }),
      (seed, t, latitude, longitude, capacityKw) => {
        const world = new World({ seed, sites: [{ id: 's', latitude, longitude }], capacityKw });
        const meter = world.sensorValues('site-meter', 's', t);
        const clear = world.clearSkyGhi('s', t);
        assert.ok(meter.power_kw !== undefined && meter.power_kw >= 0 && meter.power_kw <= capacityKw);
        for (const v of [meter.ghi_wm2, ...Object.values(world.sensorValues('neighbors', 's', t))]) {
          assert.ok(v !== undefined && v >= 0 && v <= clear * 1.05 + 10, `ghi ${v} vs clear ${clear}`);
        }
        const weather = world.sensorValues('weather', 's', t);
        assert.ok((weather.humidity_pct ?? -1) >= 0 && (weather.humidity_pct ?? 101) <= 100);
        assert.ok((weather.wind_dir_deg ?? -1) >= 0 && (weather.wind_dir_deg ?? 360) < 360);
      },
    ),
    { numRuns: 200 },
  );
});

test('World: on clear days noon gives more power than the morning', () => {
  const world = new World({ seed: 42, sites: [SITE] });
  let clearDays = 0;
  for (let d = 0; d < 30; d++) {
    const morning = new Date(START + d * 86_400_000 + 6 * 3_600_000); // ~07:50 local solar time
    const noon = new Date(START + d * 86_400_000 + 11 * 3_600_000); // ~12:50
    if (world.cloudOpacity('park-1', 0, 0, morning) > 0 || world.cloudOpacity('park-1', 0, 0, noon) > 0) continue;
    clearDays++;
    const m = world.sensorValues('site-meter', 'park-1', morning);
    const n = world.sensorValues('site-meter', 'park-1', noon);
    assert.ok((n.power_kw ?? 0) > (m.power_kw ?? 0) * 1.3, `day ${d}: noon ${n.power_kw} vs morning ${m.power_kw}`);
    assert.ok((n.ghi_wm2 ?? 0) > 600, `day ${d}: clear noon GHI ${n.ghi_wm2}`);
  }
  assert.ok(clearDays >= 3, `only ${clearDays} clear mornings-and-noons in 30 days`);
});

test('World: a cloud over the park cuts its irradiance and power', () => {
  const world = new World({ seed: 42, sites: [SITE] });
  const pairs = slots(10)
    .filter((t) => world.sun('park-1', t).elevationDeg > 30)
    .map((t) => ({
      o: world.cloudOpacity('park-1', 0, 0, t),
      csi: (world.sensorValues('site-meter', 'park-1', t).ghi_wm2 ?? 0) / world.clearSkyGhi('park-1', t),
    }));
  const clear = pairs.filter((p) => p.o === 0);
  const overcast = pairs.filter((p) => p.o === 1);
  assert.ok(clear.length > 20 && overcast.length > 20, `${clear.length} clear, ${overcast.length} overcast slots`);
  for (const p of clear) assert.ok(p.csi > 0.93 && p.csi < 1.07, `clear-sky index ${p.csi} under a clear sky`);
  for (const p of overcast) assert.ok(p.csi > 0.18 && p.csi < 0.32, `clear-sky index ${p.csi} under full cloud`);
});

test('World: the wind stays a westerly of 3-15 m/s that veers slowly', () => {
  const world = new World({ seed: 42, sites: [SITE] });
  let previous: number | undefined;
  let maxDeviation = 0;
  for (const t of slots(60).filter((_, i) => i % 3 === 0)) {
    const w = world.wind(t);
    assert.ok(w.speedMs >= 3 && w.speedMs <= 15, `speed ${w.speedMs}`);
    const deviation = Math.abs(w.directionDeg - 270);
    assert.ok(deviation <= 60, `direction ${w.directionDeg}`);
    maxDeviation = Math.max(maxDeviation, deviation);
    if (previous !== undefined)
      assert.ok(Math.abs(w.directionDeg - previous) < 10, 'veers by more than 10° in 30 minutes');
    previous = w.directionDeg;
  }
  assert.ok(maxDeviation > 20, `the wind hardly veers (at most ${maxDeviation}°)`);
});

test('World: publication comes 20-40 minutes after observation, spread to the millisecond', () => {
  const world = new World({ seed: 42, sites: [SITE] });
  const delays = new Set<number>();
  for (const t of slots(2)) {
    for (const source of [...SOURCES, 'skycam' as const]) {
      const delay = world.publishedAt(source, 'park-1', t).getTime() - t.getTime();
      assert.ok(delay >= 20 * 60_000 && delay <= 40 * 60_000, `delay ${delay}`);
      delays.add(delay);
    }
  }
  assert.ok(delays.size > 0.95 * 2 * 144 * 4, `${delays.size} distinct delays`);
});

test('World: unknown sites and bad options are refused with a precise message', () => {
  const world = new World({ seed: 1, sites: [SITE] });
  assert.throws(
    () => world.sensorValues('weather', 'nope', new Date()),
    (err: unknown) => err instanceof UnknownSiteError && /"nope".*"park-1"/.test(err.message),
  );
  assert.throws(() => new World({ seed: 1, sites: [] }), /at least one site/);
  assert.throws(() => new World({ seed: 1, sites: [SITE, SITE] }), /duplicate site id "park-1"/);
  assert.throws(() => new World({ seed: Number.NaN, sites: [SITE] }), /seed/);
  assert.throws(() => new World({ seed: 1, sites: [SITE], capacityKw: 0 }), /capacityKw/);
});
