import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { PROJECT_ROOT } from '../../../cli/cliSettings';
import { DEFAULT_COST_INPUTS } from '../../../shared/cost/CostInputs';
import { estimateMonthlyCost } from '../../../shared/cost/estimateMonthlyCost';
import { loadPriceTable } from '../../../shared/cost/PriceTable';

// host.json decides what telemetry the Functions host sends (learn.microsoft.com/azure/azure-functions/functions-host-json,
// logging.logLevel and logging.applicationInsights.samplingSettings); the cost model must count what it sends.

interface HostJson {
  logging: {
    logLevel: Record<string, string>;
    applicationInsights: {
      samplingSettings: {
        isEnabled: boolean;
        maxTelemetryItemsPerSecond?: number;
        excludedTypes?: string;
        evaluationInterval?: string;
      };
    };
  };
}

const host = JSON.parse(readFileSync(join(PROJECT_ROOT, 'host.json'), 'utf8')) as HostJson;
const QUIET = ['Warning', 'Error', 'Critical', 'None'];

test('host.json sends a request record for every invocation, successes included, so success rates stay visible', () => {
  const levels = host.logging.logLevel;
  const level = (category: string): string => levels[category] ?? levels['default'] ?? 'Information';
  for (const category of ['Host.Results', 'Host.Aggregator']) {
    assert.ok(
      !QUIET.includes(level(category)),
      `${category} logs at ${level(category)}, which drops successful invocations`,
    );
  }
});

test('host.json keeps the volume down with adaptive sampling, and never samples away an exception', () => {
  const s = host.logging.applicationInsights.samplingSettings;
  assert.equal(s.isEnabled, true);
  assert.ok(
    typeof s.maxTelemetryItemsPerSecond === 'number' &&
      s.maxTelemetryItemsPerSecond > 0 &&
      s.maxTelemetryItemsPerSecond <= 20,
    `maxTelemetryItemsPerSecond ${s.maxTelemetryItemsPerSecond}`,
  );
  const excluded = (s.excludedTypes ?? '').split(';').map((t) => t.trim());
  assert.ok(excluded.includes('Exception'), `excludedTypes "${s.excludedTypes}" keeps every exception`);
  assert.ok(
    !excluded.includes('Request') || s.maxTelemetryItemsPerSecond <= 20,
    'requests are sampled with the rest or kept whole',
  );
});

test("the cost model counts a request record and traces for every execution, and sampling keeps them all at this app's rate", () => {
  const with0 = estimateMonthlyCost({ ...DEFAULT_COST_INPUTS, requestTelemetryBytes: 0 }, loadPriceTable());
  const withRequests = estimateMonthlyCost(DEFAULT_COST_INPUTS, loadPriceTable());
  const executions = withRequests.functions.reduce((n, f) => n + f.executionsPerMonth, 0);
  const logGb = (e: typeof with0): number =>
    e.services
      .find((s) => s.service === 'Log Analytics / Application Insights')
      ?.lines.find((l) => l.item === 'ingestion')?.quantity ?? NaN;
  assert.ok(
    Math.abs(logGb(withRequests) - logGb(with0) - (executions * DEFAULT_COST_INPUTS.requestTelemetryBytes) / 1e9) <
      1e-9,
    'each execution adds its request record to the ingested GB',
  );

  // The busiest moment: every ingest timer, predict and each new picture's preprocess in the same 10-minute slot,
  // spread over adaptive sampling's shortest window (it averages the rate over seconds, not per item).
  const i = DEFAULT_COST_INPUTS;
  const burstExecutions = i.sensorSources + i.imageSources + 1 + i.imageSources * i.sites;
  const itemsPerSecond = (burstExecutions * i.telemetryItemsPerExecution) / 15;
  const max = host.logging.applicationInsights.samplingSettings.maxTelemetryItemsPerSecond ?? 20;
  assert.ok(
    itemsPerSecond < max,
    `${itemsPerSecond.toFixed(1)} items/s at the busiest moment stays under maxTelemetryItemsPerSecond ${max}, so nothing is sampled away and counting every item is honest`,
  );
});
