import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FeatureSpec } from '../../../shared/features/FeatureSpec';
import { featureSpecFor } from '../../../shared/features/featureSpecFor';
import { validateFeatureSpec } from '../../../shared/features/validateFeatureSpec';
import { testConfig } from '../../support/testServices';

/** A spec of the test configuration with a calendar (a model trained with one). */
function goodSpec(): FeatureSpec {
  const config = testConfig();
  return {
    ...featureSpecFor(
      config,
      config.sites[0]?.id ?? '',
      config.sources.map((s) => s.id),
    ),
    calendar: { timeZone: 'Europe/Berlin', holidays: ['2026-12-25'] },
  };
}

test('a spec that shares parts with one already checked is still refused for what it changes', () => {
  const spec = goodSpec();
  validateFeatureSpec(spec);
  validateFeatureSpec({ ...spec, latitude: 10, longitude: 20 });
  const [first] = spec.sources;
  assert.ok(first);
  const refuse = (changed: FeatureSpec, pattern: RegExp): void =>
    assert.throws(() => validateFeatureSpec(changed), pattern);
  refuse({ ...spec, latitude: 91 }, /latitude 91 is outside -90\.\.90/);
  refuse({ ...spec, longitude: -181 }, /longitude -181 is outside/);
  refuse({ ...spec, history: { [first]: { lastK: 99, windowMinutes: 60 } } }, /lastK 99/);
  refuse({ ...spec, leadsMinutes: [20, 20] }, /duplicate lead times/);
  refuse({ ...spec, sources: [...spec.sources, 'sun'] }, /reserved for derived features/);
  refuse({ ...spec, calendar: { timeZone: 'Mars/Olympus' } }, /time zone "Mars\/Olympus" is not a known zone/);
  refuse({ ...spec, calendar: { timeZone: 'Europe/Berlin', holidays: ['25.12.2026'] } }, /holiday "25\.12\.2026"/);
  // The spec itself still passes after the refusals.
  validateFeatureSpec(spec);
});
