import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatTime, unambiguousStart } from '../../../../shared/sources/http/formatTime';

// How {from} and {to} are written into a request.
const cases: { at: string; format: string; timeZone: string; expected: string }[] = [
  { at: '2026-06-01T10:00:00Z', format: 'iso', timeZone: 'UTC', expected: '2026-06-01T10:00:00Z' },
  { at: '2026-06-01T10:00:00.250Z', format: 'iso', timeZone: 'UTC', expected: '2026-06-01T10:00:00.250Z' },
  { at: '2026-06-01T10:00:00Z', format: 'iso', timeZone: 'Europe/Berlin', expected: '2026-06-01T12:00:00+02:00' },
  { at: '2026-01-15T10:00:00Z', format: 'iso', timeZone: 'Europe/Berlin', expected: '2026-01-15T11:00:00+01:00' },
  { at: '2026-06-01T10:00:00Z', format: 'iso', timeZone: '+05:30', expected: '2026-06-01T15:30:00+05:30' },
  { at: '2026-06-01T10:00:00Z', format: 'epoch-seconds', timeZone: 'UTC', expected: '1780308000' },
  { at: '2026-06-01T10:00:00.999Z', format: 'epoch-seconds', timeZone: 'Europe/Berlin', expected: '1780308000' },
  { at: '2026-06-01T10:00:00.250Z', format: 'epoch-millis', timeZone: 'UTC', expected: '1780308000250' },
  {
    at: '2026-06-01T10:00:00Z',
    format: 'yyyy-MM-dd HH:mm:ss',
    timeZone: 'Europe/Berlin',
    expected: '2026-06-01 12:00:00',
  },
  { at: '2026-06-01T10:00:00Z', format: "yyyy-MM-dd'T'HH:mm", timeZone: 'UTC', expected: '2026-06-01T10:00' },
  {
    at: '2026-06-01T10:00:00Z',
    format: 'dd.MM.yyyy HH:mm',
    timeZone: 'Europe/Copenhagen',
    expected: '01.06.2026 12:00',
  },
  // Around the autumn change the same wall-clock text names two instants; the zone's offset tells them apart in ISO.
  {
    at: '2026-10-25T00:30:00Z',
    format: 'yyyy-MM-dd HH:mm:ss',
    timeZone: 'Europe/Berlin',
    expected: '2026-10-25 02:30:00',
  },
  {
    at: '2026-10-25T01:30:00Z',
    format: 'yyyy-MM-dd HH:mm:ss',
    timeZone: 'Europe/Berlin',
    expected: '2026-10-25 02:30:00',
  },
  { at: '2026-10-25T00:30:00Z', format: 'iso', timeZone: 'Europe/Berlin', expected: '2026-10-25T02:30:00+02:00' },
  { at: '2026-10-25T01:30:00Z', format: 'iso', timeZone: 'Europe/Berlin', expected: '2026-10-25T02:30:00+01:00' },
  // Spring: 01:00Z is 03:00 CEST, right after 01:59 CET.
  { at: '2026-03-29T00:59:00Z', format: 'HH:mm', timeZone: 'Europe/Berlin', expected: '01:59' },
  { at: '2026-03-29T01:00:00Z', format: 'HH:mm', timeZone: 'Europe/Berlin', expected: '03:00' },
];

for (const c of cases) {
  test(`${c.at} as ${c.format} in ${c.timeZone}: ${c.expected}`, () => {
    assert.equal(formatTime(Date.parse(c.at), { format: c.format, timeZone: c.timeZone }), c.expected);
  });
}

test('a window start inside the repeated autumn hour moves back to before it; other starts stay', () => {
  const berlin = { format: 'yyyy-MM-dd HH:mm:ss', timeZone: 'Europe/Berlin' };
  // 2026-10-25: 02:00-02:59 Berlin happens twice, 00:00Z-00:59Z (CEST) and 01:00Z-01:59Z (CET).
  const cases: [string, string, typeof berlin][] = [
    ['2026-10-25T01:15:00Z', '2026-10-24T23:15:00.000Z', berlin],
    ['2026-10-25T00:15:00Z', '2026-10-24T23:15:00.000Z', berlin],
    ['2026-10-24T23:59:00Z', '2026-10-24T23:59:00.000Z', berlin],
    ['2026-10-25T02:15:00Z', '2026-10-25T02:15:00.000Z', berlin],
    ['2026-03-29T01:30:00Z', '2026-03-29T01:30:00.000Z', berlin],
    ['2026-10-25T01:15:00Z', '2026-10-25T01:15:00.000Z', { format: 'epoch-seconds', timeZone: 'UTC' }],
    ['2026-10-25T01:15:00Z', '2026-10-25T01:15:00.000Z', { format: 'iso', timeZone: 'Europe/Berlin' }],
  ];
  for (const [from, expected, spec] of cases) {
    assert.equal(
      new Date(unambiguousStart(Date.parse(from), spec)).toISOString(),
      expected,
      `${from} as ${spec.format} in ${spec.timeZone}`,
    );
  }
});
