import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HostError } from '../../../local/host/HostError';
import { TimerSchedule } from '../../../local/host/TimerSchedule';

const valid: { expression: string; after: string; next: string[] }[] = [
  {
    expression: '0 */5 * * * *',
    after: '2024-01-01T00:03:00Z',
    next: ['2024-01-01T00:05:00.000Z', '2024-01-01T00:10:00.000Z'],
  },
  {
    expression: '*/30 * * * * *',
    after: '2024-01-01T00:00:00Z',
    next: ['2024-01-01T00:00:30.000Z', '2024-01-01T00:01:00.000Z'],
  },
  {
    expression: '0 30 9 * * MON-FRI',
    after: '2024-01-05T10:00:00Z',
    next: ['2024-01-08T09:30:00.000Z', '2024-01-09T09:30:00.000Z'],
  },
  {
    expression: '0 0 0 1 JAN *',
    after: '2024-06-01T00:00:00Z',
    next: ['2025-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z'],
  },
];

for (const c of valid) {
  test(`"${c.expression}" runs at ${c.next.join(', ')}`, () => {
    const schedule = TimerSchedule.parse(c.expression, 'test');
    assert.deepEqual(
      schedule.nextOccurrences(new Date(c.after), 2).map((d) => d.toISOString()),
      c.next,
    );
  });
}

test('time zones shift the wall-clock fields', () => {
  const schedule = TimerSchedule.parse('0 0 6 * * *', 'test', 'Europe/Amsterdam');
  assert.equal(schedule.nextAfter(new Date('2024-07-01T00:00:00Z')).toISOString(), '2024-07-01T04:00:00.000Z');
});

const invalid: { expression: string; why: RegExp }[] = [
  { expression: '*/5 * * * *', why: /6 fields/ },
  { expression: '0 61 * * * *', why: /61/ },
  { expression: '0 0 0 L * *', why: /unknown name "L"/ },
  { expression: '0 0 0 ? * MON', why: /unsupported characters/ },
  { expression: '0 0 0 * * MON#2', why: /unsupported characters/ },
  { expression: '@daily', why: /6 fields|unsupported/ },
  { expression: '00:05:00', why: /TimeSpan/ },
];

for (const c of invalid) {
  test(`"${c.expression}" is rejected`, () => {
    assert.throws(
      () => TimerSchedule.parse(c.expression, "function 'predict'"),
      (err: unknown) =>
        err instanceof HostError &&
        err.code === 'BAD_SCHEDULE' &&
        err.message.includes("function 'predict'") &&
        err.message.includes(`"${c.expression}"`) &&
        c.why.test(err.message),
    );
  });
}
