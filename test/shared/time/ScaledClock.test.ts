import assert from 'node:assert/strict';
import { test } from 'node:test';
import { systemClock } from '../../../shared/time/Clock';
import { clockFromSettings } from '../../../shared/time/clockFromSettings';
import { ScaledClock } from '../../../shared/time/ScaledClock';
import { addMinutes, floorToSlot } from '../../../shared/time/slots';

test('a scaled clock runs speed times faster than real time from its start', () => {
  let real = 1_000_000;
  const clock = new ScaledClock(
    { virtualStart: new Date('2026-06-01T10:00:00Z'), realStartMs: 1_000_000, speed: 60 },
    () => real,
  );
  assert.equal(clock.now().toISOString(), '2026-06-01T10:00:00.000Z');
  real += 10_000;
  assert.equal(clock.now().toISOString(), '2026-06-01T10:10:00.000Z');
  assert.equal(clock.realDelayUntil(new Date('2026-06-01T10:20:00Z')), 10_000);
  assert.equal(clock.realDelayUntil(new Date('2026-06-01T09:00:00Z')), 0);
});

test('separate processes with the same settings read the same virtual time', () => {
  const settings = {
    CLOCK_SPEED: '120',
    CLOCK_VIRTUAL_START: '2026-06-01T00:00:00Z',
    CLOCK_REAL_START: String(Date.now()),
  };
  const a = clockFromSettings(settings).now().getTime();
  const b = clockFromSettings(settings).now().getTime();
  assert.ok(Math.abs(a - b) < 120 * 50, 'within 50 ms of real time');
  assert.equal(clockFromSettings({}), systemClock);
});

test('bad clock settings name the setting', () => {
  assert.throws(() => clockFromSettings({ CLOCK_SPEED: 'fast' }), /CLOCK_SPEED/);
  assert.throws(
    () => clockFromSettings({ CLOCK_SPEED: '2', CLOCK_VIRTUAL_START: 'soon', CLOCK_REAL_START: '0' }),
    /CLOCK_VIRTUAL_START/,
  );
  assert.throws(
    () => clockFromSettings({ CLOCK_SPEED: '2', CLOCK_VIRTUAL_START: '2026-01-01T00:00:00Z', CLOCK_REAL_START: 'x' }),
    /CLOCK_REAL_START/,
  );
});

test('issue slots are aligned to the cadence', () => {
  assert.equal(floorToSlot(new Date('2026-06-01T10:19:59.999Z'), 10).toISOString(), '2026-06-01T10:10:00.000Z');
  assert.equal(floorToSlot(new Date('2026-06-01T10:20:00Z'), 10).toISOString(), '2026-06-01T10:20:00.000Z');
  assert.equal(addMinutes(new Date('2026-06-01T23:50:00Z'), 20).toISOString(), '2026-06-02T00:10:00.000Z');
});
