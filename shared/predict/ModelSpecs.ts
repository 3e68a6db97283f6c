import type { ForecastConfig, SiteConfig } from '../config/ForecastConfig';
import { type FeatureSpec, withFeatureInputs } from '../features/FeatureSpec';
import { featureSpecForSite } from '../features/featureSpecFor';
import type { ExpectedErrorTable } from '../registry/ExpectedErrorTable';
import { expectedRmseAt } from '../registry/expectedRmseAt';
import type { ChoosableModel } from './chooseModel';
import { deepFreeze } from '../util/deepFreeze';

/**
 * Each candidate model's feature spec at a site, as chooseModel builds it (featureSpecFor with the model's feature
 * inputs and clear-sky columns), made once per model for a run of many sites: only the site's place and calendar
 * differ between sites, and those come from featureSpecFor itself.
 */
export class ModelSpecs {
  private readonly byModel = new Map<ChoosableModel, FeatureSpec>();
  private site: { config: SiteConfig; spec: FeatureSpec } | undefined;
  private readonly expected = new Map<ExpectedErrorTable, Map<number, number[] | undefined>>();

  constructor(private readonly config: ForecastConfig) {}

  specFor(model: ChoosableModel, site: SiteConfig): FeatureSpec {
    let spec = this.byModel.get(model);
    if (!spec) {
      // Frozen: featureRow and validateFeatureSpec memo by the identity of its parts, so it must not change in place.
      // A copy: modelSpec shares parts with the model card (its feature inputs), which are the registry's, not ours.
      spec = deepFreeze(structuredClone(modelSpec(this.config, site, model)));
      this.byModel.set(model, spec);
    }
    if (spec.latitude === site.latitude && spec.longitude === site.longitude && !spec.calendar) return spec;
    // The site's own place and calendar (the calendar only where the model has one, as withFeatureInputs says).
    if (this.site?.config !== site)
      this.site = { config: site, spec: deepFreeze(featureSpecForSite(this.config, site, [])) };
    const own = this.site.spec;
    return {
      ...spec,
      latitude: own.latitude,
      longitude: own.longitude,
      ...(spec.calendar && own.calendar ? { calendar: own.calendar } : {}),
    };
  }

  /** expectedRmseAt of a candidate's table at an age band, computed once per run (every site asks the same few). */
  expectedAt(table: ExpectedErrorTable, band: number): number[] | undefined {
    let byBand = this.expected.get(table);
    if (!byBand) {
      byBand = new Map();
      this.expected.set(table, byBand);
    }
    if (!byBand.has(band)) byBand.set(band, expectedRmseAt(table, band));
    return byBand.get(band);
  }
}

/** THE spec of a candidate at a site: what the model was trained on, at this site. */
export function modelSpec(config: ForecastConfig, site: SiteConfig, model: ChoosableModel): FeatureSpec {
  const spec = withFeatureInputs(featureSpecForSite(config, site, model.sources), model.featureInputs);
  const extra = model.clearSkyAtObservation;
  return extra ? { ...spec, clearSkyAtObservation: extra } : spec;
}
