import assert from 'node:assert/strict';
import { test } from 'node:test';
import { serveSlots } from '../../../shared/backtest/serveSlots';
import { parseConfig } from '../../../shared/config/loadConfig';
import type { LoadedModel } from '../../../shared/models/ModelRuntime';
import type { ServingModel } from '../../../shared/predict/ServingModel';
import { featureNames } from '../../../shared/features/featureNames';
import { featureSpecFor } from '../../../shared/features/featureSpecFor';
import { featureInputsOf } from '../../../shared/features/FeatureSpec';
import type { HistoryRecord } from '../../../shared/features/HistoryRecord';

const MINUTE_MS = 60_000;
const T0 = Date.parse('2026-06-01T10:00:00Z');

const config = parseConfig({
  sites: [{ id: 'site-a', latitude: 55.7, longitude: 12.6 }],
  sources: [
    {
      id: 'probe',
      kind: 'sensor',
      provider: { endpoint: 'https://x', apiKey: 'k' },
      schedule: '0 */5 * * * *',
      fields: ['x'],
      stalenessLimitMinutes: 90,
    },
  ],
  target: { source: 'probe', field: 'x' },
});

/** A model that forecasts the probe value it was given, so the output says which observation was read. */
function echoModel(sources: string[]): ServingModel {
  const spec = featureSpecFor(config, 'site-a', sources);
  const names = featureNames(spec);
  const model: LoadedModel = {
    inputNames: ['features'],
    outputNames: ['forecast'],
    metadata: {},
    predict: async (features, rows) =>
      Float32Array.from({ length: rows * 3 }, (_, i) =>
        sources.length === 0 ? -1 : (features[Math.floor(i / 3) * names.length] as number),
      ),
    release: async () => undefined,
  };
  return {
    id: `echo-${sources.join('+') || 'none'}`,
    kind: 'test',
    version: null,
    sources,
    featureNames: names,
    featureInputs: featureInputsOf(spec),
    leadsMinutes: [20, 40, 60],
    score: sources.length === 0 ? 2 : 1,
    model,
  };
}

test('serveSlots: an observation that becomes available 30 minutes after it was observed is used from that minute on, never a minute earlier', async () => {
  // Observed every 10 minutes from 09:00, each available exactly 30 minutes later; value = minutes after T0 observed.
  const history: HistoryRecord[] = Array.from({ length: 24 }, (_, i) => {
    const observedAt = T0 - 60 * MINUTE_MS + i * 10 * MINUTE_MS;
    return { observedAt, availableAt: observedAt + 30 * MINUTE_MS, values: { x: (observedAt - T0) / MINUTE_MS } };
  });
  // Every minute from 09:00 to 12:00: slots at odd minutes too, to hit the boundary from both sides.
  const issueTimes = Array.from({ length: 181 }, (_, i) => T0 - 60 * MINUTE_MS + i * MINUTE_MS);
  const slots = await serveSlots(config, 'site-a', issueTimes, new Map([['probe', history]]), [
    echoModel(['probe']),
    echoModel([]),
  ]);
  assert.equal(slots.length, issueTimes.length);
  for (const s of slots) {
    const minute = (s.issueTime - T0) / MINUTE_MS;
    const newest = Math.floor((minute - 30) / 10) * 10;
    if (newest < -60) {
      // Nothing has arrived yet: the baseline serves, reading nothing.
      assert.equal(s.model, 'echo-none', `minute ${minute}`);
      assert.deepEqual(s.inputs, []);
      continue;
    }
    assert.equal(s.model, 'echo-probe', `minute ${minute}`);
    const input = s.inputs[0];
    assert.ok(input && input.availableAt <= s.issueTime, `minute ${minute}: available ${input?.availableAt}`);
    assert.equal((input.observedAt - T0) / MINUTE_MS, newest, `minute ${minute}`);
    assert.equal(s.values[0], newest, `minute ${minute}: the forecast read the observation of minute ${newest}`);
  }
  // At 10:29 the 10:00 observation (available 10:30) is not used yet; at 10:30 it is.
  const at = (hhmm: string): number | undefined =>
    slots.find((s) => s.issueTime === Date.parse(`2026-06-01T${hhmm}:00Z`))?.inputs[0]?.observedAt;
  assert.equal(at('10:29'), Date.parse('2026-06-01T09:50:00Z'));
  assert.equal(at('10:30'), Date.parse('2026-06-01T10:00:00Z'));
});

test('serveSlots: a dropped source is never read, and the limits given per issue time decide freshness', async () => {
  const history: HistoryRecord[] = [{ observedAt: T0, availableAt: T0 + 30 * MINUTE_MS, values: { x: 1 } }];
  const t = T0 + 60 * MINUTE_MS;
  const dropped = await serveSlots(
    config,
    'site-a',
    [t],
    new Map([['probe', history]]),
    [echoModel(['probe']), echoModel([])],
    ['probe'],
  );
  assert.equal(dropped[0]?.model, 'echo-none');
  // 60 minutes old: fresh under the configured 90, stale under a learned 45.
  const fresh = await serveSlots(config, 'site-a', [t], new Map([['probe', history]]), [
    echoModel(['probe']),
    echoModel([]),
  ]);
  assert.equal(fresh[0]?.model, 'echo-probe');
  const stale = await serveSlots(
    config,
    'site-a',
    [t],
    new Map([['probe', history]]),
    [echoModel(['probe']), echoModel([])],
    [],
    () => new Map([['probe', { minutes: 45, basis: 'learned', samples: 20 }]]),
  );
  assert.equal(stale[0]?.model, 'echo-none');
});
