import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { LocalStack } from '../../local/LocalStack';
import type { Forecast } from '../../shared/forecast/Forecast';
import { OnnxModelRuntime } from '../../shared/models/OnnxModelRuntime';
import { CONTAINERS } from '../../shared/storage/BlobStore';
import { ScaledClock } from '../../shared/time/ScaledClock';
import { addMinutes, floorToSlot } from '../../shared/time/slots';
import { trainAndPublish } from '../../shared/training/trainAndPublish';

// Hours of virtual time with providers failing: each in turn, then two at once, then all five; about five real minutes.
const SPEED = 240;
const START = new Date('2026-06-15T02:00:00Z');
const H = 60;
const SOURCES = ['site-meter', 'neighbors', 'weather', 'skycam', 'nwp'] as const;
/**
 * How long a source's outage lasts before its newest data is stale by any limit: the sensors' newest observation is
 * over two hours old 105 minutes into an outage; the weather model's newest run was already 60-185 minutes old when
 * its provider went down (hourly runs, published 60-120 minutes late), and its limit is 240 minutes.
 */
const STALE_AFTER_MINUTES: Record<string, number> = { nwp: 195 };
const staleAfter = (source: string): number => STALE_AFTER_MINUTES[source] ?? 105;
/** Each source's own outage: two hours, four for the weather model (long enough to go stale). */
const OWN_OUTAGE_HOURS: Record<string, number> = { nwp: 4 };
type Window = { source: string; from: Date; to: Date };
/** Hours from the start of the schedule: each source in turn, two at once, then all five, then recovery. */
const TWO_DOWN_AT = SOURCES.reduce((h, s) => h + (OWN_OUTAGE_HOURS[s] ?? 2), 0);
const ALL_DOWN_AT = TWO_DOWN_AT + 2;
const ALL_DOWN_HOURS = 4;
const RECOVERED_AT = ALL_DOWN_AT + ALL_DOWN_HOURS;
/** The fault schedule, from the first slot after the stack is up and a first model is trained. */
function schedule(from: Date): Window[] {
  const own: Window[] = [];
  let at = 0;
  for (const source of SOURCES) {
    const hours = OWN_OUTAGE_HOURS[source] ?? 2;
    own.push({ source, from: addMinutes(from, at * H), to: addMinutes(from, (at + hours) * H) });
    at += hours;
  }
  return [
    ...own,
    ...(['neighbors', 'skycam'] as const).map((source) => ({
      source,
      from: addMinutes(from, TWO_DOWN_AT * H),
      to: addMinutes(from, (TWO_DOWN_AT + 2) * H),
    })),
    ...SOURCES.map((source) => ({
      source,
      from: addMinutes(from, ALL_DOWN_AT * H),
      to: addMinutes(from, RECOVERED_AT * H),
    })),
  ];
}
let OUTAGES_FROM: Date;
let RECOVERED: Date;
let END: Date;
let windows: Window[] = [];

let stack: LocalStack;
let dataDir: string;
let clock: ScaledClock;
let hostUp: Date;
let normalModel: string;
let forecasts: Forecast[];

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'outages-'));
  clock = new ScaledClock({ virtualStart: START, realStartMs: Date.now(), speed: SPEED });
  stack = await LocalStack.start({
    dataDir,
    clock: clock.options,
    backfillDays: 5,
    ports: { http: 0, azurite: 0, cosmos: 0, providers: [] },
  });
  hostUp = clock.now();
  const s = stack.services;
  const trained = await trainAndPublish(
    { config: s.config, blobs: s.blobs, clock: s.clock, runtime: new OnnxModelRuntime(), registry: s.registry },
    // 20 trees: five sources make 32 source sets, twice the four sources' 16 (40 trees each then).
    { historyDays: 4, kinds: ['gbdt'], gbdt: { nEstimators: 20 }, codeVersion: 'test' },
  );
  normalModel = trained.card.serving;
  // This test is about outages, not promotion: its model serves whatever four days taught it.
  if (!trained.promoted) await s.registry.promote(trained.card.version, `promoted by the test (${trained.reason})`);
  // The schedule starts after setup however long that took on this machine; the providers restart with it.
  OUTAGES_FROM = addMinutes(floorToSlot(clock.now(), 10), 30);
  windows = schedule(OUTAGES_FROM);
  RECOVERED = addMinutes(OUTAGES_FROM, RECOVERED_AT * H);
  END = addMinutes(RECOVERED, 2 * H);
  const faults: Record<string, { from: string; to: string }[]> = {};
  for (const w of windows) (faults[w.source] ??= []).push({ from: w.from.toISOString(), to: w.to.toISOString() });
  await stack.restartProviders({ PROVIDER_FAULTS: JSON.stringify(faults) });
  await sleep(clock.realDelayUntil(END));
  forecasts = await s.forecasts.range('park-1', hostUp, END);
});

after(async () => {
  await stack?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const down = (t: Date): Window[] => windows.filter((w) => w.from <= t && t < w.to);

test('every issue slot gets a forecast while providers fail, one, two and all five at a time', () => {
  const issued = new Set(forecasts.map((f) => f.issueTime));
  const missing: string[] = [];
  // From the start of the fault schedule (the stack's own start-up, backlog and first training come before it).
  for (let t = OUTAGES_FROM; t < floorToSlot(END, 10); t = addMinutes(t, 10)) {
    if (!issued.has(t.toISOString())) missing.push(t.toISOString());
  }
  assert.deepEqual(missing, [], `${forecasts.length} forecasts`);
});

test('the chosen model never uses a stale source, and the forecast names what was left out', () => {
  for (const f of forecasts) {
    const t = new Date(f.issueTime);
    for (const input of f.inputs.filter((i) => i.used)) {
      // Fresh by the limit the choice judged it by: configured (nwp: 240 minutes, a run is an hour or more old when
      // it is published), or learned from live delays, which grow when ingestion runs slow on a loaded machine;
      // never past the longest limit a learned one can reach.
      assert.ok(input.limitMinutes !== undefined, `${f.issueTime}: ${input.source} carries its limit`);
      assert.ok(
        input.ageMinutes <= input.limitMinutes + 0.01,
        `${f.issueTime}: ${f.model.id} used ${input.source} ${input.ageMinutes} min old, limit ${input.limitMinutes}`,
      );
      assert.ok(input.limitMinutes <= (input.source === 'nwp' ? 240 : 360), `${input.source} limit`);
      assert.ok(input.availableAt <= f.issueTime);
    }
    // Long enough into an outage the newest data is stale by any limit: not used, and named.
    for (const w of down(t).filter((w) => t >= addMinutes(w.from, staleAfter(w.source)))) {
      assert.ok(
        !f.model.sources.includes(w.source),
        `${f.issueTime}: ${f.model.id} uses ${w.source}, down since ${w.from.toISOString()}`,
      );
      const named = f.missing.find((m) => m.source === w.source);
      assert.ok(named, `${f.issueTime}: ${w.source} named as missing (${JSON.stringify(f.missing)})`);
    }
  }
  const allDown = forecasts.filter(
    (f) =>
      new Date(f.issueTime) >= addMinutes(OUTAGES_FROM, ALL_DOWN_AT * H + staleAfter('nwp')) &&
      new Date(f.issueTime) < RECOVERED,
  );
  assert.ok(allDown.length >= 2);
  for (const f of allDown)
    assert.deepEqual(
      f.model.sources,
      [],
      `${f.issueTime}: with every provider down the baseline serves (${f.model.id})`,
    );
});

test('after recovery the normal model serves again and the gap is backfilled', async () => {
  const late = forecasts.filter((f) => new Date(f.issueTime) >= addMinutes(RECOVERED, 90));
  assert.ok(late.length >= 2, 'forecasts after recovery');
  for (const f of late) assert.equal(f.model.id, normalModel, `${f.issueTime} served by ${f.model.id}`);
  for (const w of windows.filter((w) => w.source !== 'skycam')) {
    const names = new Set<string>();
    for (const day of new Set([w.from.toISOString().slice(0, 10), w.to.toISOString().slice(0, 10)])) {
      for await (const b of stack.services.blobs.list(CONTAINERS.raw, `${w.source}/park-1/${day}/`)) names.add(b.name);
    }
    // The weather model runs on the hour; the others observe every 10 minutes.
    const step = w.source === 'nwp' ? 60 : 10;
    for (let t = floorToSlot(addMinutes(w.from, step - 1), step); t < w.to; t = addMinutes(t, step)) {
      const name = `${w.source}/park-1/${t.toISOString().slice(0, 10)}/${t.toISOString()}.json`;
      assert.ok(names.has(name), `${name} backfilled after the outage`);
    }
  }
});
