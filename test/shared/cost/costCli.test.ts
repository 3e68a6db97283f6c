import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyOverrides, runCost } from '../../../cli/cost';
import { DEFAULT_COST_INPUTS } from '../../../shared/cost/CostInputs';
import type { CostEstimate } from '../../../shared/cost/estimateMonthlyCost';

function run(argv: string[]): string {
  const out: string[] = [];
  runCost(argv, {}, (text) => out.push(text));
  return out.join('\n');
}

test('npm run cost prints Markdown tables: per service, total, the always-on VM, and the composite availability', () => {
  const md = run([]);
  assert.match(md, /^## Expected monthly cost/);
  assert.match(md, /\| Service \| Billed per month \| Before free grants \(USD\) \| Expected \(USD\) \|/);
  for (const service of [
    'Functions (Flex Consumption)',
    'Blob Storage (hot, LRS)',
    'Cosmos DB (serverless)',
    'Log Analytics / Application Insights',
    'Event Grid (system topic)',
  ]) {
    assert.match(md, new RegExp(`\\| ${service.replace(/[()/]/g, '\\$&')} \\|`));
  }
  assert.match(md, /\| \*\*Total\*\* \| \| \*\*\d+\.\d\d\*\* \| \*\*\d+\.\d\d\*\* \|/);
  assert.match(md, /\| Always-on alternative: Standard_B2s VM/);
  assert.match(md, /## Composite availability/);
  assert.match(md, /\| \*\*All four, multiplied\*\* \| \*\*99\.740%\*\*: up to 114 min of downtime a month \|/);
  assert.match(md, /compiled 2026-11-29 \(config\/cost\/prices\.json\)/);
});

test('--json gives the same estimate as data, and --set changes an input', () => {
  const base = JSON.parse(run(['--json'])) as {
    inputs: typeof DEFAULT_COST_INPUTS;
    estimate: CostEstimate;
    prices: { file: string };
  };
  assert.equal(base.prices.file, 'config/cost/prices.json');
  assert.equal(base.inputs.sites, 1);
  const total = base.estimate.services.reduce((a, s) => a + s.cost, 0);
  assert.ok(Math.abs(total - base.estimate.total.cost) < 1e-9);
  const slower = JSON.parse(run(['--json', '--set', 'ingestEveryMinutes=10'])) as typeof base;
  assert.equal(slower.inputs.ingestEveryMinutes, 10);
  assert.ok(slower.estimate.total.listCost < base.estimate.total.listCost);
});

test('bad arguments are refused with what was expected', () => {
  assert.throws(() => run(['--frobnicate']), /unknown argument "--frobnicate"/);
  assert.throws(() => run(['--set']), /--set needs a value/);
  assert.throws(
    () => applyOverrides(DEFAULT_COST_INPUTS, ['sites=two']),
    /--set "sites=two": expected <name>=<number >= 0>/,
  );
  assert.throws(() => applyOverrides(DEFAULT_COST_INPUTS, ['durationsMs.train=5']), /no function "train"/);
  assert.throws(() => applyOverrides(DEFAULT_COST_INPUTS, ['colour=1']), /--set colour: not a numeric input/);
  assert.equal(applyOverrides(DEFAULT_COST_INPUTS, ['durationsMs.predict=2500']).durationsMs.predict, 2500);
  assert.equal(DEFAULT_COST_INPUTS.durationsMs.predict, 450, 'the defaults are not changed');
});

test('a forecast source is named in the summary and explained with its provider requests and stored runs', () => {
  assert.match(run([]), /1 site\(s\), 3 sensor, 1 image and \d+ forecast source\(s\)/);
  const md = run(['--set', 'forecastSources=1', '--set', 'forecastRunEveryHours=3']);
  assert.match(md, /1 site\(s\), 3 sensor, 1 image and 1 forecast source\(s\)/);
  assert.match(md, /\| ingest-forecast \| 8,760 \| 1 \|/);
  assert.match(
    md,
    /- Forecast sources \(1\): every ingest run asks each provider for the forecast now, 1 request\(s\) a run: 8,760 provider requests a month .*A new run every 3 h is stored once per site \(243 runs a month, 4,500 bytes each with its metadata\)/,
  );
});
