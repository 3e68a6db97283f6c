import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BenchReport } from '../../../local/bench/BenchReport';
import { benchTable, ms } from '../../../local/bench/benchTable';
import { benchSites } from '../../../local/bench/benchSites';
import { issueSlots } from '../../../local/bench/issueSlots';
import { markdownTable } from '../../../local/bench/markdownTable';
import { missingSourceOf } from '../../../local/bench/missingSourceOf';
import type { LatencySummary } from '../../../local/bench/summarizeLatency';
import type { ForecastConfig } from '../../../shared/config/ForecastConfig';

test('markdownTable: header, alignment row, one line per row; a pipe in a cell is escaped; ragged rows are refused', () => {
  const table = markdownTable(
    [{ header: 'name' }, { header: 'ms', align: 'right' }],
    [
      ['a|b', '1.5'],
      ['c', '20'],
    ],
  );
  assert.equal(table, ['| name | ms |', '| --- | ---: |', '| a\\|b | 1.5 |', '| c | 20 |'].join('\n'));
  assert.throws(() => markdownTable([{ header: 'a' }], [['1', '2']]), /row 0 has 2 cells, the table has 1 columns/);
  assert.throws(() => markdownTable([], []), /at least one column/);
});

test('ms: precision follows the size', () => {
  assert.deepEqual([0.1234, 12.345, 1234.5].map(ms), ['0.123', '12.3', '1235']);
});

const lat = (p50: number, p99: number, n = 10): LatencySummary => ({ n, p50, p99, mean: p50, min: p50, max: p99 });

function report(): BenchReport {
  return {
    machine: {
      cpuModel: 'Test CPU',
      cores: 2,
      totalMemoryGb: 8,
      node: 'v20.0.0',
      platform: 'linux 6',
      loadAverage: [0.5, 0.4, 0.3],
    },
    startedAt: '2026-11-29T10:00:00.000Z',
    wallSeconds: 201.4,
    options: {},
    history: {
      site: 'park-1',
      days: 7,
      from: '2026-06-21T09:00:00.000Z',
      to: '2026-06-29T12:00:00.000Z',
      observations: 4800,
      extraSites: 99,
      stateSeconds: 1.5,
      extraObservations: 4000,
      simulateSeconds: 5,
      writeSeconds: 40,
    },
    training: {
      seconds: 30,
      readSeconds: 4,
      trainSeconds: 25,
      publishSeconds: 1,
      historyDays: 7,
      trainingRows: 700,
      heldOutRows: 250,
      sourceSets: 16,
      families: ['gbdt', 'linear'],
      modelsTrained: 32,
      modelsKept: 9,
      bundleBytes: 2048,
      version: 'v1',
      promoted: true,
      notes: ['linear left out'],
    },
    warm: {
      stores: lat(40, 90, 50),
      blobRequestsPerRun: { list: 10, get: 2, put: 1, delete: 0 },
      compute: { total: lat(2, 5), gather: lat(1.5, 3), choose: lat(0.1, 0.2), onnx: lat(0.4, 1) },
      slots: 36,
      modelsChosen: { 'gbdt-all': 50 },
    },
    cold: {
      inProcess: { total: lat(300, 400), modelLoad: lat(250, 330) },
      models: 10,
      processStart: {
        firstForecast: lat(1500, 1800, 5),
        modules: lat(600, 700, 5),
        services: lat(20, 30, 5),
        modelLoad: lat(400, 500, 5),
        predict: lat(200, 250, 5),
        secondPredict: lat(50, 60, 5),
      },
    },
    throughput: [
      { sites: 100, path: 'stores', runs: 3, medianSeconds: 2.5, forecastsPerSecond: 40, forecasts: 100, batches: 5 },
      {
        sites: 10_000,
        path: 'memory',
        runs: 1,
        medianSeconds: 20,
        forecastsPerSecond: 500,
        split: {
          readComputeSeconds: 12.5,
          writeSeconds: 7.5,
          upsertSeconds: 2.25,
          blobLists: 20,
          blobGets: 5,
          blobPuts: 10_000,
        },
        forecasts: 10_000,
        batches: 5,
        compute: { gatherMs: 15000, chooseMs: 300, onnxMs: 40.25, forecastsPerSecond: 652.3 },
        json: { readMB: 24, parseMs: 154, writtenMB: 63.6, stringifyMs: 406 },
      },
    ],
    memory: [{ phase: 'train', maxRssMb: 190.4, heapUsedPeakMb: 66.6 }],
    notes: ['linear left out'],
  };
}

test('benchTable: names the machine and has a row per measurement, throughput size and phase', () => {
  const text = benchTable(report());
  assert.match(
    text,
    /^Machine: Test CPU, 2 cores, 8 GB, Node v20\.0\.0, linux 6; load average 0\.5 \/ 0\.4 \/ 0\.3 at start\. Bench wall time 201 s/,
  );
  assert.match(
    text,
    /\| warm, real stores \| predictAll: 10 blob lists \+ 2 gets \+ 1 puts, choose, ONNX, 1 Cosmos bulk write \| 50 \| 40\.0 \| 90\.0 \|/,
  );
  assert.match(text, /\| cold, new process \| process start to first forecast stored \| 5 \| 1500 \| 1800 \|/);
  assert.match(text, /10 ONNX sessions: the champion version's 9 models \+ the built-in baselines/);
  assert.match(text, /\| 100 \| stores \| 3 \| 2\.500 \| 40 \| 5 \| - \| - \|/);
  assert.match(
    text,
    /\| 10,000 \| memory \| 1 \| 20\.000 \| 500 \| 5 \| 12\.50 \/ 7\.50 \(2\.25\) \| 20 \/ 5 \/ 10000 \| 15000\.0 \/ 300\.0 \/ 40\.3 \| 652 \| 154 \(24\) \/ 406 \(63\.6\) \|/,
  );
  // A run without the split (an older report) shows dashes.
  assert.match(text, /\| 100 \| stores \| 3 \| 2\.500 \| 40 \| 5 \| - \| - \| - \| - \| - \|/);
  assert.match(text, /\| 700 \/ 250 \| 9 \/ 32 \| 2 KiB \| 4\.0 \| 25\.0 \| 1\.0 \| 30\.0 \|/);
  assert.match(text, /\| train \| 190 \| 67 \|/);
  assert.match(text, /\*\*Note:\*\* linear left out/);
  // Every table line has as many cells as its header.
  for (const block of text.split('\n\n').filter((b) => b.startsWith('|'))) {
    const lines = block.split('\n');
    const cells = (l: string): number => l.replace(/\\\|/g, '').split('|').length;
    for (const l of lines) assert.equal(cells(l), cells(lines[0] ?? ''), l);
  }
});

test('missingSourceOf: the park and half the sites have every source; the other half miss one each, in turn', () => {
  const sources = ['a', 'b', 'c', 'd'];
  assert.equal(missingSourceOf(0, sources), undefined);
  const missing = Array.from({ length: 800 }, (_, i) => missingSourceOf(i + 1, sources));
  assert.equal(missing.filter((m) => m === undefined).length, 400);
  for (const s of sources) assert.equal(missing.filter((m) => m === s).length, 100, s);
  assert.throws(() => missingSourceOf(-1, sources), /got -1/);
});

test('benchSites and issueSlots: distinct sites around the first; slots end at the one containing the end', () => {
  const config = {
    sites: [{ id: 'park-1', name: 'p', latitude: 55.68, longitude: 12.57 }],
  } as unknown as ForecastConfig;
  const many = benchSites(config, 1000);
  assert.equal(many.sites.length, 1000);
  assert.equal(many.sites[0]?.id, 'park-1');
  assert.equal(new Set(many.sites.map((s) => s.id)).size, 1000);
  assert.equal(new Set(many.sites.map((s) => `${s.latitude},${s.longitude}`)).size, 1000);
  assert.ok(many.sites.every((s) => Math.abs(s.latitude - 55.68) <= 2.5 && Math.abs(s.longitude - 12.57) <= 2.5));
  assert.throws(() => benchSites(config, 0), /got 0/);
  assert.deepEqual(
    issueSlots(new Date('2026-06-29T12:05:00Z'), 10, 3).map((d) => d.toISOString()),
    ['2026-06-29T11:40:00.000Z', '2026-06-29T11:50:00.000Z', '2026-06-29T12:00:00.000Z'],
  );
});
