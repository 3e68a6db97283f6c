import type { ForecastConfig } from '../config/ForecastConfig';
import type { ForecastInput } from '../forecast/Forecast';
import type { Observation } from '../sources/Observation';
import type { ObservationStore } from '../sources/ObservationStore';
import { minutesBetween } from '../time/slots';
import type { AvailabilityInput } from '../features/AvailabilityInput';
import { isLiveRecord } from '../features/isLiveRecord';
import { DEFAULT_DELAY_MODEL_OPTIONS } from '../features/DelayModel';
import { learnStalenessLimit, type StalenessLimit } from '../features/learnStalenessLimit';
import { historyInputFor } from '../features/historyInputFor';
import type { RecentObservation } from '../features/historyFeatures';
import { type ListedObservation, listedValues } from '../sources/ObservationStore';
import { compareText } from '../util/compareText';
import { entriesIn, type RecentEntry, type RecentState } from '../sources/RecentState';

/** What predict knows of a site's sources at issueTime. */
export interface GatheredInputs {
  /** The newest observation of each source available at issueTime. */
  latest: Map<string, Observation>;
  /** Each source's staleness limit: configured, or learned from its live delays of the last day. */
  limits: Map<string, StalenessLimit>;
  /** Per source with history inputs, its observations available at issueTime over the last day (from the listing). */
  recent: Map<string, RecentObservation[]>;
}

/** Hours of listing used to find the newest observation and learn the delays. */
const RECENT_HOURS = 24;
const HOUR_MS = 3_600_000;

/** The newest observation of every source that was available (availableAt <= issueTime) at issueTime, and the limits. */
export async function gatherInputs(
  config: ForecastConfig,
  site: string,
  issueTime: Date,
  observations: ObservationStore,
): Promise<GatheredInputs> {
  const latest = new Map<string, Observation>();
  const limits = new Map<string, StalenessLimit>();
  const recent = new Map<string, RecentObservation[]>();
  // Every source the run's recent states answer for without a blob read is gathered at once; the rest are listed.
  const states = observations.statesNow(config.sources) ?? (await observations.readStates(config.sources));
  const rest = states
    ? config.sources.filter(
        (source) => !fromState(source, site, issueTime, observations, states.get(source.id), latest, limits, recent),
      )
    : config.sources;
  await Promise.all(
    rest.map(async (source) => {
      let listed = await observations.recentAvailable(source, site, issueTime, RECENT_HOURS);
      // A source silent for a day still has a newest observation somewhere; look further back once.
      if (listed.length === 0) listed = await observations.recentAvailable(source, site, issueTime, 72);
      const newest = listed.at(-1);
      const found = newest ? await observations.read(source, site, newest) : undefined;
      if (found) latest.set(source.id, found);
      const live: AvailabilityInput[] = [];
      for (const l of listed) {
        const r: AvailabilityInput = { observedAt: observedMs(l), availableAt: availableMs(l) };
        if (l.publishedAt) r.publishedAt = l.times?.publishedAt ?? Date.parse(l.publishedAt);
        if (l.backfilled) r.backfilled = true;
        if (isLiveRecord(r, DEFAULT_DELAY_MODEL_OPTIONS)) live.push(r);
      }
      limits.set(source.id, learnStalenessLimit(live, source.stalenessLimitMinutes));
      const h = historyInputFor(source);
      if (h && found) recent.set(source.id, await recentOf(source, site, listed, h, observations));
    }),
  );
  return { latest, limits, recent };
}

/**
 * gatherInputs for one source from the run's recent state, when it answers for the window without a blob read: the
 * same newest observation, limit and history as from the listing, without an object per listed observation or a
 * promise (predict reads every site's sources each run). False when it cannot; then the listing does.
 */
function fromState(
  source: ForecastConfig['sources'][number],
  site: string,
  issueTime: Date,
  observations: ObservationStore,
  state: RecentState | undefined,
  latest: Map<string, Observation>,
  limits: Map<string, StalenessLimit>,
  recent: Map<string, RecentObservation[]>,
): boolean {
  if (!state) return false;
  const asOf = issueTime.getTime();
  let entries = entriesIn(state, site, asOf - RECENT_HOURS * HOUR_MS, asOf, asOf);
  // A source silent for a day still has a newest observation somewhere; look further back once.
  if (entries?.length === 0) entries = entriesIn(state, site, asOf - 72 * HOUR_MS, asOf, asOf);
  if (!entries) return false;
  const newest = entries.at(-1);
  const h = historyInputFor(source);
  let history: RecentObservation[] | undefined;
  if (newest) {
    if (!hasValues(newest)) return false;
    if (h) {
      // As recentOf: newest first, every entry with values; one the history needs without them means a blob read.
      const windowStart = newest.observedAt - h.windowMinutes * 60_000;
      history = [];
      for (let i = entries.length - 1; i >= 0; i--) {
        const e = entries[i] as RecentEntry;
        // The entry itself: it has the times and values a RecentObservation has (no copy per observation).
        if (hasValues(e)) history.push(e);
        else if (entries.length - 1 - i <= h.lastK || e.observedAt > windowStart) return false;
      }
    }
    latest.set(source.id, observations.observationOf(source, site, newest));
  }
  // A state entry has the times an AvailabilityInput has, in epoch ms.
  const live: AvailabilityInput[] = [];
  for (const e of entries) if (isLiveRecord(e, DEFAULT_DELAY_MODEL_OPTIONS)) live.push(e);
  limits.set(source.id, learnStalenessLimit(live, source.stalenessLimitMinutes));
  if (history) recent.set(source.id, history);
  return true;
}

function hasValues(e: RecentEntry): e is RecentEntry & { values: Record<string, number> } {
  return e.values !== undefined;
}

/**
 * The listed observations as history inputs: values from the listing's metadata; a blob is read only for a record
 * without them, and only among those the history can use (the lastK + 1 newest and the window before the newest).
 */
async function recentOf(
  source: ForecastConfig['sources'][number],
  site: string,
  listed: readonly ListedObservation[],
  h: { lastK: number; windowMinutes: number },
  observations: ObservationStore,
): Promise<RecentObservation[]> {
  const newest = listed.at(-1);
  if (!newest) return [];
  const windowStart = observedMs(newest) - h.windowMinutes * 60_000;
  const out: RecentObservation[] = [];
  for (let i = listed.length - 1; i >= 0; i--) {
    const l = listed[i] as ListedObservation;
    const observedAt = observedMs(l);
    const needed = listed.length - 1 - i <= h.lastK || observedAt > windowStart;
    let values = listedValues(l);
    if (!values && needed) values = (await observations.read(source, site, l))?.values;
    if (values) out.push({ observedAt, availableAt: availableMs(l), values });
  }
  return out;
}

function observedMs(l: ListedObservation): number {
  return l.times?.observedAt ?? Date.parse(l.observedAt);
}

function availableMs(l: ListedObservation): number {
  return l.times?.availableAt ?? Date.parse(l.availableAt);
}

/**
 * Describes each input for the forecast record: when it was observed, when it became available, how old it was, and
 * the staleness limit the model choice judged it by (when known).
 */
export function describeInputs(
  latest: ReadonlyMap<string, Observation>,
  issueTime: Date,
  usedSources: ReadonlySet<string>,
  limits?: ReadonlyMap<string, StalenessLimit>,
): ForecastInput[] {
  const round2 = (v: number): number => Math.round(v * 100) / 100;
  return [...latest.values()]
    .map((o) => {
      const limit = limits?.get(o.source);
      return {
        source: o.source,
        observedAt: o.observedAt,
        availableAt: o.availableAt,
        ageMinutes: round2(minutesBetween(new Date(o.observedAt), issueTime)),
        used: usedSources.has(o.source),
        ...(limit ? { limitMinutes: round2(limit.minutes) } : {}),
      };
    })
    .sort((a, b) => compareText(a.source, b.source));
}
