import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chooseVirtualStart } from '../../local/chooseVirtualStart';
import { solarPosition } from '../../shared/solar/solarPosition';

const PARK = { id: 'park-1', latitude: 55.68, longitude: 12.57 };
const elevation = (site: typeof PARK, t: Date): number => solarPosition(site.latitude, site.longitude, t).elevationDeg;

test('by day a fresh stack starts at the wall clock, saying nothing', () => {
  const wall = new Date('2026-06-21T10:00:00Z');
  assert.deepEqual(chooseVirtualStart(undefined, wall, undefined, PARK), { start: wall });
});

test('at night a fresh stack starts in the most recent daylight, and says why', () => {
  const wall = new Date('2026-12-03T20:00:00Z');
  const { start, note } = chooseVirtualStart(undefined, wall, undefined, PARK);
  assert.ok(start > new Date('2026-12-03T07:00:00Z') && start < new Date('2026-12-03T11:30:00Z'), start.toISOString());
  assert.ok(elevation(PARK, start) >= 5, `sun ${elevation(PARK, start).toFixed(1)}° at ${start.toISOString()}`);
  assert.match(note ?? '', /night at park-1 \(the sun is \d+° below the horizon\).*most recent daylight.*--start now/);
  // Asked for explicitly, daylight is chosen by day too: a few hours before that day's highest sun.
  const byDay = chooseVirtualStart('daylight', new Date('2026-06-21T16:00:00Z'), undefined, PARK);
  assert.ok(
    byDay.start < new Date('2026-06-21T11:30:00Z') && elevation(PARK, byDay.start) >= 5,
    byDay.start.toISOString(),
  );
});

test('a stack with data continues from its clock; a start before it is refused, naming --fresh', () => {
  const wall = new Date('2026-12-03T20:00:00Z');
  const ahead = new Date('2026-12-04T02:00:00Z');
  assert.deepEqual(chooseVirtualStart(undefined, wall, ahead, PARK), { start: ahead });
  assert.deepEqual(chooseVirtualStart(undefined, wall, new Date('2026-12-03T12:00:00Z'), PARK), { start: wall });
  assert.equal(chooseVirtualStart('daylight', wall, ahead, PARK).start.toISOString(), ahead.toISOString());
  assert.throws(
    () => chooseVirtualStart('2026-12-03T09:00:00Z', wall, ahead, PARK),
    /before the stored data's clock \(2026-12-04T02:00:00.000Z\); add --fresh/,
  );
  assert.deepEqual(chooseVirtualStart('2026-12-05T09:00:00Z', wall, ahead, PARK), {
    start: new Date('2026-12-05T09:00:00Z'),
  });
  assert.deepEqual(chooseVirtualStart('now', wall, undefined, PARK), { start: wall });
});

test('a bad --start names the value and what is expected; polar night starts at the wall clock, saying so', () => {
  assert.throws(
    () => chooseVirtualStart('tomorrow', new Date(), undefined, PARK),
    /--start must be an ISO 8601 time with a zone .* "daylight" or "now", got "tomorrow"/,
  );
  assert.throws(
    () => chooseVirtualStart('2026-12-03T09:00:00', new Date(), undefined, PARK),
    /got "2026-12-03T09:00:00"/,
  );
  const tromso = { id: 'tromso', latitude: 69.65, longitude: 18.96 };
  const wall = new Date('2026-12-15T12:00:00Z');
  const r = chooseVirtualStart(undefined, wall, undefined, tromso);
  assert.equal(r.start, wall);
  assert.match(r.note ?? '', /polar night/);
});
