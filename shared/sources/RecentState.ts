import type { Observation } from './Observation';
import { batchDay } from './observationBatches';

/**
 * A source's recent state: every site's observations of the last hours with their availableAt, in one document, so
 * `predict` and `health` read a source once per run instead of listing each site's folders. It is derived data:
 * the observation blobs stay the record of truth, and a reader falls back to them for anything the state does not
 * cover (older observations, a state that is younger than the window asked for).
 */

/** One observation in the state. Times are epoch milliseconds. */
export interface RecentEntry {
  observedAt: number;
  availableAt: number;
  publishedAt?: number | undefined;
  backfilled?: boolean | undefined;
  /** The values, while the observation is young enough (see RecentStateOptions.valueHours); else read its blob. */
  values?: Record<string, number> | undefined;
}

/** What the state keeps. */
export interface RecentStateOptions {
  /** Hours of observations (by observedAt, before the newest availableAt) kept: predict's 24 h and some slack. */
  keepHours: number;
  /** Hours of observations that keep their values; older ones keep their times only (history reads their blob). */
  valueHours: number;
  /** Largest values JSON kept in the state; a larger record (a long forecast run) is read from its blob. */
  maxValuesBytes: number;
  /**
   * Hours each site's newest dropped observation is remembered: enough to answer predict's 72-hour look-back for a
   * site silent longer than keepHours (or never seen) without listing its day folders.
   */
  trackHours: number;
}

export const DEFAULT_RECENT_STATE_OPTIONS: RecentStateOptions = {
  keepHours: 26,
  valueHours: 3,
  maxValuesBytes: 4096,
  trackHours: 72,
};

/** A state in memory: entries per site sorted by observedAt, unique per observedAt. */
export interface RecentState {
  source: string;
  /**
   * Every observation observed at or after this time and stored after it was (the state's creation, or what a
   * migration filled in) is in the state: a window starting here or later is answered exactly.
   */
  coversFrom: number;
  sites: Map<string, RecentEntry[]>;
  /** Per site, the newest observedAt the state dropped (older than coversFrom), while younger than trackHours. */
  gone: Map<string, number>;
  /** `gone` is complete from here: a site absent from it observed nothing between this and coversFrom. */
  knownFrom: number;
  /**
   * The batch blobs (observationBatches) of the days the state covers whose records it holds: a batch of those days
   * not named here was written by a run that failed before its merge, and the next flush merges it first.
   */
  batches?: Set<string>;
}

/** Stored form 1 (still read): one tuple per entry, [observedAt, availableAt - observedAt, publishedAt - observedAt | null, flags, values?]. */
type StoredEntry = [number, number, number | null, number, Record<string, number>?];

interface StoredState {
  version: 1;
  source: string;
  coversFrom: string;
  sites: Record<string, StoredEntry[]>;
  knownFrom?: string;
  gone?: Record<string, number>;
  batches?: string[];
}

/**
 * Stored form 2 (written): columns of numbers over every site's entries, sites in order, and each distinct list of
 * value names once. A state of 10,000 sites parses several times faster than form 1, which repeated every name in
 * every entry (a forecast run's hundred step names in each of 10,000 entries).
 */
interface StoredColumns {
  version: 2;
  source: string;
  coversFrom: string;
  knownFrom: string;
  gone: Record<string, number>;
  /** The distinct lists of value names, in each entry's own key order. */
  keys: string[][];
  /** The sites, sorted, and how many entries each has (its entries follow the previous site's in every column). */
  sites: string[];
  counts: number[];
  /** observedAt - base, per entry, oldest first within a site (small integers: they parse fastest). */
  base: number;
  observedAt: number[];
  /** availableAt - observedAt. */
  delay: number[];
  /** publishedAt - observedAt, or null when there is none. */
  published: (number | null)[];
  /** 1: backfilled. */
  flags: number[];
  /** Index into `keys` of the entry's values, or -1 when it keeps none. */
  valueKeys: number[];
  /** Every entry's values in its names' order, one after the other (null where JSON has no number: NaN, Infinity). */
  values: (number | null)[];
  /** The batch blobs the state names (RecentState.batches), when it names any. */
  batches?: string[];
}

const HOUR_MS = 3_600_000;

/** The state entry of a stored observation. */
export function recentEntryOf(o: Observation, keepValues = true): RecentEntry {
  const publishedAt = o.publishedAt ? Date.parse(o.publishedAt) : undefined;
  return {
    observedAt: Date.parse(o.observedAt),
    availableAt: Date.parse(o.availableAt),
    ...(publishedAt !== undefined && Number.isFinite(publishedAt) ? { publishedAt } : {}),
    ...(o.backfilled ? { backfilled: true } : {}),
    ...(keepValues ? { values: o.values } : {}),
  };
}

export function emptyRecentState(source: string, coversFrom: number): RecentState {
  return { source, coversFrom, sites: new Map(), gone: new Map(), knownFrom: coversFrom };
}

/**
 * Adds entries to the state, each once per (site, observedAt). Of two at the same instant the one available first
 * is kept, as readers of the stored records keep it (two executions that stored the same record may merge in either
 * order); the kept one gains values only if it had none. Returns the number of entries added or replaced.
 */
export function mergeEntries(state: RecentState, site: string, entries: readonly RecentEntry[]): number {
  let list = state.sites.get(site);
  if (!list) {
    list = [];
    state.sites.set(site, list);
  }
  const at = new Map(list.map((e, i) => [e.observedAt, i]));
  let added = 0;
  for (const e of entries) {
    const i = at.get(e.observedAt);
    const known = i === undefined ? undefined : list[i];
    if (i === undefined || !known) {
      at.set(e.observedAt, list.length);
      list.push({ ...e });
      added++;
    } else if (e.availableAt < known.availableAt) {
      const values = e.values ?? known.values;
      list[i] = values ? { ...e, values } : { ...e };
      added++;
    } else if (!known.values && e.values) known.values = e.values;
  }
  if (added > 0) list.sort((a, b) => a.observedAt - b.observedAt);
  return added;
}

/**
 * Drops what the state no longer keeps, as of `now`: entries observed more than keepHours ago (coversFrom moves up
 * with them), and the values of entries older than valueHours (but a site's newest) or larger than maxValuesBytes.
 */
export function pruneState(state: RecentState, now: number, options: RecentStateOptions): void {
  const keepFrom = now - options.keepHours * HOUR_MS;
  const valuesFrom = now - options.valueHours * HOUR_MS;
  state.coversFrom = Math.max(state.coversFrom, keepFrom);
  const trackFrom = now - options.trackHours * HOUR_MS;
  state.knownFrom = Math.max(state.knownFrom, trackFrom);
  for (const [site, at] of state.gone) if (at < trackFrom) state.gone.delete(site);
  // Batches of days before the one coversFrom falls in hold nothing the state covers.
  const firstDay = new Date(state.coversFrom).toISOString().slice(0, 10);
  for (const name of state.batches ?? []) if (batchDay(name) < firstDay) state.batches?.delete(name);
  for (const [site, list] of state.sites) {
    const kept = list.filter((e) => e.observedAt >= keepFrom);
    const dropped = list.length > kept.length ? (list[list.length - kept.length - 1] as RecentEntry).observedAt : -1;
    if (dropped >= trackFrom) state.gone.set(site, Math.max(state.gone.get(site) ?? dropped, dropped));
    kept.forEach((e, i) => {
      // The newest keeps its values however old: predict reads it at every run, and a re-fetched forecast run
      // (the same run until the next one) is compared with it.
      const old = e.observedAt < valuesFrom && i < kept.length - 1;
      if (e.values && (old || JSON.stringify(e.values).length > options.maxValuesBytes)) delete e.values;
    });
    if (kept.length === 0) state.sites.delete(site);
    else state.sites.set(site, kept);
  }
}

/** The site's entries observed in [from, to] and available at asOf, oldest first; undefined when the state cannot say. */
export function entriesIn(
  state: RecentState,
  site: string,
  from: number,
  to: number,
  asOf: number,
): RecentEntry[] | undefined {
  // Before coversFrom only when the state knows the site observed nothing there (its newest dropped one is older).
  if (from < state.coversFrom && (from < state.knownFrom || (state.gone.get(site) ?? -Infinity) >= from))
    return undefined;
  return (state.sites.get(site) ?? []).filter(
    (e) => e.observedAt >= from && e.observedAt <= to && e.availableAt <= asOf,
  );
}

/** Whether the site has an entry observed at `observedAt`; undefined when that time is before what the state covers. */
export function entryAt(state: RecentState, site: string, observedAt: number): RecentEntry | null | undefined {
  if (observedAt < state.coversFrom) return undefined;
  return state.sites.get(site)?.find((e) => e.observedAt === observedAt) ?? null;
}

export function serializeState(state: RecentState): string {
  const keyIndex = new Map<string, number>();
  const stored: StoredColumns = {
    version: 2,
    source: state.source,
    coversFrom: new Date(state.coversFrom).toISOString(),
    knownFrom: new Date(state.knownFrom).toISOString(),
    gone: {},
    keys: [],
    sites: [],
    counts: [],
    base: state.coversFrom,
    observedAt: [],
    delay: [],
    published: [],
    flags: [],
    valueKeys: [],
    values: [],
  };
  for (const [site, at] of [...state.gone].sort(([a], [b]) => a.localeCompare(b))) stored.gone[site] = at;
  if (state.batches && state.batches.size > 0) stored.batches = [...state.batches].sort();
  for (const [site, list] of [...state.sites].sort(([a], [b]) => a.localeCompare(b))) {
    stored.sites.push(site);
    stored.counts.push(list.length);
    for (const e of list) {
      stored.observedAt.push(e.observedAt - stored.base);
      stored.delay.push(e.availableAt - e.observedAt);
      stored.published.push(e.publishedAt === undefined ? null : e.publishedAt - e.observedAt);
      stored.flags.push(e.backfilled ? 1 : 0);
      if (!e.values) {
        stored.valueKeys.push(-1);
        continue;
      }
      const names = Object.keys(e.values);
      const id = JSON.stringify(names);
      let k = keyIndex.get(id);
      if (k === undefined) {
        k = stored.keys.length;
        keyIndex.set(id, k);
        stored.keys.push(names);
      }
      stored.valueKeys.push(k);
      for (const name of names) stored.values.push(e.values[name] as number);
    }
  }
  return JSON.stringify(stored);
}

/** Parses a stored state (either form); throws RecentStateError naming what is wrong when it is not one. */
export function parseState(text: string, where: string): RecentState {
  let stored: Partial<StoredState> | Partial<StoredColumns>;
  try {
    stored = JSON.parse(text) as Partial<StoredState> | Partial<StoredColumns>;
  } catch (err) {
    throw new RecentStateError(`${where} is not JSON: ${(err as Error).message}`);
  }
  const coversFrom = typeof stored.coversFrom === 'string' ? Date.parse(stored.coversFrom) : Number.NaN;
  if (
    (stored.version !== 1 && stored.version !== 2) ||
    typeof stored.source !== 'string' ||
    !Number.isFinite(coversFrom) ||
    !stored.sites
  )
    throw new RecentStateError(
      `${where} is not a recent state (expected version 1 or 2 with source, coversFrom and sites; got version ${JSON.stringify(stored.version)})`,
    );
  const sites =
    stored.version === 2
      ? columnSites(stored as StoredColumns, where)
      : tupleSites((stored as StoredState).sites, where);
  // A state written before `gone` was kept knows nothing before coversFrom.
  const knownFrom = typeof stored.knownFrom === 'string' ? Date.parse(stored.knownFrom) : coversFrom;
  const gone = new Map<string, number>();
  for (const [site, at] of Object.entries(stored.gone ?? {})) if (Number.isFinite(at)) gone.set(site, at);
  return {
    source: stored.source,
    coversFrom,
    sites,
    gone,
    knownFrom: Number.isFinite(knownFrom) ? knownFrom : coversFrom,
    ...(Array.isArray(stored.batches)
      ? { batches: new Set(stored.batches.filter((b): b is string => typeof b === 'string')) }
      : {}),
  };
}

/** The entries of stored form 1. */
function tupleSites(stored: Record<string, StoredEntry[]>, where: string): Map<string, RecentEntry[]> {
  const sites = new Map<string, RecentEntry[]>();
  for (const [site, list] of Object.entries(stored)) {
    if (!Array.isArray(list)) throw new RecentStateError(`${where}: site "${site}" is not a list of entries`);
    // A loop and plain assignments, not spreads: a state of 10,000 sites holds hundreds of thousands of entries.
    const entries: RecentEntry[] = new Array<RecentEntry>(list.length);
    for (let i = 0; i < list.length; i++) {
      const [observedAt, delay, published, flags, values] = list[i] as StoredEntry;
      const e: RecentEntry = { observedAt, availableAt: observedAt + delay };
      if (published !== null && published !== undefined) e.publishedAt = observedAt + published;
      if (flags & 1) e.backfilled = true;
      if (values) e.values = values;
      entries[i] = e;
    }
    sites.set(site, entries);
  }
  return sites;
}

/** The entries of stored form 2; throws RecentStateError when its columns do not fit together. */
function columnSites(stored: StoredColumns, where: string): Map<string, RecentEntry[]> {
  const { sites: names, counts, observedAt, delay, published, flags, valueKeys, values, keys, base } = stored;
  const n = Array.isArray(observedAt) ? observedAt.length : -1;
  const columns = [counts, delay, published, flags, valueKeys, values, keys];
  if (
    !Array.isArray(names) ||
    columns.some((c) => !Array.isArray(c)) ||
    counts.length !== names.length ||
    counts.reduce((a, b) => a + b, 0) !== n ||
    [delay, published, flags, valueKeys].some((c) => c.length !== n) ||
    !Number.isFinite(base)
  )
    throw new RecentStateError(`${where}: the entry columns do not fit together (${names.length} sites, ${n} entries)`);
  // Each entry's values start as a copy of its names' template (a copy is far cheaper than adding a hundred names one
  // by one); JSON.parse makes the templates, so every name, even `__proto__`, is an own property as in stored form 1.
  const templates = keys.map(
    (list) => JSON.parse(JSON.stringify(Object.fromEntries(list.map((k) => [k, 0])))) as object,
  );
  const sites = new Map<string, RecentEntry[]>();
  let i = 0;
  let v = 0;
  for (let s = 0; s < names.length; s++) {
    const count = counts[s] as number;
    const entries: RecentEntry[] = new Array<RecentEntry>(count);
    for (let j = 0; j < count; j++, i++) {
      const observed = (observedAt[i] as number) + base;
      const e: RecentEntry = { observedAt: observed, availableAt: observed + (delay[i] as number) };
      const p = published[i];
      if (p !== null && p !== undefined) e.publishedAt = observed + p;
      if ((flags[i] as number) & 1) e.backfilled = true;
      const k = valueKeys[i] as number;
      if (k >= 0) {
        const list = keys[k];
        if (!list || v + list.length > values.length)
          throw new RecentStateError(`${where}: entry ${i} names values that are not stored`);
        const template = templates[k] as object;
        if (list.length >= LAZY_VALUES_NAMES) {
          // A forecast run's hundred steps per site are made into an object only when read: predict reads each
          // site's newest run once, and most of a state's older runs are never read before the next write.
          entries[j] = lazyValues(e, template, list, values, v);
          v += list.length;
          continue;
        }
        const out = { ...template } as Record<string, number>;
        for (let n = 0; n < list.length; n++) out[list[n] as string] = values[v++] as number;
        e.values = out;
      }
      entries[j] = e;
    }
    sites.set(names[s] as string, entries);
  }
  return sites;
}

/** Entries with at least this many values get them made when first read (see lazyValues). */
const LAZY_VALUES_NAMES = 16;

/**
 * The entry with `values` made from the columns when first read: an own, enumerable accessor, so reading, spreading,
 * JSON.stringify, assignment and delete behave as with a plain property.
 */
function lazyValues(
  e: RecentEntry,
  template: object,
  names: readonly string[],
  values: readonly (number | null)[],
  from: number,
): RecentEntry {
  let made: Record<string, number> | undefined | null = null;
  // The keys in the order a plain entry has them: the times first, values last.
  const lazy: RecentEntry = { observedAt: e.observedAt, availableAt: e.availableAt };
  if (e.publishedAt !== undefined) lazy.publishedAt = e.publishedAt;
  if (e.backfilled) lazy.backfilled = true;
  Object.defineProperty(lazy, 'values', {
    enumerable: true,
    configurable: true,
    get(): Record<string, number> | undefined {
      if (made === null) {
        const out = { ...template } as Record<string, number>;
        for (let n = 0; n < names.length; n++) out[names[n] as string] = values[from + n] as number;
        made = out;
      }
      return made;
    },
    set(v: Record<string, number> | undefined) {
      made = v;
    },
  });
  return lazy;
}

/** A stored recent state that cannot be read. Readers then fall back to the observation blobs. */
export class RecentStateError extends Error {
  readonly code = 'RECENT_STATE_INVALID';
  constructor(message: string) {
    super(message);
    this.name = 'RecentStateError';
  }
}
