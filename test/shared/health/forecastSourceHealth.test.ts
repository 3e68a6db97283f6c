import '../../support/testEnv';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SourceConfig } from '../../../shared/config/ForecastConfig';
import { checkHealth } from '../../../shared/health/checkHealth';
import { CONTAINERS } from '../../../shared/storage/BlobStore';
import { FixedClock } from '../../support/fixedClock';
import { testConfig, testServices } from '../../support/testServices';

/** The shipped configuration plus a weather model's runs (a forecast source, native) with a 240-minute limit. */
function configWithNwp(): ReturnType<typeof testConfig> {
  const config = testConfig();
  const nwp: SourceConfig = {
    id: 'nwp',
    kind: 'forecast',
    provider: {
      protocol: 'native',
      endpoint: 'http://127.0.0.1:9/nwp',
      apiKey: 'nwp-key',
      pageSize: 500,
      timeoutMs: 10_000,
    },
    schedule: '0 */10 * * * *',
    fields: ['ghi_wm2'],
    stalenessLimitMinutes: 240,
    initialLookbackHours: 6,
    maxImageBytes: 2_000_000,
  };
  config.sources.push(nwp);
  return config;
}

async function seedRun(s: ReturnType<typeof testServices>, runAt: string, availableAt: string): Promise<void> {
  await s.observations.putIfAbsent(CONTAINERS.raw, {
    source: 'nwp',
    site: 'park-1',
    observedAt: runAt,
    availableAt,
    values: { 'ghi_wm2@+60': 300, 'ghi_wm2@+120': 350, 'ghi_wm2@+720': 0 },
  });
}

test('health shows a forecast source by its newest run: runAt, age at the slot, horizon and limit', async () => {
  const s = testServices(new FixedClock(new Date('2026-06-01T10:37:00Z')), configWithNwp());
  await seedRun(s, '2026-06-01T06:00:00.000Z', '2026-06-01T08:10:00.000Z');
  await seedRun(s, '2026-06-01T09:00:00.000Z', '2026-06-01T10:20:00.000Z');
  // Not available yet at the 10:30 slot: health does not count it.
  await seedRun(s, '2026-06-01T10:00:00.000Z', '2026-06-01T10:36:00.000Z');
  const report = await checkHealth({ ...s, config: s.config });
  const nwp = report.sources.find((x) => x.id === 'nwp');
  assert.equal(nwp?.kind, 'forecast');
  const at = nwp?.sites[0];
  assert.equal(at?.fresh, true);
  assert.equal(at?.newestObservedAt, '2026-06-01T09:00:00.000Z');
  assert.deepEqual(at?.run, {
    runAt: '2026-06-01T09:00:00.000Z',
    availableAt: '2026-06-01T10:20:00.000Z',
    ageMinutes: 90,
    lastValidTime: '2026-06-01T21:00:00.000Z',
    summary: 'newest run 09:00 UTC, age 90 min, limit 240 min',
  });
  assert.equal(at?.stalenessLimit.minutes, 240);
  // Sensor sources keep their shape: no run.
  assert.equal(
    report.sources.find((x) => x.id === 'site-meter')?.sites.every((x) => !('run' in x)),
    true,
  );
});

test('a forecast source whose newest run is too old is stale, and the reason speaks of the run', async () => {
  const s = testServices(new FixedClock(new Date('2026-06-01T14:05:00Z')), configWithNwp());
  await seedRun(s, '2026-06-01T09:00:00.000Z', '2026-06-01T10:20:00.000Z');
  const report = await checkHealth({ ...s, config: s.config });
  const at = report.sources.find((x) => x.id === 'nwp')?.sites[0];
  assert.equal(at?.fresh, false);
  assert.equal(at?.reason, 'stale since 2026-06-01T13:00:00.000Z: newest run 09:00 UTC, age 300 min, limit 240 min');
  assert.equal(at?.run?.summary, 'newest run 09:00 UTC, age 300 min, limit 240 min');
  assert.ok(report.reasons.includes(`nwp at park-1: ${at?.reason ?? ''}`));
});

test('a forecast source with no run yet says so', async () => {
  const s = testServices(new FixedClock(new Date('2026-06-01T14:05:00Z')), configWithNwp());
  const report = await checkHealth({ ...s, config: s.config });
  const at = report.sources.find((x) => x.id === 'nwp')?.sites[0];
  assert.equal(at?.run, null);
  assert.equal(at?.reason, 'never seen: no run available at issueTime');
});
