import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError } from '../../../shared/config/ConfigError';
import { parseConfig } from '../../../shared/config/loadConfig';

function minimal(): Record<string, unknown> {
  return {
    sites: [{ id: 'park-1', latitude: 55.7, longitude: 12.6 }],
    sources: [
      {
        id: 'meter',
        kind: 'sensor',
        provider: { endpoint: 'https://x', apiKey: 'k' },
        schedule: '0 */5 * * * *',
        fields: ['power_kw', 'ghi_wm2'],
      },
      {
        id: 'nwp',
        kind: 'forecast',
        provider: { endpoint: 'https://y', apiKey: 'k' },
        schedule: '0 0 * * * *',
        fields: ['ghi_wm2'],
      },
    ],
    target: { source: 'meter', field: 'power_kw', solar: true },
  };
}

function problemAt(raw: unknown, path: string): string {
  try {
    parseConfig(raw, {});
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    const hit = err.problems.find((p) => p.startsWith(`${path}:`));
    assert.ok(hit, `a problem at ${path}; got ${JSON.stringify(err.problems)}`);
    return hit;
  }
  assert.fail(`no problem at ${path}`);
}

test('history, clear-sky index, time zone and solarInputs: defaults parse', () => {
  const config = parseConfig(minimal(), {});
  assert.equal(config.sources[0]?.history, undefined, 'unset: the default applies in featureSpecFor');
  assert.equal(config.sites[0]?.timeZone, undefined, 'unset: UTC');
  const set = minimal();
  (set['sites'] as Record<string, unknown>[])[0]!['timeZone'] = 'Europe/Copenhagen';
  (set['sources'] as Record<string, unknown>[])[0]!['history'] = { lastK: 5 };
  const parsed = parseConfig(set, {});
  assert.deepEqual(parsed.sources[0]?.history, { lastK: 5, windowMinutes: 60 });
  assert.equal(parsed.sites[0]?.timeZone, 'Europe/Copenhagen');
});

test('config errors name the bad key and value', () => {
  const cases: [(raw: Record<string, unknown>) => void, string, string][] = [
    [
      (r) => ((r['sites'] as Record<string, unknown>[])[0]!['timeZone'] = 'Mars/Olympus'),
      'sites[0].timeZone',
      'Mars/Olympus',
    ],
    [
      (r) => ((r['sites'] as Record<string, unknown>[])[0]!['holidays'] = ['24.12.2026']),
      'sites[0].holidays[0]',
      'YYYY-MM-DD',
    ],
    [
      (r) => ((r['sources'] as Record<string, unknown>[])[0]!['history'] = { lastK: -1 }),
      'sources[0].history.lastK',
      '-1',
    ],
    [
      (r) => ((r['sources'] as Record<string, unknown>[])[0]!['history'] = { windowMinutes: 0 }),
      'sources[0].history.windowMinutes',
      '0',
    ],
    [(r) => ((r['sources'] as Record<string, unknown>[])[1]!['history'] = { lastK: 2 }), 'sources[1].history', 'nwp'],
    [
      (r) => ((r['sources'] as Record<string, unknown>[])[0]!['clearSkyIndex'] = ['temp_c']),
      'sources[0].clearSkyIndex[0]',
      'temp_c',
    ],
    [(r) => ((r['target'] as Record<string, unknown>)['solarInputs'] = false), 'target.solarInputs', 'solar'],
  ];
  for (const [mutate, path, fragment] of cases) {
    const raw = minimal();
    mutate(raw);
    const hit = problemAt(raw, path);
    assert.ok(hit.includes(fragment), `"${hit}" mentions ${fragment}`);
  }
  const generic = minimal();
  (generic['target'] as Record<string, unknown>)['solar'] = false;
  (generic['sources'] as Record<string, unknown>[])[0]!['clearSkyIndex'] = ['ghi_wm2'];
  assert.ok(problemAt(generic, 'sources[0].clearSkyIndex[0]').includes('solar target'));
});

test('forecast.sitesPerShard: defaults to 10,000 (small deployments run unsharded); a bad value is named', () => {
  assert.equal(parseConfig(minimal(), {}).forecast.sitesPerShard, 10_000);
  for (const bad of [0, -3, 2.5, 'many']) {
    const raw = { ...minimal(), forecast: { sitesPerShard: bad } };
    const problem = problemAt(raw, 'forecast.sitesPerShard');
    assert.match(problem, new RegExp(`got ${JSON.stringify(bad)}`), problem);
  }
  assert.equal(parseConfig({ ...minimal(), forecast: { sitesPerShard: 250 } }, {}).forecast.sitesPerShard, 250);
});
