import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { FunctionsHost } from '../../../local/host/FunctionsHost';
import { HostError } from '../../../local/host/HostError';
import { TimerSchedule } from '../../../local/host/TimerSchedule';
import {
  eventually,
  FIXTURE_APP,
  FIXTURE_SETTINGS,
  fastClock,
  type FixtureHost,
  sleep,
  startFixtureHost,
} from './fixtureHost';

interface TickReport {
  timer: {
    isPastDue: boolean;
    schedule: { adjustForDST: boolean };
    scheduleStatus: { last: string; next: string; lastUpdated: string };
  };
  concurrent: number;
}

describe('FunctionsHost on the fixture app', () => {
  let fixture: FixtureHost;
  before(async () => {
    fixture = await startFixtureHost();
  });
  after(async () => {
    await fixture.host.stop();
  });

  test('discovers exactly the functions the app registers, with schedules, paths and routes', () => {
    const found = [...fixture.host.functions]
      .sort((a, b) => a.name.localeCompare(b.name))
      .map(({ otherBindings: _bindings, ...info }) => info);
    assert.deepEqual(found, [
      { name: 'boom', triggerType: 'httpTrigger', route: 'boom', methods: ['GET'], authLevel: 'anonymous' },
      { name: 'echo', triggerType: 'httpTrigger', route: 'echo', methods: ['POST', 'PUT'], authLevel: 'anonymous' },
      {
        name: 'get-item',
        triggerType: 'httpTrigger',
        route: 'items/{id}/{view?}',
        methods: ['GET'],
        authLevel: 'function',
      },
      {
        name: 'ingest-image',
        triggerType: 'blobTrigger',
        path: 'fixture-images/{name}',
        resolvedPath: 'fixture-images/{name}',
        connection: 'FIXTURE_STORAGE',
        source: 'EventGrid',
      },
      { name: 'tick', triggerType: 'timerTrigger', schedule: '%TICK_SCHEDULE%', resolvedSchedule: '0 0 0 1 1 *' },
    ]);
    assert.match(fixture.host.httpUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
  });

  test('HTTP: route params and query reach the handler; status, headers and JSON body come back', async () => {
    const res = await fetch(`${fixture.host.httpUrl}/api/items/42?q=hello%20there`);
    assert.equal(res.status, 203);
    assert.equal(res.headers.get('x-item'), '42');
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    assert.deepEqual(await res.json(), {
      id: '42',
      view: null,
      q: 'hello there',
      url: `${fixture.host.httpUrl}/api/items/42?q=hello%20there`,
    });

    const withView = await fetch(`${fixture.host.httpUrl}/API/Items/a%20b/full`);
    assert.equal(withView.status, 203);
    assert.deepEqual(await withView.json(), {
      id: 'a b',
      view: 'full',
      q: null,
      url: `${fixture.host.httpUrl}/API/Items/a%20b/full`,
    });
  });

  test('HTTP: a POST body round-trips as bytes, with cookies; unknown routes and methods give 404 JSON', async () => {
    const bytes = Buffer.from([0, 1, 2, 250, 251, 252]);
    const res = await fetch(`${fixture.host.httpUrl}/api/echo`, {
      method: 'POST',
      body: bytes,
      headers: { 'content-type': 'application/x-test' },
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/x-test');
    assert.deepEqual(Buffer.from(await res.arrayBuffer()), bytes);
    assert.equal(res.headers.get('set-cookie'), 'seen=yes; Path=/; HttpOnly; SameSite=Lax');

    for (const [method, url] of [
      ['GET', '/api/nowhere'],
      ['DELETE', '/api/items/1'],
      ['GET', '/items/1'],
      ['GET', '/api/echo'],
    ] as const) {
      const miss = await fetch(`${fixture.host.httpUrl}${url}`, { method });
      assert.equal(miss.status, 404, `${method} ${url}`);
      assert.equal(((await miss.json()) as { error: string }).error, 'Not Found');
    }
  });

  test('HTTP: a throwing handler gives a generic 500, is counted as a failure, and the host keeps serving', async () => {
    const res = await fetch(`${fixture.host.httpUrl}/api/boom`);
    assert.equal(res.status, 500);
    const text = await res.text();
    assert.doesNotMatch(text, /kaboom|secret|at .*\.js/);
    const body = JSON.parse(text) as { error: string; invocationId: string };
    assert.equal(body.error, 'Internal Server Error');
    const failure = fixture.events.find((e) => e.invocationId === body.invocationId);
    assert.deepEqual(failure && { ok: failure.ok, error: failure.error, triggerType: failure.triggerType }, {
      ok: false,
      error: 'kaboom: secret internal detail',
      triggerType: 'httpTrigger',
    });
    assert.ok(
      fixture.logs.some((e) => e.invocationId === body.invocationId && e.level === 'error' && /kaboom/.test(e.message)),
    );

    const again = await fetch(`${fixture.host.httpUrl}/api/items/7`);
    assert.equal(again.status, 203);
  });

  test('preInvocation hooks can replace the handler and postInvocation hooks can rescue a failure', async () => {
    const replaced = await fetch(`${fixture.host.httpUrl}/api/items/5`, { headers: { 'x-hook': 'replace' } });
    assert.equal(replaced.status, 299);
    assert.deepEqual(await replaced.json(), { replacedBy: 'preInvocation' });

    const rescued = await fetch(`${fixture.host.httpUrl}/api/boom?rescue=1`);
    assert.equal(rescued.status, 200);
    assert.equal(await rescued.text(), 'rescued by postInvocation');
  });

  test('context.warn reaches the log with its level, the function name and the invocation id', async () => {
    await fetch(`${fixture.host.httpUrl}/api/items/99`);
    const event = fixture.events.filter((e) => e.functionName === 'get-item').at(-1);
    const line = fixture.logs.find((e) => e.message === 'item 99 requested');
    assert.ok(event && line);
    assert.deepEqual(
      { level: line.level, category: line.category, functionName: line.functionName, invocationId: line.invocationId },
      { level: 'warning', category: 'user', functionName: 'get-item', invocationId: event.invocationId },
    );
  });

  test('runTimer runs a timer function now with the camelCased timer object; unknown names reject', async () => {
    await fixture.host.runTimer('tick');
    const [report] = fixture.reports<TickReport>('tick');
    assert.equal(report?.timer.isPastDue, false);
    assert.equal(report?.timer.schedule.adjustForDST, true);
    assert.equal(report?.timer.scheduleStatus.last, '0001-01-01T00:00:00');
    await assert.rejects(fixture.host.runTimer('get-item'), (err: HostError) => err.code === 'UNKNOWN_FUNCTION');
  });
});

describe('timers on a virtual clock', () => {
  test('fire once per occurrence, in order, with the host-shaped ScheduleStatus', async () => {
    const clock = fastClock(new Date('2024-01-01T00:00:00Z'), 600);
    // Every 2 virtual minutes is 200 ms real at 600x: room for timer latency on a busy machine.
    const schedule = TimerSchedule.parse('0 */2 * * * *', 'test');
    const startedAt = clock.now();
    const fixture = await startFixtureHost({
      clock,
      settings: { ...FIXTURE_SETTINGS, TICK_SCHEDULE: '0 */2 * * * *' },
    });
    await sleep(1_250);
    const stoppedAt = clock.now();
    await fixture.host.stop();

    let expected = 0;
    for (let t = schedule.nextAfter(startedAt); t <= stoppedAt; t = schedule.nextAfter(t)) expected += 1;
    const reports = fixture.reports<TickReport>('tick');
    assert.ok(expected >= 5, `1.25 s at 600x spans about 12 virtual minutes, got ${expected} occurrences`);
    assert.ok(
      reports.length === expected || reports.length === expected - 1,
      `expected ${expected} runs (or one fewer at the edge), got ${reports.length}`,
    );
    const nexts = reports.map((r) => Date.parse(r.timer.scheduleStatus.next));
    nexts.forEach((t, i) => {
      if (i > 0) assert.equal(t - (nexts[i - 1] ?? 0), 120_000, 'one run per occurrence');
    });
    assert.ok(reports.every((r) => r.concurrent === 1 && !r.timer.isPastDue));
    assert.equal(reports[0]?.timer.scheduleStatus.last, '0001-01-01T00:00:00');
    assert.ok(fixture.events.every((e) => e.functionName === 'tick' && e.ok));
  });

  test('never overlap themselves, and a run that falls behind is followed by one past-due run', async () => {
    process.env['FIXTURE_TICK_WORK_MS'] = '40';
    try {
      // Every 5 virtual seconds is 8 ms real at 600x; each run takes 40 ms, so the host keeps falling behind.
      const fixture = await startFixtureHost({ settings: { ...FIXTURE_SETTINGS, TICK_SCHEDULE: '*/5 * * * * *' } });
      await sleep(200);
      await Promise.all([fixture.host.runTimer('tick'), fixture.host.runTimer('tick')]);
      await sleep(200);
      await fixture.host.stop();
      const reports = fixture.reports<TickReport>('tick');
      assert.ok(reports.length >= 6, `ran ${reports.length} times`);
      assert.ok(
        reports.every((r) => r.concurrent === 1),
        'no two runs of tick at once',
      );
      assert.ok(
        reports.some((r) => r.timer.isPastDue),
        'a run after falling behind is past due',
      );
    } finally {
      delete process.env['FIXTURE_TICK_WORK_MS'];
    }
  });
});

describe('start-up validation', () => {
  const cases: { title: string; settings: Record<string, string>; code: string; mentions: string[] }[] = [
    {
      title: 'an unset schedule setting',
      settings: { FIXTURE_STORAGE: 'UseDevelopmentStorage=true' },
      code: 'UNRESOLVED_SETTING',
      mentions: ["'tick'", 'TICK_SCHEDULE'],
    },
    {
      title: 'a schedule out of range',
      settings: { ...FIXTURE_SETTINGS, TICK_SCHEDULE: '0 61 * * * *' },
      code: 'BAD_SCHEDULE',
      mentions: ["'tick'", '0 61 * * * *'],
    },
    {
      title: 'a five-field schedule',
      settings: { ...FIXTURE_SETTINGS, TICK_SCHEDULE: '*/5 * * * *' },
      code: 'BAD_SCHEDULE',
      mentions: ["'tick'", '*/5 * * * *', '6 fields'],
    },
    {
      title: 'an unset blob connection',
      settings: { TICK_SCHEDULE: '0 * * * * *' },
      code: 'UNRESOLVED_SETTING',
      mentions: ["'ingest-image'", 'FIXTURE_STORAGE'],
    },
  ];
  for (const c of cases) {
    test(`fails clearly on ${c.title}`, async () => {
      await assert.rejects(
        FunctionsHost.start({
          appRoot: FIXTURE_APP,
          clock: fastClock(),
          httpPort: 0,
          settings: c.settings,
          log: () => undefined,
        }),
        (err: unknown) => {
          assert.ok(err instanceof HostError);
          assert.equal(err.code, c.code);
          for (const m of c.mentions) assert.ok(err.message.includes(m), `"${err.message}" mentions ${m}`);
          return true;
        },
      );
    });
  }

  test('a host can start again in the same process after a failed start', async () => {
    const fixture = await startFixtureHost();
    try {
      assert.equal(fixture.host.functions.length, 5);
      await eventually(
        async () => (await fetch(`${fixture.host.httpUrl}/api/items/1`)).status === 203,
        'the HTTP route',
      );
    } finally {
      await fixture.host.stop();
    }
  });
});
