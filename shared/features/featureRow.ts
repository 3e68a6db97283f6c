import { clearSkyGhi } from '../solar/clearSkyGhi';
import { clearSkyAt } from '../solar/smartPersistence';
import { solarPosition } from '../solar/solarPosition';
import type { FeatureSpec } from './FeatureSpec';
import type { LatestObservation } from './LatestObservation';
import { validateFeatureSpec } from './validateFeatureSpec';
import { forecastAtLeadName } from './featureNames';
import { runSteps, runValueAt } from '../sources/forecastRun';
import { SMART_PERSISTENCE_MIN_CLEAR_SKY_WM2 } from '../solar/smartPersistence';
import { historyValues } from './historyFeatures';
import { calendarValues } from './calendarFeatures';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const RAD = Math.PI / 180;
const TWO_PI = 2 * Math.PI;

/**
 * THE input row of a model, in featureNames(spec) order, for training and live prediction alike (one function, so
 * the two can never drift apart). `latest` holds, per source, the newest observation available at issueTime; the
 * caller guarantees that availability. A source with history in the spec needs its `recent` observations too
 * (historyFeatures: whatever is not available at issueTime is ignored here again). Returns the feature names it could
 * not fill instead of a partial row. Rows of several specs of one site at one issueTime from the same `latest` may
 * share a `memo` (a new FeatureRowMemo per site and slot): what their specs share is computed once.
 */
export function featureRow(
  spec: FeatureSpec,
  issueTime: Date,
  latest: ReadonlyMap<string, LatestObservation>,
  memo?: FeatureRowMemo,
): number[] | { missing: string[] } {
  validateFeatureSpec(spec);
  const t = issueTime.getTime();
  const row: number[] = [];
  const missing: string[] = [];
  for (const source of spec.sources) {
    const obs = latest.get(source);
    if (!memo || !obs) {
      sourceBlock(spec, source, t, obs, row, missing);
      continue;
    }
    // Models that share a source share its block (history, run steps, clear sky): computed once per site and slot.
    const key = blockKey(spec, source);
    let block = memo.blocks.get(key);
    if (!block) {
      block = { row: [], missing: [] };
      sourceBlock(spec, source, t, obs, block.row, block.missing);
      memo.blocks.set(key, block);
    }
    for (const v of block.row) row.push(v);
    for (const m of block.missing) missing.push(m);
  }
  if (missing.length > 0) return { missing };

  if (spec.solarInputs !== false) {
    if (!memo) pushSolar(row, spec, issueTime);
    else {
      const key = spec.leadsMinutes.join(',');
      let solar = memo.solar.get(key);
      if (!solar) {
        solar = [];
        pushSolar(solar, spec, issueTime);
        memo.solar.set(key, solar);
      }
      for (const v of solar) row.push(v);
    }
  }
  if (spec.calendar) {
    const c = spec.calendar;
    const key = `${c.timeZone}|${c.weekday === true ? 1 : 0}|${(c.holidays ?? []).join(',')}`;
    let values = memo?.calendar.get(key);
    if (!values) {
      values = calendarValues(c, t);
      memo?.calendar.set(key, values);
    }
    for (const v of values) row.push(v);
  } else pushUtcTime(row, issueTime);
  return row;
}

/**
 * What featureRow computed for one site at one issueTime from one `latest`, by what it depends on, for the next
 * spec's row (chooseModel builds a row per candidate model). Never share one across sites, slots or inputs.
 */
export class FeatureRowMemo {
  /** A source's columns and missing names, by blockKey. */
  readonly blocks = new Map<string, { row: number[]; missing: string[] }>();
  /** The sun columns, by leads. */
  readonly solar = new Map<string, number[]>();
  /** The calendar columns, by calendar. */
  readonly calendar = new Map<string, number[]>();
}

/** One source's columns (or the names it could not fill), appended to `row` and `missing`. */
function sourceBlock(
  spec: FeatureSpec,
  source: string,
  t: number,
  obs: LatestObservation | undefined,
  row: number[],
  missing: string[],
): void {
  const fields = spec.fields[source] ?? [];
  if (!obs) {
    for (const field of fields) missing.push(`${source}.${field}`);
    missing.push(`${source}.age_min`);
    return;
  }
  const run = spec.forecastSources?.includes(source) === true;
  const h = run ? undefined : spec.history?.[source];
  if (h && !obs.recent) {
    missing.push(`${source}.history`);
    return;
  }
  const hist = h ? historyValues(fields, h, t, obs, obs.recent ?? []) : undefined;
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i] as string;
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
    if (hist) for (const x of hist.perField[i] ?? []) row.push(x);
  }
  const age = (t - obs.observedAt) / MINUTE_MS;
  if (Number.isFinite(age)) row.push(age);
  else missing.push(`${source}.age_min`);
  if (hist) for (const x of hist.gaps) row.push(x);
  if (spec.clearSkyAtObservation?.includes(source) && Number.isFinite(age)) row.push(clearSkyAt(spec, obs.observedAt));
  const csiFields = spec.clearSkyIndex?.[source] ?? [];
  if (csiFields.length > 0) {
    // The index at the observation's own time: a 30-minute-old reading is divided by the sun of 30 minutes ago.
    const clear = Math.max(clearSkyAt(spec, obs.observedAt), SMART_PERSISTENCE_MIN_CLEAR_SKY_WM2);
    for (const field of csiFields) {
      const v = obs.values[field];
      if (v === undefined || !Number.isFinite(v)) missing.push(`${source}.${field}.csi`);
      else row.push(Math.max(0, v) / clear);
    }
  }
}

/** Everything a source's block depends on besides the site, issueTime and the observations (the memo's scope). */
function blockKey(spec: FeatureSpec, source: string): string {
  // A run's specs differ per site only in place and calendar (ModelSpecs shares the rest): one key per source.
  let bySource = blockKeys.get(spec.fields);
  if (!bySource) {
    bySource = new Map();
    blockKeys.set(spec.fields, bySource);
  }
  const known = bySource.get(source);
  if (
    known &&
    known.history === spec.history &&
    known.forecastSources === spec.forecastSources &&
    known.clearSkyAtObservation === spec.clearSkyAtObservation &&
    known.clearSkyIndex === spec.clearSkyIndex &&
    known.leadsMinutes === spec.leadsMinutes
  )
    return known.key;
  const h = spec.history?.[source];
  const key = [
    source,
    spec.forecastSources?.includes(source) === true ? 'run' : '',
    (spec.fields[source] ?? []).join(','),
    h ? `${h.lastK}/${h.windowMinutes}` : '',
    spec.clearSkyAtObservation?.includes(source) === true ? 'cso' : '',
    (spec.clearSkyIndex?.[source] ?? []).join(','),
    spec.leadsMinutes.join(','),
  ].join('|');
  bySource.set(source, {
    key,
    history: spec.history,
    forecastSources: spec.forecastSources,
    clearSkyAtObservation: spec.clearSkyAtObservation,
    clearSkyIndex: spec.clearSkyIndex,
    leadsMinutes: spec.leadsMinutes,
  });
  return key;
}

/** blockKey's keys by the spec parts they were made from (specs are not changed once made). */
const blockKeys = new WeakMap<
  FeatureSpec['fields'],
  Map<
    string,
    Pick<FeatureSpec, 'history' | 'forecastSources' | 'clearSkyAtObservation' | 'clearSkyIndex' | 'leadsMinutes'> & {
      key: string;
    }
  >
>();

function pushSolar(row: number[], spec: FeatureSpec, issueTime: Date): void {
  const t = issueTime.getTime();
  const sun = solarPosition(spec.latitude, spec.longitude, issueTime);
  const azimuth = sun.azimuthDeg * RAD;
  row.push(sun.elevationDeg, Math.sin(azimuth), Math.cos(azimuth), clearSkyGhi(sun.cosZenith));
  for (const lead of spec.leadsMinutes) {
    // Clear sky at validTime tells the model where the sun will be, so it can scale today's clouds to then.
    row.push(clearSkyGhi(solarPosition(spec.latitude, spec.longitude, new Date(t + lead * MINUTE_MS)).cosZenith));
  }
}

/** The time of day and year in UTC: the columns of specs without a calendar (older versions). */
function pushUtcTime(row: number[], issueTime: Date): void {
  const t = issueTime.getTime();
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
}
