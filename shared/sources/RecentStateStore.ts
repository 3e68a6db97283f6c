import { BlobConflictError, type BlobStore, CONTAINERS } from '../storage/BlobStore';
import { mapLimit } from '../util/mapLimit';
import { ObservationBatchReader } from './ObservationBatchReader';
import { metadataValues } from './observationBlobs';
import {
  DEFAULT_RECENT_STATE_OPTIONS,
  emptyRecentState,
  mergeEntries,
  parseState,
  pruneState,
  type RecentEntry,
  recentEntryOf,
  type RecentState,
  RecentStateError,
  type RecentStateOptions,
  serializeState,
} from './RecentState';

/** The state blob of a source's observations in one container (raw/, features/ or images/). */
export function recentStateName(container: string, source: string): string {
  return `recent/${container}/${source}.json`;
}

/**
 * Where concurrent writers left entries for the state, one small blob each: the per-picture image triggers of
 * deployments before preprocess-image ran once per ingest page. Still read and compacted for what they left.
 */
export function recentInboxPrefix(container: string, source: string): string {
  return `inbox/${container}/${source}/`;
}

/** A read state and the ETag it was read at. */
export interface ReadState {
  state: RecentState;
  etag: string;
}

/** Conflicting writers (another ingest run, image preprocessing) retried at most this many times before giving up. */
const MAX_ATTEMPTS = 12;

const DAY_MS = 86_400_000;
/** Inbox entries deleted at once after a compaction. */
const DELETE_CONCURRENCY = 16;
const HOUR_MS = 3_600_000;

/**
 * Reads and updates the recent states in the state container. An update is read-merge-write guarded by the ETag:
 * two writers never lose each other's entries. A missing (or unreadable) state is first seeded from the observation
 * blobs of the last keepHours, so it covers that window at once: the first run after an upgrade and a fresh
 * deployment behave alike.
 */
export class RecentStateStore {
  /** The states this instance last wrote or read for an update, with their ETags (one run's instance: a page reuses them). */
  private readonly kept = new Map<string, ReadState>();

  constructor(
    /** The account's blobs (a run's batch writes its new records through it). */
    readonly blobs: BlobStore,
    private readonly options: RecentStateOptions = DEFAULT_RECENT_STATE_OPTIONS,
    /** Waits between conflicting attempts (tests pass a no-op). */
    private readonly pause: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {}

  /**
   * Leaves an entry for the state without touching it, as per-picture triggers of older deployments did (many writers
   * at once would otherwise fight over its ETag); preprocess-image now merges a page's features in one write. An empty blob whose metadata is the entry; `compact` merges and deletes them, and
   * readers (`readWithInbox`) see them at once. Writing it twice is writing it once.
   */
  async putInbox(container: string, source: string, site: string, entry: RecentEntry): Promise<void> {
    const meta: Record<string, string> = {
      site,
      observedat: new Date(entry.observedAt).toISOString(),
      availableat: new Date(entry.availableAt).toISOString(),
    };
    if (entry.publishedAt !== undefined) meta['publishedat'] = new Date(entry.publishedAt).toISOString();
    if (entry.backfilled) meta['backfilled'] = 'true';
    if (entry.values) {
      const json = JSON.stringify(entry.values);
      if (json.length <= this.options.maxValuesBytes) meta['values'] = json;
    }
    await this.blobs.putIfAbsent(
      CONTAINERS.state,
      `${recentInboxPrefix(container, source)}${meta['observedat']}~${site}`,
      '',
      { metadata: meta },
    );
  }

  /** The entries waiting in the inbox of (container, source), with their blob names. */
  async inbox(container: string, source: string): Promise<{ name: string; site: string; entry: RecentEntry }[]> {
    const out: { name: string; site: string; entry: RecentEntry }[] = [];
    for await (const item of this.blobs.list(CONTAINERS.state, recentInboxPrefix(container, source))) {
      const site = item.metadata['site'];
      const entry = entryFromMetadata(item.metadata);
      if (site && entry) out.push({ name: item.name, site, entry });
    }
    return out;
  }

  /** The state with its inbox merged in (in memory), or undefined when there is no readable state. */
  async readWithInbox(container: string, source: string): Promise<RecentState | undefined> {
    // Only image features arrived through an inbox (older deployments' per-picture triggers); other states have none.
    const [read, waiting] = await Promise.all([
      this.read(container, source),
      container === CONTAINERS.features ? this.inbox(container, source) : [],
    ]);
    if (!read) return undefined;
    for (const { site, entry } of waiting) mergeEntries(read.state, site, [entry]);
    return read.state;
  }

  /**
   * Merges the inbox of (container, source) into the state in one write, then deletes the merged entries. A run that
   * fails in between leaves them to the next, which merges nothing new. Returns the entries merged.
   */
  async compact(container: string, source: string, sites: Iterable<string>, now: number): Promise<number> {
    const waiting = await this.inbox(container, source);
    if (waiting.length === 0) return 0;
    await this.update(container, source, sites, now, (state) => {
      let added = 0;
      for (const { site, entry } of waiting) added += mergeEntries(state, site, [entry]);
      return added > 0;
    });
    // Deletes are free in Azure, but each is a request: a backfill leaves hundreds.
    await mapLimit(waiting, DELETE_CONCURRENCY, ({ name }) => this.blobs.delete(CONTAINERS.state, name));
    return waiting.length;
  }

  /**
   * The state as this instance last wrote it, else read: an ingest run (the only writer of its source's state) reads
   * it once for all its pages, not once per page. A stale copy costs one refused write and a re-read, never an entry.
   */
  async readKept(container: string, source: string): Promise<ReadState | undefined> {
    const key = recentStateName(container, source);
    const kept = this.kept.get(key);
    if (kept) return kept;
    const read = await this.read(container, source);
    if (read) this.kept.set(key, read);
    return read;
  }

  /** The state, or undefined when there is none or it cannot be read (readers then list the blobs). */
  async read(container: string, source: string): Promise<ReadState | undefined> {
    const name = recentStateName(container, source);
    const blob = await this.blobs.get(CONTAINERS.state, name);
    if (!blob) return undefined;
    try {
      return { state: parseState(blob.body.toString('utf8'), `${CONTAINERS.state}/${name}`), etag: blob.etag };
    } catch (err) {
      if (err instanceof RecentStateError) return undefined;
      throw err;
    }
  }

  /**
   * Merges what `change` adds into the state of (container, source) as of `now` (epoch ms), seeding a missing state
   * from the observation blobs of `sites` first. `change` may run more than once (after a conflict) and must only
   * merge; when it returns false (nothing new) an existing state is left unwritten. Returns the state.
   */
  async update(
    container: string,
    source: string,
    sites: Iterable<string>,
    now: number,
    change: (state: RecentState) => boolean | void | Promise<boolean | void>,
    /** Seed a missing state from the blobs first (false: start empty, covering from now; the change fills it). */
    seedMissing = true,
  ): Promise<RecentState> {
    const name = recentStateName(container, source);
    for (let attempt = 1; ; attempt++) {
      // The kept copy first; after a conflict, what is stored now. It is kept again only once written.
      const current = attempt === 1 ? await this.readKept(container, source) : await this.read(container, source);
      this.kept.delete(name);
      const state =
        current?.state ??
        (seedMissing ? await this.seed(container, source, sites, now) : emptyRecentState(source, now));
      const changed = await change(state);
      if (current && changed === false) {
        this.kept.set(name, current);
        return state;
      }
      pruneState(state, now, this.options);
      const body = serializeState(state);
      try {
        if (current) {
          const etag = await this.blobs.put(CONTAINERS.state, name, body, {
            contentType: 'application/json',
            ifMatch: current.etag,
          });
          this.kept.set(name, { state, etag });
          return state;
        }
        // A state that exists but does not parse is replaced; none at all is created only if still none.
        const exists = await this.blobs.get(CONTAINERS.state, name);
        if (exists) {
          await this.blobs.put(CONTAINERS.state, name, body, { contentType: 'application/json', ifMatch: exists.etag });
          return state;
        }
        if (await this.blobs.putIfAbsent(CONTAINERS.state, name, body, { contentType: 'application/json' }))
          return state;
      } catch (err) {
        if (!(err instanceof BlobConflictError)) throw err;
      }
      if (attempt >= MAX_ATTEMPTS)
        throw new BlobConflictError(CONTAINERS.state, `${name} (still changing after ${MAX_ATTEMPTS} attempts)`);
      await this.pause(Math.min(2000, 20 * 2 ** attempt * (0.5 + Math.random())));
    }
  }

  /**
   * Merges the observation blobs of the last keepHours into the state (creating it when there is none), so it covers
   * that window whatever wrote the blobs: an older deployment, a copy, a run that failed before its merge. Running
   * it again adds nothing and writes nothing. Returns the entries added.
   */
  async rebuild(container: string, source: string, sites: readonly string[], now: number): Promise<number> {
    let added = 0;
    await this.update(
      container,
      source,
      sites,
      now,
      async (state) => {
        const seeded = await this.seed(container, source, sites, now);
        added = 0;
        for (const [site, entries] of seeded.sites) added += mergeEntries(state, site, entries);
        let named = false;
        for (const name of seeded.batches ?? [])
          if (!state.batches?.has(name)) {
            (state.batches ??= new Set()).add(name);
            named = true;
          }
        const widened = seeded.coversFrom < state.coversFrom || seeded.knownFrom < state.knownFrom;
        state.coversFrom = Math.min(state.coversFrom, seeded.coversFrom);
        // The listing is the whole truth back to its knownFrom: what it found dropped joins what the state had.
        for (const [site, at] of seeded.gone) state.gone.set(site, Math.max(state.gone.get(site) ?? at, at));
        state.knownFrom = Math.min(state.knownFrom, seeded.knownFrom);
        return added > 0 || widened || named;
      },
      false,
    );
    return added;
  }

  /**
   * A state built from the observation blobs of the last keepHours (and, for each site's newest older one,
   * trackHours), in both layouts: one listing per site and day folder, values from the blobs' metadata, and each day's
   * batches read once for all sites. A record stored twice keeps its earliest availableAt. It covers the window from
   * then on.
   */
  async seed(container: string, source: string, sites: Iterable<string>, now: number): Promise<RecentState> {
    const from = now - this.options.keepHours * HOUR_MS;
    const trackFrom = now - this.options.trackHours * HOUR_MS;
    const state = emptyRecentState(source, from);
    // Listed back to trackHours, so the state also knows each site's newest older observation (or that it has none).
    state.knownFrom = trackFrom;
    const days: string[] = [];
    for (let day = Math.floor(trackFrom / DAY_MS) * DAY_MS; day <= now; day += DAY_MS)
      days.push(new Date(day).toISOString().slice(0, 10));
    const batches = new ObservationBatchReader(this.blobs);
    for (const site of sites) {
      const entries: RecentEntry[] = [];
      for (const day of days) {
        for await (const item of this.blobs.list(container, `${source}/${site}/${day}/`)) {
          const entry = entryFromMetadata(item.metadata);
          if (entry) entries.push(entry);
        }
        // Pictures are one blob each (images/_batches/ holds the pages' manifests, not observations).
        if (container === CONTAINERS.images) continue;
        const batched = await batches.day(container, source, day);
        for (const o of batched.bySite.get(site) ?? []) entries.push(recentEntryOf(o));
        // Merged now: not a batch a failed run left unmerged.
        if (day >= new Date(from).toISOString().slice(0, 10))
          for (const name of batched.names) (state.batches ??= new Set()).add(name);
      }
      const kept: RecentEntry[] = [];
      for (const entry of entries) {
        if (entry.observedAt < trackFrom) continue;
        if (entry.observedAt >= from) kept.push(entry);
        else state.gone.set(site, Math.max(state.gone.get(site) ?? entry.observedAt, entry.observedAt));
      }
      if (kept.length > 0) {
        kept.sort((a, b) => a.observedAt - b.observedAt || a.availableAt - b.availableAt);
        state.sites.set(site, dedupe(kept));
      }
    }
    return state;
  }
}

function dedupe(sorted: RecentEntry[]): RecentEntry[] {
  return sorted.filter((e, i) => i === 0 || (sorted[i - 1] as RecentEntry).observedAt !== e.observedAt);
}

/** The entry a blob's metadata describes (observationMetadata or putInbox), or undefined when it is not one. */
export function entryFromMetadata(meta: Record<string, string>): RecentEntry | undefined {
  const observedAt = Date.parse(meta['observedat'] ?? '');
  const availableAt = Date.parse(meta['availableat'] ?? '');
  if (!Number.isFinite(observedAt) || !Number.isFinite(availableAt)) return undefined;
  const publishedAt = Date.parse(meta['publishedat'] ?? '');
  const values = metadataValues(meta['values']);
  return {
    observedAt,
    availableAt,
    ...(Number.isFinite(publishedAt) ? { publishedAt } : {}),
    ...(meta['backfilled'] === 'true' ? { backfilled: true } : {}),
    ...(values ? { values } : {}),
  };
}
