import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseConfig } from '../../../shared/config/loadConfig';
import { fallbackTable } from '../../../local/bench/fallbackTable';
import { ALL_FRESH, FAULT_SCHEDULE, runFallbackBench, withoutScenario } from '../../../local/bench/runFallbackBench';
import { NO_FORECAST } from '../../../shared/backtest/scoreServed';
import { withAvailability } from '../../../local/bench/withAvailability';
import { World } from '../../../local/world/World';
import type { ModelRuntime } from '../../../shared/models/ModelRuntime';
import { OnnxModelRuntime } from '../../../shared/models/OnnxModelRuntime';

const PROJECT_ROOT = join(__dirname, '../../../..');

function shippedConfig() {
  const text = readFileSync(join(PROJECT_ROOT, 'config/solar-park.json'), 'utf8');
  const settings = Object.fromEntries(
    [...text.matchAll(/%([A-Z_]+)%/g)].map(([, name]) => [
      name as string,
      (name as string).endsWith('_ENDPOINT') ? 'https://bench.invalid' : 'k',
    ]),
  );
  return parseConfig(JSON.parse(text), settings);
}

test('runFallbackBench: 3 days, tiny models: every slot is served, also with every provider down; the table has every scenario', async () => {
  const config = shippedConfig();
  const HOUR = 3_600_000;
  const result = await runFallbackBench(config, {
    days: 3,
    end: new Date('2026-06-20T00:00:00Z'),
    train: { kinds: ['gbdt'], gbdt: { nEstimators: 5, maxDepth: 2 }, minTrainingRows: 50 },
    // Each provider down for an hour in turn, then all of them for the last six hours of the held-out window: long
    // enough for the weather model's hourly runs (limit 240 minutes) to go stale too.
    episodes: (sources, heldOut) => [
      ...sources.map((s, i) => ({
        label: `${s} down`,
        sources: [s],
        from: new Date(heldOut.from.getTime() + (1 + 1.5 * i) * HOUR),
        to: new Date(heldOut.from.getTime() + (2 + 1.5 * i) * HOUR),
      })),
      {
        label: `all ${sources.length} down`,
        sources: [...sources],
        from: new Date(heldOut.to.getTime() - 6 * HOUR),
        to: heldOut.to,
      },
    ],
  });
  const sources = config.sources.map((s) => s.id);
  const names = [ALL_FRESH, ...sources.map(withoutScenario), FAULT_SCHEDULE];
  assert.deepEqual(
    result.scenarios.map((s) => s.scenario),
    names,
  );
  for (const s of result.scenarios) {
    assert.equal(s.slots, result.heldOutSlots);
    assert.equal(s.servedPct, 100, `${s.scenario}: ${JSON.stringify(s.byModel)}`);
    assert.equal(s.byModel[NO_FORECAST], undefined);
    assert.deepEqual(
      s.perLead.map((m) => m.leadMinutes),
      config.forecast.leadsMinutes,
    );
    for (const m of s.perLead)
      assert.ok(Number.isFinite(m.rmse) && m.rmse >= 0, `${s.scenario} +${m.leadMinutes}: rmse ${m.rmse}`);
  }
  // A missing source is never an input of the model chosen without it.
  for (const source of sources) {
    const s = result.scenarios.find((x) => x.scenario === withoutScenario(source));
    for (const id of Object.keys(s?.byModel ?? {})) {
      const model = result.models.find((m) => m.id === id);
      assert.ok(model === undefined || !model.sources.includes(source), `${id} chosen without ${source}`);
    }
  }

  const allDown = result.faults.episodes.find((e) => e.sources.length === sources.length);
  assert.ok(allDown, 'the schedule takes every provider down at once');
  assert.ok(allDown.result.slots > 0);
  assert.equal(allDown.result.servedPct, 100);
  assert.ok(
    (allDown.result.byModel['gbdt-none'] ?? 0) > 0,
    `the baseline serves while every source is stale: ${JSON.stringify(allDown.result.byModel)}`,
  );
  assert.deepEqual(Object.keys(result.faults.providerFaults).sort(), [...sources].sort());

  // The shipped target is solar: both references, and every scenario's skill against both.
  const { persistence, smartPersistence } = result.references;
  assert.ok(smartPersistence, 'smart persistence is scored for a solar target');
  result.leadsMinutes.forEach((lead, l) => {
    const p = persistence[l];
    const smart = smartPersistence[l];
    assert.ok(p && smart && Number.isFinite(smart.rmse) && Number.isFinite(smart.skill), `+${lead}`);
    const fresh = result.scenarios[0]?.perLead[l];
    assert.equal(fresh?.smartPersistenceRmse, smart.rmse);
    assert.ok(Number.isFinite(fresh?.smartSkill), `+${lead}: ${JSON.stringify(fresh)}`);
  });
  for (const m of result.models)
    assert.ok(
      m.heldOut.every((h) => Number.isFinite(h.smartSkill)),
      m.id,
    );

  const table = fallbackTable(result.scenarios, result.leadsMinutes, result.target.unit, result.references);
  const lines = table.split('\n');
  assert.equal(lines.length, 4 + names.length);
  assert.match(
    lines[0] ?? '',
    /^\| scenario \| RMSE \+20 \(kW\) \| RMSE \+40 \(kW\) \| RMSE \+60 \(kW\) \| skill \+20 \| skill \+40 \| skill \+60 \| skill vs smart \+20 \| skill vs smart \+40 \| skill vs smart \+60 \| slots served \|$/,
  );
  assert.match(
    lines[2] ?? '',
    /^\| persistence \(reference\) \|.* 0 \| 0 \| 0 \|( -?(?:0\.0*[1-9]\d\d|[1-9]\.\d\d|[1-9]\d\.\d|[1-9]\d\d+) \|){3} - \|$/,
  );
  assert.match(lines[3] ?? '', /^\| smart persistence \(reference\) \|.* 0 \| 0 \| 0 \| - \|$/);
  names.forEach((name, i) => assert.ok(lines[4 + i]?.startsWith(`| ${name} |`), `row ${i}: ${lines[4 + i]}`));
  assert.ok(lines.slice(4).every((l) => l.endsWith(`| 100.0 % (${result.heldOutSlots}/${result.heldOutSlots}) |`)));
});

test('withAvailability: an outage delays availability to the first ingest run after it; nothing is lost', () => {
  const world = new World({ seed: 42, sites: [{ id: 'park-1', latitude: 55.68, longitude: 12.57 }] });
  const observations = Array.from({ length: 36 }, (_, i) => ({
    observedAt: Date.parse('2026-06-20T08:00:00Z') + i * 600_000,
    values: { v: i },
  }));
  const outage = { from: new Date('2026-06-20T09:00:00Z'), to: new Date('2026-06-20T11:02:00Z') };
  const timing = { intervalMinutes: 5, lagMs: 2000, imageLagMs: 6000 };
  const normal = withAvailability(world, 'park-1', 'weather', observations, [], timing);
  const faulted = withAvailability(world, 'park-1', 'weather', observations, [outage], timing);
  assert.deepEqual(
    faulted.map((r) => r.observedAt),
    observations.map((o) => o.observedAt),
  );
  let delayed = 0;
  faulted.forEach((r, i) => {
    const scheduled = world.publishedAt('weather', 'park-1', new Date(r.observedAt)).getTime();
    const n = normal[i]?.availableAt as number;
    assert.equal((n - 2000) % 300_000, 0, 'normal: an ingest run on the 5-minute grid, plus the lag');
    assert.ok(n - 2000 >= scheduled && n - 2000 < scheduled + 300_000);
    const run = r.availableAt - 2000;
    assert.ok(!(run >= outage.from.getTime() && run < outage.to.getTime()), 'no ingest succeeds during the outage');
    if (scheduled >= outage.from.getTime() && scheduled < outage.to.getTime()) {
      assert.ok(
        run >= Date.parse('2026-06-20T11:05:00Z'),
        `backlog ${new Date(r.observedAt).toISOString()} at ${new Date(run).toISOString()}`,
      );
      delayed++;
    } else if (n - 2000 < outage.from.getTime() || n - 2000 >= outage.to.getTime()) {
      assert.equal(r.availableAt, n, 'untouched by the outage');
    }
  });
  assert.ok(delayed >= 10, `${delayed} delayed`);
  const image = withAvailability(world, 'park-1', 'skycam', observations.slice(0, 1), [], timing, true);
  assert.equal((image[0]?.availableAt as number) % 300_000, 8000, 'images: ingest plus preprocessing');
});

test('a model whose ONNX export does not compute what was trained is left out with the reason; the others are still served', async () => {
  const config = shippedConfig();
  const onnx = new OnnxModelRuntime();
  // Every linear model's ONNX answers 1 kW off: the parity check must catch it (the model id is in the ONNX metadata).
  const checkedColumns = new Set<string>();
  const skewed: ModelRuntime = {
    load: async (bytes) => {
      const model = await onnx.load(bytes);
      if (!Buffer.from(bytes).includes('linear-')) return model;
      for (const name of JSON.parse(model.metadata['feature_names'] ?? '[]') as string[]) checkedColumns.add(name);
      return {
        ...model,
        predict: async (x, n) => (await model.predict(x, n)).map((v) => v + 1),
        release: () => model.release(),
      };
    },
  };
  const result = await runFallbackBench(config, {
    days: 3,
    end: new Date('2026-06-20T00:00:00Z'),
    runtime: skewed,
    train: { kinds: ['gbdt', 'linear'], sourceSets: 'all', gbdt: { nEstimators: 5, maxDepth: 2 }, minTrainingRows: 50 },
  });
  // The tree model, fresh and trained on aged rows too (two candidates); the ridge model is left out.
  assert.deepEqual(result.models.map((m) => m.id).sort(), ['gbdt-aged-all', 'gbdt-all']);
  assert.equal(result.notes.length, 1);
  assert.match(result.notes[0] ?? '', /exported ONNX of linear-all disagrees with the trained model/);
  assert.ok(result.pruned.some((p) => p.id === 'linear-all' && /not published/.test(p.reason)));
  // The check ran on the history and derived inputs too: the skewed model had them.
  for (const column of [
    'site-meter.power_kw@-1',
    'site-meter.power_kw.mean_60m',
    'site-meter.hist_count_60m',
    'site-meter.hist_oldest_age_min',
  ])
    assert.ok(checkedColumns.has(column), `${column} in ${[...checkedColumns].join(', ')}`);
  assert.equal(result.scenarios[0]?.servedPct, 100);
});

test('every forecast served in the bench, by every model, is at least the target min (0 kW) and exactly zero when the sun is below the horizon at its validTime', async () => {
  const config = shippedConfig();
  assert.equal(config.target.min, 0);
  assert.equal(config.target.solar, true);
  const onnx = new OnnxModelRuntime();
  const seen = { forecasts: 0, night: 0, models: new Set<string>() };
  const problems: string[] = [];
  // Watches what onnxruntime-node answers: the limits must come from the graph itself.
  const watching: ModelRuntime = {
    load: async (bytes) => {
      const model = await onnx.load(bytes);
      const names = JSON.parse(model.metadata['feature_names'] ?? '[]') as string[];
      const leads = JSON.parse(model.metadata['leads_minutes'] ?? '[]') as number[];
      const id = model.metadata['model_id'] ?? '?';
      return {
        ...model,
        predict: async (x, n) => {
          const out = await model.predict(x, n);
          seen.models.add(id);
          for (let r = 0; r < n; r++) {
            leads.forEach((lead, l) => {
              const v = out[r * leads.length + l] as number;
              const clearSky = x[r * names.length + names.indexOf(`clearsky.ghi_+${lead}`)] as number;
              seen.forecasts++;
              if (!(v >= 0)) problems.push(`${id}: ${v} kW at +${lead}`);
              if (!(clearSky > 0)) {
                seen.night++;
                if (v !== 0) problems.push(`${id}: ${v} kW at +${lead} with the sun below the horizon`);
              }
            });
          }
          return out;
        },
        release: () => model.release(),
      };
    },
  };
  const result = await runFallbackBench(config, {
    days: 3,
    end: new Date('2026-06-20T00:00:00Z'),
    runtime: watching,
    train: { kinds: ['gbdt', 'linear'], gbdt: { nEstimators: 5, maxDepth: 2 }, minTrainingRows: 50 },
  });
  assert.deepEqual(problems.slice(0, 5), []);
  assert.ok(seen.forecasts > 1000 && seen.night > 100, JSON.stringify({ ...seen, models: [...seen.models] }));
  assert.ok(seen.models.size >= 3, `several models ran: ${[...seen.models].join(', ')}`);
  // A solar target is learned as its value and as the clear-sky index; the card says which the held-out rows chose.
  for (const m of result.models)
    assert.ok(m.learns === 'value' || m.learns === 'clear-sky index', `${m.id}: ${m.learns}`);
});
