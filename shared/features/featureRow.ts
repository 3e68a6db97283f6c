import { clearSkyGhi } from '../solar/clearSkyGhi';
import { clearSkyAt } from '../solar/smartPersistence';
import { solarPosition } from '../solar/solarPosition';
import type { FeatureSpec } from './FeatureSpec';
import type { LatestObservation } from './LatestObservation';
import { validateFeatureSpec } from './validateFeatureSpec';
import { forecastAtLeadName } from './featureNames';
import { runSteps, runValueAt } from '../sources/forecastRun';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const RAD = Math.PI / 180;
const TWO_PI = 2 * Math.PI;

/**
 * THE input row of a model, in featureNames(spec) order, for training and live prediction alike (one function, so
 * the two can never drift apart). `latest` holds, per source, the newest observation available at issueTime; the
 * caller guarantees that availability. Returns the feature names it could not fill instead of a partial row.
 */
export function featureRow(
  spec: FeatureSpec,
  issueTime: Date,
  latest: ReadonlyMap<string, LatestObservation>,
): number[] | { missing: string[] } {
  validateFeatureSpec(spec);
  const t = issueTime.getTime();
  const row: number[] = [];
  const missing: string[] = [];
  for (const source of spec.sources) {
    const fields = spec.fields[source] ?? [];
    const obs = latest.get(source);
    if (!obs) {
      for (const field of fields) missing.push(`${source}.${field}`);
      missing.push(`${source}.age_min`);
      continue;
    }
    const run = spec.forecastSources?.includes(source) === true;
    for (const field of fields) {
      if (run) {
        // The newest available run's value at each validTime: never a run issued after issueTime (promise 1).
        const steps = runSteps(obs.values, field);
        for (const lead of spec.leadsMinutes) {
          const v = runValueAt(steps, (t + lead * MINUTE_MS - obs.observedAt) / MINUTE_MS);
          if (v === undefined) missing.push(forecastAtLeadName(source, field, lead));
          else row.push(v);
        }
        continue;
      }
      const v = obs.values[field];
      if (v === undefined || !Number.isFinite(v)) missing.push(`${source}.${field}`);
      else row.push(v);
    }
    const age = (t - obs.observedAt) / MINUTE_MS;
    if (Number.isFinite(age)) row.push(age);
    else missing.push(`${source}.age_min`);
    if (spec.clearSkyAtObservation?.includes(source) && Number.isFinite(age))
      row.push(clearSkyAt(spec, obs.observedAt));
  }
  if (missing.length > 0) return { missing };

  const sun = solarPosition(spec.latitude, spec.longitude, issueTime);
  const azimuth = sun.azimuthDeg * RAD;
  row.push(sun.elevationDeg, Math.sin(azimuth), Math.cos(azimuth), clearSkyGhi(sun.cosZenith));
  for (const lead of spec.leadsMinutes) {
    // Clear sky at validTime tells the model where the sun will be, so it can scale today's clouds to then.
    row.push(clearSkyGhi(solarPosition(spec.latitude, spec.longitude, new Date(t + lead * MINUTE_MS)).cosZenith));
  }
  const hour = (((t % DAY_MS) + DAY_MS) % DAY_MS) / 3_600_000;
  const year = issueTime.getUTCFullYear();
  const yearStart = Date.UTC(year, 0, 1);
  const yearFraction = (t - yearStart) / (Date.UTC(year + 1, 0, 1) - yearStart);
  row.push(
    Math.sin((TWO_PI * hour) / 24),
    Math.cos((TWO_PI * hour) / 24),
    Math.sin(TWO_PI * yearFraction),
    Math.cos(TWO_PI * yearFraction),
  );
  return row;
}
