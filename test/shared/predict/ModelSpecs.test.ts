import '../../support/testEnv';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SiteConfig } from '../../../shared/config/ForecastConfig';
import { featureInputsOf } from '../../../shared/features/FeatureSpec';
import { featureSpecFor } from '../../../shared/features/featureSpecFor';
import { modelSpec, ModelSpecs } from '../../../shared/predict/ModelSpecs';
import { testConfig } from '../../support/testServices';

test('ModelSpecs gives every site and model the spec modelSpec builds from scratch (place, calendar, inputs)', () => {
  const base = testConfig();
  const park = base.sites[0] as SiteConfig;
  const sites: SiteConfig[] = [
    park,
    { id: 'utc', name: 'no zone', latitude: 40.1, longitude: -3.2 },
    {
      id: 'holidays',
      name: 'holidays',
      latitude: -33.9,
      longitude: 151.2,
      timeZone: 'Australia/Sydney',
      holidays: ['2026-12-25'],
    },
  ];
  const config = { ...base, sites, target: { ...base.target, weekdayInputs: true } };
  const all = config.sources.map((s) => s.id);
  const models = [
    { id: 'new', sources: all, featureNames: [], featureInputs: featureInputsOf(featureSpecFor(config, park.id, all)) },
    { id: 'old card', sources: ['site-meter', 'weather'], featureNames: [] },
    { id: 'smart', sources: ['site-meter'], featureNames: [], clearSkyAtObservation: ['site-meter'] },
    {
      id: 'baseline',
      sources: [],
      featureNames: [],
      featureInputs: featureInputsOf(featureSpecFor(config, park.id, [])),
    },
  ];
  const specs = new ModelSpecs(config);
  // Twice round, so the second pass is served from what the first made.
  for (let pass = 0; pass < 2; pass++)
    for (const site of [...sites].reverse())
      for (const model of models)
        assert.deepEqual(specs.specFor(model, site), modelSpec(config, site, model), `${model.id} at ${site.id}`);
});

test("ModelSpecs' specs cannot be changed in place: featureRow's and validateFeatureSpec's memos key by their parts", () => {
  const config = testConfig();
  const park = config.sites[0] as SiteConfig;
  const other: SiteConfig = { id: 'other', name: 'other', latitude: 40.1, longitude: -3.2 };
  const all = config.sources.map((s) => s.id);
  const model = {
    id: 'new',
    sources: all,
    featureNames: [],
    featureInputs: featureInputsOf(featureSpecFor(config, park.id, all)),
  };
  const specs = new ModelSpecs({ ...config, sites: [park, other] });
  for (const site of [park, other]) {
    const spec = specs.specFor(model, site);
    const fields = spec.fields[all[0] as string] as string[];
    assert.throws(() => fields.push('extra'), TypeError, `${site.id}: a source's fields`);
    assert.throws(() => (spec.leadsMinutes as number[]).splice(0, 1), TypeError, `${site.id}: the leads`);
    const history = spec.history ?? assert.fail('a new model has history');
    assert.throws(() => {
      (history as Record<string, unknown>)['site-meter'] = { lastK: 1, windowMinutes: 10 };
    }, TypeError);
    assert.deepEqual(spec, modelSpec({ ...config, sites: [park, other] }, site, model), `${site.id}: unchanged`);
  }
  // What the specs were built from stays the owner's: the model card's inputs and the configuration are not frozen.
  const inputs = model.featureInputs;
  assert.equal(Object.isFrozen(inputs.history), false, "the card's history inputs");
  assert.equal(Object.isFrozen(inputs.calendar), false, "the card's calendar");
  assert.equal(Object.isFrozen(config.sources[0]?.fields), false, "a configured source's fields");
  assert.equal(Object.isFrozen(config.forecast.leadsMinutes), false, 'the configured leads');
});
