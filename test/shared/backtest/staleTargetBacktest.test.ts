import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { featureNames } from '../../../shared/features/featureNames';
import { featureSpecFor } from '../../../shared/features/featureSpecFor';
import { loadBacktestConfig } from '../../../shared/backtest/loadBacktestConfig';
import { runBacktest } from '../../../shared/backtest/runBacktest';
import { ALL_SOURCES_FRESH, OUTAGE_MODEL } from '../../../shared/backtest/scenarioNames';

/**
 * Issue 19's case: a slowly varying target that is not solar (a transformer's top-oil temperature, 15-minute data,
 * driven by load and ambient and by a cooling state and a drift no input sees), its own provider down about once a
 * day for 2-8 hours. Models on the other sources alone cannot know the level, so under the outage model the served
 * forecasts must do at least as well as carrying the newest (hours old) target value forward, at every lead.
 */
const FIXTURE = resolve(__dirname, '../../../../test/fixtures/backtest/equipment-backtest.json');

test('a slowly varying non-solar target with daily outages of its own provider: skill >= 0 against stale persistence at every lead under the outage model', async () => {
  const plan = loadBacktestConfig(FIXTURE, {});
  const { report } = await runBacktest(plan, {
    now: () => new Date('2026-03-02T00:00:00Z'),
  });
  const outage = report.scenarios.find((s) => s.scenario === OUTAGE_MODEL);
  const fresh = report.scenarios.find((s) => s.scenario === ALL_SOURCES_FRESH);
  assert.ok(outage?.previousRule && fresh);
  assert.equal(outage.servedPct, 100);
  // The target was down in the test week: persistence as available there is staler than fresh persistence.
  for (const l of outage.previousRule.perLead) {
    assert.ok(
      l.skillVsStalePersistence >= 0,
      `+${l.leadMinutes}: RMSE ${l.rmse} against stale persistence ${l.stalePersistenceRmse}`,
    );
  }
  // The target is not solar: no sun or clear-sky column, and the calendar in the site's time zone.
  const columns = featureNames(featureSpecFor(plan.config, plan.site, ['transformer', 'scada', 'weather']));
  assert.ok(!columns.some((n) => n.startsWith('sun.') || n.startsWith('clearsky.')), columns.join(', '));
  assert.ok(columns.includes('time.local_hour_sin'), 'the calendar in the site time zone');
});
