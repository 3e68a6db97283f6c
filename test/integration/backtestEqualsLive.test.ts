import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { REPLAY_CONFIG_SETTING } from '../../local/backtest/replayProviderHandler';
import { LocalStack, PROJECT_ROOT } from '../../local/LocalStack';
import { World } from '../../local/world/World';
import type { SensorSourceId } from '../../local/world/WorldSource';
import type { BacktestPlan } from '../../shared/backtest/BacktestPlan';
import { loadBacktestConfig } from '../../shared/backtest/loadBacktestConfig';
import { readReplays } from '../../shared/backtest/readReplays';
import { replayedAvailability } from '../../shared/backtest/replayedAvailability';
import { RollingStalenessLimits } from '../../shared/backtest/RollingStalenessLimits';
import { type BacktestRun, runBacktest } from '../../shared/backtest/runBacktest';
import { OUTAGE_MODEL } from '../../shared/backtest/scenarioNames';
import { AsOf } from '../../shared/backtest/AsOf';
import { type ServedSlot, serveSlots } from '../../shared/backtest/serveSlots';
import { servingCandidates } from '../../shared/backtest/servingCandidates';
import type { HistoryRecord } from '../../shared/features/HistoryRecord';
import type { SourceConfig } from '../../shared/config/ForecastConfig';
import { historyInputFor } from '../../shared/features/historyInputFor';
import type { StalenessLimit } from '../../shared/features/learnStalenessLimit';
import { gatherInputs } from '../../shared/predict/gatherInputs';
import type { Forecast } from '../../shared/forecast/Forecast';
import { EXPORTER_INFO } from '../../shared/models/gbdt/EXPORTER_INFO';
import { OnnxModelRuntime } from '../../shared/models/OnnxModelRuntime';
import type { ModelCard } from '../../shared/registry/ModelCard';
import { ModelRegistry } from '../../shared/registry/ModelRegistry';
import { ageBandLabel, ageBandOf } from '../../shared/registry/ExpectedErrorTable';
import { ScaledClock } from '../../shared/time/ScaledClock';

// A week and a bit of CSV history of three sensor sources; the backtest trains on the days before W0 and serves
// W0..W1, the live stack serves the same hours on the virtual clock from providers that replay the same CSV files
// with the same seeded delays and the same outage (the neighbours', in the middle of the window), ingested every 30
// virtual seconds and predicted every slot by the local host. About three and a half real minutes.
const SPEED = 120;
const SITE = { id: 'park-1', latitude: 55.68, longitude: 12.57 };
const DATA_FROM = Date.parse('2026-06-07T00:00:00Z');
const TRAIN_FROM = '2026-06-08T00:00:00Z';
const W0 = Date.parse('2026-06-15T07:00:00Z');
const W1 = Date.parse('2026-06-15T12:00:00Z');
const MAX_LEAD_MIN = 60;
const DATA_TO = W1 + (MAX_LEAD_MIN + 60) * 60_000;
/** The virtual clock starts this long before W0: the stack starts, backfills and gets the model in that time. */
const LEAD_IN_MIN = 80;
/** Every source is read this often (virtual): a value published just before an issue slot may miss it by this much. */
const INGEST_SCHEDULE = '*/30 * * * * *';
const INGEST_INTERVAL_MS = 30_000;
const MINUTE = 60_000;
const SLOT = 10 * MINUTE;
const SOURCES: { id: SensorSourceId; fields: string[] }[] = [
  { id: 'site-meter', fields: ['power_kw', 'ghi_wm2'] },
  { id: 'neighbors', fields: ['ghi_w25', 'ghi_w45', 'ghi_nw35', 'ghi_sw35'] },
  { id: 'weather', fields: ['temp_c', 'wind_speed_ms', 'wind_dir_deg', 'humidity_pct', 'pressure_hpa'] },
];
/** Continuous delays (no fixed one on the issue grid: that would put every value exactly on the slot boundary). */
const DELAYS: Record<string, unknown> = {
  'site-meter': { kind: 'uniform', minMinutes: 20, maxMinutes: 40 },
  neighbors: {
    kind: 'empirical',
    quantiles: [
      { p: 0, minutes: 18 },
      { p: 0.5, minutes: 28 },
      { p: 0.9, minutes: 36 },
      { p: 1, minutes: 45 },
    ],
  },
  weather: { kind: 'uniform', minMinutes: 25, maxMinutes: 35 },
};

/** The neighbours' provider is down from W0 + 2 h 20 min for 95 minutes (long enough to go stale), then delivers its backlog. */
const OUTAGE = { source: 'neighbors', from: W0 + 140 * MINUTE, to: W0 + 235 * MINUTE };
/** With an outage, the backtest scenario that serves the history as the system stored it (delays and outages). */
const SCENARIO = OUTAGE_MODEL;

let dataDir: string;
let stack: LocalStack | undefined;
let plan: BacktestPlan;
let run: BacktestRun;
let version: string;
let promotedAt: number;
let forecasts: Forecast[];
/** Per source: observedAt (ms) -> the availableAt live ingestion stored (ms). */
const stored = new Map<string, Map<number, number>>();

const iso = (t: number): string => new Date(t).toISOString();
const round3 = (v: number): number => Math.round(v * 1000) / 1000;

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'backtest-live-'));
  const { forecastConfig, backtestConfig } = writeHistory(join(dataDir, 'history'));
  plan = loadBacktestConfig(backtestConfig, {});
  // The backtest, as `npm run backtest` runs it: train on the days before W0, serve every slot of W0..W1.
  run = await runBacktest(plan);

  const clock = new ScaledClock({
    virtualStart: new Date(W0 - LEAD_IN_MIN * MINUTE),
    realStartMs: Date.now(),
    speed: SPEED,
  });
  const settings: Record<string, string> = { [REPLAY_CONFIG_SETTING]: backtestConfig };
  for (const s of SOURCES) settings[`INGEST_${s.id.toUpperCase().replace(/-/g, '_')}_SCHEDULE`] = INGEST_SCHEDULE;
  stack = await LocalStack.start({
    dataDir: join(dataDir, 'stack'),
    clock: clock.options,
    backfillDays: 1,
    ports: { http: 0, azurite: 0, cosmos: 0, providers: [] },
    configPath: forecastConfig,
    providerScript: join(PROJECT_ROOT, 'dist/local/backtest/serveReplay.js'),
    settings,
  });
  const s = stack.services;
  // The backtest's own models, published and promoted as one registry version: live predict serves exactly them.
  version = await publish(s.registry, s.clock.now(), run);
  await s.registry.promote(version, 'the models of the backtest this test compares with');
  promotedAt = s.clock.now().getTime();
  assert.ok(promotedAt < W0, `the model was promoted at ${iso(promotedAt)}, after W0 ${iso(W0)}: raise LEAD_IN_MIN`);

  // Until the slot W1 has been forecast (predict runs at the slot, plus the time it takes).
  await sleep(clock.realDelayUntil(new Date(W1 + MINUTE)));
  for (let i = 0; i < 100; i++) {
    forecasts = await s.forecasts.range(SITE.id, new Date(W0), new Date(W1));
    if (forecasts.some((f) => Date.parse(f.issueTime) === W1)) break;
    await sleep(200);
  }
  // What predict had at each slot: the same listing as of the issue time, so the same newest inputs and limits.
  for (let at = W0; at <= W1; at += SLOT) {
    const g = await gatherInputs(s.config, SITE.id, new Date(at), s.observations);
    gathered.set(
      at,
      new Map(
        [...g.limits].map(([source, limit]) => [
          source,
          {
            observedAt: Date.parse(g.latest.get(source)?.observedAt ?? 'never'),
            limit,
            recent: (g.recent.get(source) ?? []).map((r) => r.observedAt),
          },
        ]),
      ),
    );
  }
  for (const source of s.config.sources) {
    const listed = await s.observations.availableIn(
      source,
      SITE.id,
      new Date(W0 - 24 * 60 * MINUTE),
      new Date(W1),
      clock.now(),
    );
    stored.set(source.id, new Map(listed.map((l) => [Date.parse(l.observedAt), Date.parse(l.availableAt)])));
  }
});

after(async () => {
  await stack?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

/** One slot of the comparison: the backtest's forecast and live's, and every way their inputs differ. */
interface Compared {
  issueTime: number;
  backtest: ServedSlot;
  live: Forecast;
  /** Sources whose newest input, or whose freshness, differs between the two, and why. */
  differing: { source: string; why: string; explained: boolean }[];
  /** Largest |live - backtest rounded as live stores it| over the leads. */
  maxDiff: number;
  /** Largest |live - backtest| before that rounding. */
  maxRawDiff: number;
}

/**
 * Per issue time: what live predict had (gatherInputs on the stack's store as of that time), per source: the newest
 * observation, the staleness limit, and the observedAt of the recent history its history inputs read.
 */
const gathered = new Map<number, Map<string, { observedAt: number; limit: StalenessLimit; recent: number[] }>>();
let faultedHistory = new Map<string, HistoryRecord[]>();

/** Of a source's recent observations (observedAt), the ones its history inputs read: the lastK + 1 newest and the window. */
function read(source: string, observedAt: readonly number[]): number[] {
  const h = historyInputFor(plan.config.sources.find((s) => s.id === source) as SourceConfig);
  if (!h) return [];
  const newestFirst = [...observedAt].sort((a, b) => b - a);
  const newest = newestFirst[0] ?? 0;
  return newestFirst.filter((o, i) => i <= h.lastK || o > newest - h.windowMinutes * MINUTE);
}

function compare(served: readonly ServedSlot[]): Compared[] {
  const live = new Map(forecasts.map((f) => [Date.parse(f.issueTime), f]));
  const asOf = new Map([...faultedHistory].map(([source, records]) => [source, new AsOf(records)]));
  const limits = new RollingStalenessLimits(plan.config, faultedHistory);
  const out: Compared[] = [];
  for (const b of served) {
    if (b.issueTime < W0 || b.issueTime > W1) continue;
    const f = live.get(b.issueTime);
    assert.ok(f, `live has no forecast for ${iso(b.issueTime)} (backtest: ${b.model})`);
    const had = gathered.get(b.issueTime);
    const backtestLimits = limits.at(b.issueTime);
    const differing: Compared['differing'] = [];
    for (const source of plan.config.sources.map((c) => c.id)) {
      const mine = asOf.get(source)?.at(b.issueTime);
      const theirs = had?.get(source);
      const bLimit = backtestLimits.get(source) as StalenessLimit;
      const ageOf = (observedAt: number | undefined): number =>
        observedAt === undefined ? Number.POSITIVE_INFINITY : (b.issueTime - observedAt) / MINUTE;
      const bAge = ageOf(mine?.observedAt);
      const lAge = ageOf(theirs?.observedAt);
      const bFresh = bAge <= bLimit.minutes;
      const lFresh = theirs !== undefined && lAge <= theirs.limit.minutes;
      // The chooser weighs every candidate's expected error at its inputs' age bands (age / limit), so every source's
      // band matters, and the recent history its history inputs read.
      const bBand = ageBandOf(bAge / bLimit.minutes);
      const lBand = theirs ? ageBandOf(lAge / theirs.limit.minutes) : Number.NaN;
      const bRecent = mine
        ? read(
            source,
            (asOf.get(source)?.recent(b.issueTime) ?? []).map((r) => r.observedAt),
          )
        : [];
      const lRecent = read(source, theirs?.recent ?? []);
      if (mine?.observedAt !== theirs?.observedAt && mine) {
        // The backtest's input: when the replay made it available, when live ingestion stored it.
        const storedAt = stored.get(source)?.get(mine.observedAt);
        // Ingest timing: published at or before the issue time, stored by an ingest run after it.
        const late = storedAt !== undefined && storedAt > b.issueTime && mine.availableAt <= b.issueTime;
        differing.push({
          source,
          explained: late,
          why: `${source} observed ${iso(mine.observedAt)} was published at ${iso(mine.availableAt)} and ingested at ${
            storedAt === undefined ? 'never' : `${iso(storedAt)} (${(storedAt - mine.availableAt) / 1000} s later)`
          }, ${late ? 'after' : 'not after'} the issue time: live's newest was observed ${
            theirs ? iso(theirs.observedAt) : 'never'
          }`,
        });
      } else if (theirs && (bFresh !== lFresh || bBand !== lBand)) {
        // The same observation, fresh to one and stale to the other, or in another age band: their limits differ.
        differing.push({
          source,
          explained: true,
          why: `${source} observed ${iso(theirs.observedAt)} (${lAge} min old) is ${ageBandLabel(lBand)} live (limit ${
            theirs.limit.minutes
          } min, ${theirs.limit.basis} from ${theirs.limit.samples} live values) and ${ageBandLabel(
            bBand,
          )} in the backtest (limit ${bLimit.minutes} min, ${bLimit.basis} from ${bLimit.samples})`,
        });
      } else if (theirs && mine && bRecent.join() !== lRecent.join()) {
        // The same newest observation, another recent history: an older one ingested after the issue time.
        const missed = bRecent.filter((o) => !lRecent.includes(o));
        const lateOnes = missed.filter((o) => (stored.get(source)?.get(o) ?? Number.POSITIVE_INFINITY) > b.issueTime);
        differing.push({
          source,
          explained:
            missed.length > 0 && lateOnes.length === missed.length && lRecent.every((o) => bRecent.includes(o)),
          why: `${source}'s recent history differs: the backtest had ${missed.map(iso).join(', ')} that live had not (${
            lateOnes.length
          } of them ingested after the issue time)${
            lRecent.some((o) => !bRecent.includes(o)) ? '; live had observations the backtest had not' : ''
          }`,
        });
      }
    }
    const diffs = f.leads.map((lead, i) => Math.abs(lead.value - round3(b.values[i] ?? Number.NaN)));
    const raw = f.leads.map((lead, i) => Math.abs(lead.value - (b.values[i] ?? Number.NaN)));
    out.push({
      issueTime: b.issueTime,
      backtest: b,
      live: f,
      differing,
      maxDiff: Math.max(...diffs),
      maxRawDiff: Math.max(...raw),
    });
  }
  return out;
}

test('live ingestion and predict on the virtual clock serve every slot as the backtest of the same hours does', async (t) => {
  faultedHistory = replayedAvailability(plan, await readReplays(plan)).faulted;
  const slots = compare(run.served.get(SCENARIO) ?? []);
  const expected = (W1 - W0) / SLOT + 1;
  assert.equal(slots.length, expected, `every slot of ${iso(W0)}..${iso(W1)} compared`);
  for (const c of slots)
    if (c.live.model.kind === 'gbdt' || c.live.model.kind === 'linear') assert.equal(c.live.model.version, version);

  // Where live had the same newest observation of every source, and judged each as fresh or stale as the backtest
  // did: the same model and the same forecast (live stores values rounded to 0.001).
  const same = slots.filter((c) => c.differing.length === 0);
  for (const c of same) {
    assert.equal(c.live.model.id, c.backtest.model, `${iso(c.issueTime)}: live chose ${c.live.model.id}`);
    assert.ok(
      c.maxDiff <= 1e-6,
      `${iso(c.issueTime)}: live ${c.live.leads.map((l) => l.value).join('/')} vs backtest ${c.backtest.values.join('/')}`,
    );
  }

  // Where they differ, ingest timing (or a staleness limit learned from other values) explains it, and the
  // backtest's serving code fed what live had (its stored availableAt and its limits) makes live's forecast exactly.
  const differ = slots.filter((c) => c.differing.length > 0);
  const unexplained = differ.flatMap((c) =>
    c.differing.filter((d) => !d.explained).map((d) => `${iso(c.issueTime)}: ${d.why}`),
  );
  assert.deepEqual(unexplained, [], 'every difference is an ingest run just after the issue time, or a limit');
  const liveHistory = new Map(
    [...faultedHistory].map(([source, records]) => [
      source,
      records.map((r) => ({ ...r, availableAt: stored.get(source)?.get(r.observedAt) ?? Number.POSITIVE_INFINITY })),
    ]),
  );
  const runtime = new OnnxModelRuntime();
  const candidates = await servingCandidates(plan.config, run.models, runtime, 'backtest');
  let closureMax = 0;
  try {
    const reserved = await serveSlots(
      plan.config,
      plan.site,
      slots.map((c) => c.issueTime),
      liveHistory,
      candidates,
      [],
      (at) => new Map([...(gathered.get(at) ?? [])].map(([source, g]) => [source, g.limit])),
    );
    for (const [i, c] of slots.entries()) {
      const r = reserved[i] as ServedSlot;
      assert.equal(r.model, c.live.model.id, `${iso(c.issueTime)}: as live had it, the backtest chooses ${r.model}`);
      const d = Math.max(...c.live.leads.map((l, j) => Math.abs(l.value - round3(r.values[j] ?? Number.NaN))));
      closureMax = Math.max(closureMax, d);
      assert.ok(d <= 1e-6, `${iso(c.issueTime)}: the backtest on live's availability differs from live by ${d}`);
    }
  } finally {
    await Promise.all(candidates.map((c) => c.model.release()));
  }

  // How long after publication live ingestion stored each value of the window (its availableAt).
  const lags = [...faultedHistory].flatMap(([source, records]) =>
    records
      .filter((r) => r.availableAt >= W0 && r.availableAt <= W1)
      .map((r) => (stored.get(source)?.get(r.observedAt) ?? Number.NaN) - r.availableAt),
  );
  assert.ok(lags.length > 0 && lags.every((l) => l >= 0), 'every value of the window stored, never before publication');
  lags.sort((a, b) => a - b);
  // The staleness limits each side judged freshness by (live: learned from what ingestion stored, backfill excluded).
  const backtestLimits = new RollingStalenessLimits(plan.config, faultedHistory);
  const limitLines = plan.config.sources.map((source) => {
    const range = (values: StalenessLimit[]): string => {
      const minutes = values.map((l) => l.minutes);
      const bases = [...new Set(values.map((l) => l.basis))].join('/');
      return `${Math.min(...minutes)}-${Math.max(...minutes)} min (${bases})`;
    };
    const live = slots.map((c) => gathered.get(c.issueTime)?.get(source.id)?.limit as StalenessLimit);
    const mine = slots.map((c) => backtestLimits.at(c.issueTime).get(source.id) as StalenessLimit);
    return `    ${source.id}: live ${range(live)}, backtest ${range(mine)}`;
  });
  const sameModel = slots.filter((c) => c.live.model.id === c.backtest.model);
  const models = (pick: (c: Compared) => string | null): string =>
    [...new Set(slots.map(pick))].map((m) => `${m} ${slots.filter((c) => pick(c) === m).length}`).join(', ');
  const lines = [
    `backtest equals live: ${slots.length} slots ${iso(W0)}..${iso(W1)} at ${SPEED}x, ingest every ${INGEST_INTERVAL_MS / 1000} s (virtual), ${SCENARIO}`,
    `  live availableAt (the ingest run's time) after the replay's: median ${(lags[lags.length >> 1] as number) / 1000} s, max ${(lags[lags.length - 1] as number) / 1000} s over ${lags.length} values`,
    `  models live: ${models((c) => c.live.model.id)}; backtest: ${models((c) => c.backtest.model)}`,
    `  staleness limits over the window:`,
    ...limitLines,
    `  same model in ${sameModel.length} of ${slots.length} slots`,
    `  same inputs in ${same.length} slots: max |live - backtest| ${fmt(Math.max(0, ...same.map((c) => c.maxDiff)))} after rounding to 0.001 kW, ${fmt(Math.max(0, ...same.map((c) => c.maxRawDiff)))} before`,
    `  other inputs in ${differ.length} slots (max |live - backtest| ${fmt(Math.max(0, ...differ.map((c) => c.maxRawDiff)))} kW); the backtest's code fed live's availability and limits matches live in all ${slots.length} to ${fmt(closureMax)}`,
    ...differ.flatMap((c) =>
      c.differing.map((d) => `    ${iso(c.issueTime)} (${c.live.model.id} / ${String(c.backtest.model)}): ${d.why}`),
    ),
  ];
  for (const line of lines) t.diagnostic(line);
  console.log(lines.join('\n'));
  // A small minority: the chance that a value is published in the last ingest interval before a slot.
  assert.ok(differ.length <= Math.ceil(slots.length / 4), `${differ.length} of ${slots.length} slots differ`);
});

function fmt(v: number): string {
  return v === 0 ? '0' : v.toExponential(2);
}

/** Publishes the backtest's kept models as one registry version, as trainAndPublish writes a version. */
async function publish(registry: ModelRegistry, now: Date, r: BacktestRun): Promise<string> {
  const { config } = plan;
  const { kept, serving, pruned, common } = r.models;
  const base = {
    createdAt: now.toISOString(),
    codeVersion: 'backtestEqualsLive.test',
    exporter: { name: EXPORTER_INFO.name, version: EXPORTER_INFO.version, opset: { ...EXPORTER_INFO.opset } },
    target: { ...config.target },
    leadsMinutes: [...config.forecast.leadsMinutes],
    cadenceMinutes: config.forecast.cadenceMinutes,
    sites: [plan.site],
    trainingWindow: { from: r.report.train.from, to: r.report.train.heldOutFrom, rows: r.report.train.rows },
    heldOutWindow: { from: r.report.train.heldOutFrom, to: r.report.train.to, rows: common.length },
    models: kept.map((k) => k.card),
    serving: serving.card.id,
    pruned,
    // As trainAndPublish writes it: without the baselines' tables live would keep the freshness-first rule.
    baselineExpectedError: r.models.baselineExpectedError,
  };
  const card: ModelCard = { version: ModelRegistry.versionId(now, JSON.stringify(base)), ...base };
  await registry.publish(card, new Map(kept.map((k) => [k.card.file, k.bytes])));
  return card.version;
}

/** The CSV history of the three sensor sources, the forecast configuration and the backtest configuration. */
function writeHistory(dir: string): { forecastConfig: string; backtestConfig: string } {
  mkdirSync(dir, { recursive: true });
  const world = new World({ seed: 42, sites: [SITE] });
  for (const s of SOURCES) {
    const lines = [['time', ...s.fields].join(',')];
    for (let t = DATA_FROM; t <= DATA_TO; t += SLOT) {
      const v = world.sensorValues(s.id, SITE.id, new Date(t));
      lines.push([iso(t), ...s.fields.map((f) => String(v[f]))].join(','));
    }
    writeFileSync(join(dir, `${s.id}.csv`), `${lines.join('\n')}\n`);
  }
  const setting = (id: string, what: string): string => `%${id.toUpperCase().replace(/-/g, '_')}_${what}%`;
  const forecast = {
    sites: [{ ...SITE, name: 'Solar park (replayed)' }],
    sources: SOURCES.map((s) => ({
      id: s.id,
      kind: 'sensor',
      provider: {
        protocol: 'http-json',
        endpoint: setting(s.id, 'ENDPOINT'),
        auth: { kind: 'header', name: 'x-api-key', value: setting(s.id, 'KEY') },
        request: { path: '/records', query: { from: '{from}', to: '{to}' } },
        window: { overlapMinutes: 60 },
        response: {
          records: 'records',
          time: { path: 'time' },
          values: Object.fromEntries(s.fields.map((f) => [f, { path: f }])),
        },
      },
      schedule: `%INGEST_${s.id.toUpperCase().replace(/-/g, '_')}_SCHEDULE%`,
      fields: s.fields,
    })),
    target: { source: 'site-meter', field: 'power_kw', unit: 'kW', min: 0, solar: true },
    forecast: { leadsMinutes: [20, 40, MAX_LEAD_MIN], cadenceMinutes: 10, schedule: '%PREDICT_SCHEDULE%' },
  };
  const forecastConfig = join(dir, 'forecast.json');
  writeFileSync(forecastConfig, JSON.stringify(forecast, null, 2));
  const backtest = {
    name: 'backtest-equals-live',
    forecastConfig: 'forecast.json',
    site: SITE.id,
    seed: 7,
    sources: Object.fromEntries(
      SOURCES.map((s) => [
        s.id,
        {
          replay: {
            kind: 'csv',
            file: `${s.id}.csv`,
            timeColumn: 'time',
            columns: s.fields.map((f) => ({ column: f, field: f, ...(f === 'power_kw' ? { unit: 'kW' } : {}) })),
          },
          delay: DELAYS[s.id],
          ...(s.id === OUTAGE.source
            ? { outages: { kind: 'windows', windows: [{ from: iso(OUTAGE.from), to: iso(OUTAGE.to) }] } }
            : {}),
        },
      ]),
    ),
    train: { from: TRAIN_FROM, to: iso(W0) },
    test: { from: iso(W0), to: iso(W1 + MAX_LEAD_MIN * MINUTE) },
    training: { sourceSets: 'every-subset', kinds: ['gbdt', 'linear'], gbdt: { nEstimators: 60 } },
    outputDir: join(dir, 'report'),
  };
  const backtestConfig = join(dir, 'backtest.json');
  writeFileSync(backtestConfig, JSON.stringify(backtest, null, 2));
  return { forecastConfig, backtestConfig };
}
