import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FaultScheduleError } from '../../../local/providers/FaultScheduleError';
import { parseFaultSchedule } from '../../../local/providers/parseFaultSchedule';

test('parseFaultSchedule: reads windows per source, sorted by from', () => {
  const schedule = parseFaultSchedule(
    JSON.stringify({
      weather: [
        { from: '2026-06-22T12:00:00Z', to: '2026-06-22T14:00:00Z' },
        { from: '2026-06-22T08:00:00+02:00', to: '2026-06-22T09:00:00.000Z' },
      ],
      skycam: [],
    }),
  );
  assert.deepEqual(Object.keys(schedule).sort(), ['skycam', 'weather']);
  assert.deepEqual(
    schedule['weather']?.map((w) => [w.from.toISOString(), w.to.toISOString()]),
    [
      ['2026-06-22T06:00:00.000Z', '2026-06-22T09:00:00.000Z'],
      ['2026-06-22T12:00:00.000Z', '2026-06-22T14:00:00.000Z'],
    ],
  );
  assert.deepEqual(schedule['skycam'], []);
  // Touching windows do not overlap.
  assert.equal(
    parseFaultSchedule(
      '{"neighbors":[{"from":"2026-06-22T08:00Z","to":"2026-06-22T09:00Z"},{"from":"2026-06-22T09:00Z","to":"2026-06-22T10:00Z"}]}',
    )['neighbors']?.length,
    2,
  );
});

const BAD: { name: string; text: string; sources?: string[]; expect: RegExp[] }[] = [
  { name: 'not JSON', text: '{weather: []}', expect: [/^PROVIDER_FAULTS is not valid JSON/] },
  { name: 'not an object', text: '[]', expect: [/PROVIDER_FAULTS: expected an object .* got \[\]/] },
  {
    name: 'unknown source id',
    text: '{"camera": []}',
    expect: [
      /PROVIDER_FAULTS\["camera"\]: unknown source id "camera"; expected one of "site-meter", "neighbors", "weather", "skycam"/,
    ],
  },
  {
    name: 'source not served by this configuration',
    text: '{"weather": []}',
    sources: ['site-meter'],
    expect: [/\["weather"\]: unknown source id "weather"; expected one of "site-meter"/],
  },
  {
    name: 'windows not a list',
    text: '{"weather": {"from": "2026-06-22T08:00:00Z"}}',
    expect: [/\["weather"\]: expected a list of \{"from", "to"\} windows, got \{"from"/],
  },
  {
    name: 'window not an object',
    text: '{"weather": ["2026-06-22T08:00:00Z"]}',
    expect: [/\["weather"\]\[0\]: expected \{"from": "<ISO time>", "to": "<ISO time>"\}, got "2026-06-22T08:00:00Z"/],
  },
  {
    name: 'bad time',
    text: '{"weather": [{"from": "yesterday", "to": "2026-06-22T08:00:00Z"}]}',
    expect: [/\["weather"\]\[0\]\.from: expected an ISO 8601 time .* got "yesterday"/],
  },
  {
    name: 'time without a zone',
    text: '{"weather": [{"from": "2026-06-22T08:00:00", "to": "2026-06-22T09:00:00Z"}]}',
    expect: [/\[0\]\.from: .*got "2026-06-22T08:00:00"$/],
  },
  {
    name: 'impossible date',
    text: '{"weather": [{"from": "2026-02-30T08:00:00Z", "to": "2026-03-22T09:00:00Z"}]}',
    expect: [/\[0\]\.from: .*got "2026-02-30T08:00:00Z"/],
  },
  {
    name: 'missing to',
    text: '{"weather": [{"from": "2026-06-22T08:00:00Z"}]}',
    expect: [/\["weather"\]\[0\]\.to: expected an ISO 8601 time .* got nothing/],
  },
  {
    name: 'unknown key',
    text: '{"weather": [{"from": "2026-06-22T08:00:00Z", "until": "2026-06-22T09:00:00Z", "to": "2026-06-22T09:00:00Z"}]}',
    expect: [/\["weather"\]\[0\]\.until: unknown key/],
  },
  {
    name: 'to <= from',
    text: '{"skycam": [{"from": "2026-06-22T08:00:00Z", "to": "2026-06-22T08:00:00Z"}]}',
    expect: [/\["skycam"\]\[0\]\.to: "2026-06-22T08:00:00Z" is not after from "2026-06-22T08:00:00Z"/],
  },
  {
    name: 'overlapping windows',
    text: '{"site-meter": [{"from": "2026-06-22T10:00:00Z", "to": "2026-06-22T12:00:00Z"}, {"from": "2026-06-22T08:00:00Z", "to": "2026-06-22T10:30:00Z"}]}',
    expect: [
      /\["site-meter"\]\[1\]: overlaps PROVIDER_FAULTS\["site-meter"\]\[0\] \(2026-06-22T08:00:00.000Z\.\.2026-06-22T10:30:00.000Z and 2026-06-22T10:00:00.000Z\.\.2026-06-22T12:00:00.000Z\)/,
    ],
  },
  {
    name: 'every problem at once',
    text: '{"camera": [], "weather": [{"from": "x", "to": "2026-06-22T08:00:00Z"}], "skycam": 3}',
    expect: [/\["camera"\]: unknown source/, /\["weather"\]\[0\]\.from/, /\["skycam"\]: expected a list/],
  },
];

for (const c of BAD) {
  test(`parseFaultSchedule rejects: ${c.name}`, () => {
    assert.throws(
      () => parseFaultSchedule(c.text, c.sources),
      (err: unknown) => {
        assert.ok(err instanceof FaultScheduleError);
        assert.equal(err.code, 'INVALID_FAULT_SCHEDULE');
        assert.equal(err.canRetry(), false);
        assert.equal(err.problems.length, c.expect.length, err.message);
        c.expect.forEach((re, i) => assert.match(err.problems[i] ?? '', re, err.message));
        return true;
      },
    );
  });
}
