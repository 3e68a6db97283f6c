import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Forecast } from '../../../shared/forecast/Forecast';
import { forecastJson, forecastsJson } from '../../../shared/forecast/forecastJson';
import { type ForecastSummary, summaryJson } from '../../../shared/predict/ForecastSummaryStore';

function forecast(site: string): Forecast {
  return {
    id: `${site}|2026-06-01T12:00:00.000Z`,
    site,
    issueTime: '2026-06-01T12:00:00.000Z',
    createdAt: '2026-06-01T12:00:31.000Z',
    target: { source: 'site-meter', field: 'power_kw', unit: 'kW' },
    model: { id: 'all', kind: 'gbdt', version: 'v3', sources: ['site-meter', 'nwp'] },
    leads: [
      { leadMinutes: 20, validTime: '2026-06-01T12:20:00.000Z', value: 1.5, quantiles: { p10: 1, p50: 1.5, p90: 2 } },
      { leadMinutes: 40, validTime: '2026-06-01T12:40:00.000Z', value: Number.NaN, smartPersistence: 0.25 },
    ],
    inputs: [{ source: 'site-meter', observedAt: 'a "quoted" time', availableAt: 'b', ageMinutes: 3, used: true }],
    missing: [{ source: 'nwp', reason: 'stale \u2028 since \\ then' }],
    choice: { rule: 'freshness-first', reason: 'the best-ranked model' },
  };
}

test('forecastJson and forecastsJson write what JSON.stringify writes, each forecast serialized once', () => {
  const f = forecast('park-1');
  assert.equal(forecastJson(f), JSON.stringify(f));
  assert.equal(forecastJson(f), forecastJson(f));
  const list = [f, forecast('9'), forecast('a"b')];
  assert.equal(forecastsJson(list), JSON.stringify({ forecasts: list }));
  assert.equal(forecastsJson([]), JSON.stringify({ forecasts: [] }));
});

test('summaryJson writes what JSON.stringify writes: sites in key order (numeric ids first), with and without a forecast', () => {
  const summary: ForecastSummary = {
    version: 1,
    writtenAt: '2026-06-01T12:00:31.000Z',
    issueTime: '2026-06-01T12:00:00.000Z',
    forecastStoreOk: false,
    shard: 3,
    shards: 4,
    sites: {},
  };
  assert.equal(summaryJson(summary), JSON.stringify(summary));
  for (const site of ['park-1', '42', 'quiet "one"', '7']) {
    summary.sites[site] = {
      site,
      issueTime: summary.issueTime,
      latest: site === 'quiet "one"' ? null : forecast(site),
      ...(site === '7' ? { skipped: 'no model can run: every source is stale' } : {}),
      serving: { model: 'all', version: 'v3', sources: ['site-meter'] },
      sources: [
        {
          source: 'site-meter',
          newestObservedAt: null,
          newestAvailableAt: null,
          ageMinutes: null,
          fresh: false,
          stalenessLimit: { minutes: Number.NaN, basis: 'default', samples: 0 },
        },
      ],
      actuals: site === '42' ? [] : [{ observedAt: 'x', availableAt: 'y', value: 3.25 }],
    };
  }
  assert.deepEqual(
    Object.keys(summary.sites).slice(0, 2),
    ['7', '42'],
    'numeric ids first, as JSON.stringify writes them',
  );
  assert.equal(summaryJson(summary), JSON.stringify(summary));
});
