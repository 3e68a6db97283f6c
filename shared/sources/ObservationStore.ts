import type { SourceConfig } from '../config/ForecastConfig';
import type { BlobStore } from '../storage/BlobStore';
import { IsoTexts } from '../time/IsoTexts';
import { ListingCacheBlobStore } from '../storage/ListingCacheBlobStore';
import type { Observation } from './Observation';
import { ObservationBatchReader } from './ObservationBatchReader';
import { keepEarliest } from './observationBatches';
import { metadataValues, observationBlobName, observationContainer, observationMetadata } from './observationBlobs';
import { entriesIn, type RecentEntry, type RecentState } from './RecentState';
import { RecentStateStore } from './RecentStateStore';

export {
  MAX_METADATA_VALUES_BYTES,
  metadataValues,
  observationBlobName,
  observationContainer,
  observationMetadata,
  storedObservationValues,
} from './observationBlobs';

const DAY_MS = 86_400_000;

/** An observation as a container listing describes it (metadata only). */
export interface ListedObservation {
  container: string;
  name: string;
  observedAt: string;
  availableAt: string;
  publishedAt?: string | undefined;
  /** The values as JSON, when the blob's metadata carries them. */
  values?: string | undefined;
  /** The values already parsed (from a recent state). */
  parsedValues?: Record<string, number> | undefined;
  /** Stored by a backfill without publishedAt (see Observation.backfilled). */
  backfilled?: boolean;
  /** observedAt, availableAt and publishedAt as epoch ms, when known without parsing (from a recent state). */
  times?: { observedAt: number; availableAt: number; publishedAt?: number | undefined } | undefined;
}

/** Reads stored observations as of a point in time: only what had become available by then. */
export class ObservationStore {
  constructor(
    private readonly blobs: BlobStore,
    /** The recent states read once for a run (see forRun), by container/source; absent outside a run. */
    private readonly states?: Map<string, Promise<RecentState | undefined>>,
    /** ISO texts of epoch times met in this run (see forRun); absent outside a run. */
    private readonly isoTexts?: IsoTexts,
    /** The batch layout's day folders read in this run (see forRun); absent outside a run (then read per call). */
    private readonly batches?: ObservationBatchReader,
    /** The recent states of `states` once read, by the same key (see statesNow). */
    private readonly statesRead?: Map<string, RecentState | undefined>,
  ) {}

  /** The same store with each day folder listed once and then reused (one run reading many issue slots). */
  withListingCache(): ObservationStore {
    const blobs = new ListingCacheBlobStore(this.blobs);
    return new ObservationStore(
      blobs,
      this.states,
      this.isoTexts,
      this.batches ?? new ObservationBatchReader(blobs),
      this.statesRead,
    );
  }

  /**
   * The same store for one run: each source's recent state is read once, and every window it covers is answered
   * from it (one blob read per source instead of listings per site and day); windows it does not cover are listed.
   */
  forRun(): ObservationStore {
    return new ObservationStore(
      this.blobs,
      new Map(),
      new IsoTexts(),
      new ObservationBatchReader(this.blobs),
      new Map(),
    );
  }

  /** An epoch time as ISO text; within a run each time once (every site's observations share the same slots). */
  private iso(t: number): string {
    return this.isoTexts ? this.isoTexts.of(t) : new Date(t).toISOString();
  }

  private recentState(container: string, source: string): Promise<RecentState | undefined> | undefined {
    if (!this.states) return undefined;
    const key = `${container}/${source}`;
    let state = this.states.get(key);
    if (!state) {
      state = new RecentStateStore(this.blobs).readWithInbox(container, source);
      this.states.set(key, state);
      state.then(
        (read) => this.statesRead?.set(key, read),
        () => undefined,
      );
      // A failed read is not kept: the next caller tries again.
      state.catch(() => this.states?.delete(key));
    }
    return state;
  }

  /**
   * The run's recent state of each source by source id, once every one has been read (then without waiting: predict
   * gathers thousands of sites from the same states); undefined outside a run or while one is still being read.
   */
  statesNow(sources: readonly SourceConfig[]): Map<string, RecentState | undefined> | undefined {
    if (!this.statesRead) return undefined;
    const out = new Map<string, RecentState | undefined>();
    for (const source of sources) {
      const key = `${observationContainer(source)}/${source.id}`;
      if (!this.statesRead.has(key)) return undefined;
      out.set(source.id, this.statesRead.get(key));
    }
    return out;
  }

  /** statesNow after reading whatever is not read yet; undefined outside a run. */
  async readStates(sources: readonly SourceConfig[]): Promise<Map<string, RecentState | undefined> | undefined> {
    if (!this.states) return undefined;
    const out = new Map<string, RecentState | undefined>();
    const read = await Promise.all(sources.map((s) => this.recentState(observationContainer(s), s.id)));
    sources.forEach((s, i) => out.set(s.id, read[i]));
    return out;
  }

  /** The observation a state entry with values stands for (its ISO texts made once per run). */
  observationOf(
    source: SourceConfig,
    site: string,
    entry: RecentEntry & { values: Record<string, number> },
  ): Observation {
    // The keys in the order read() gives them.
    const observedAt = this.iso(entry.observedAt);
    const availableAt = this.iso(entry.availableAt);
    const { values } = entry;
    if (entry.publishedAt === undefined && !entry.backfilled)
      return { source: source.id, site, observedAt, availableAt, values };
    return {
      source: source.id,
      site,
      observedAt,
      availableAt,
      ...(entry.publishedAt !== undefined ? { publishedAt: this.iso(entry.publishedAt) } : {}),
      ...(entry.backfilled ? { backfilled: true } : {}),
      values,
    };
  }

  /** The listing's description of a state entry (for a read of its blob: an entry the state kept no values of). */
  listedOf(source: SourceConfig, site: string, e: RecentEntry): ListedObservation {
    const container = observationContainer(source);
    const observedAt = this.iso(e.observedAt);
    const listed: ListedObservation = {
      container,
      name: observationBlobName(source.id, site, observedAt),
      observedAt,
      availableAt: this.iso(e.availableAt),
      publishedAt: e.publishedAt === undefined ? undefined : this.iso(e.publishedAt),
      parsedValues: e.values,
      times: { observedAt: e.observedAt, availableAt: e.availableAt, publishedAt: e.publishedAt },
    };
    if (e.backfilled) listed.backfilled = true;
    return listed;
  }

  /**
   * Writes an observation once in the per-observation layout; false when it was already stored (a duplicate keeps its
   * first availableAt). Ingestion uses it for records older than the recent state covers; new records go in batches.
   */
  async putIfAbsent(container: string, observation: Observation): Promise<boolean> {
    return this.blobs.putIfAbsent(
      container,
      observationBlobName(observation.source, observation.site, observation.observedAt),
      JSON.stringify(observation),
      { contentType: 'application/json', metadata: observationMetadata(observation) },
    );
  }

  /**
   * What the listing says about every observation available at `asOf` and observed in the `hours` before it,
   * sorted by observedAt: enough to find the newest and to learn the source's delays, without downloads.
   */
  recentAvailable(source: SourceConfig, site: string, asOf: Date, hours: number): Promise<ListedObservation[]> {
    return this.availableIn(source, site, new Date(asOf.getTime() - hours * 3_600_000), asOf, asOf);
  }

  /**
   * What the listing says about every observation observed in `from`..`to` (inclusive) that was available at `asOf`,
   * sorted by observedAt. One listing per day folder; the values come with the metadata, so nothing is downloaded.
   */
  async availableIn(
    source: SourceConfig,
    site: string,
    from: Date,
    to: Date,
    asOf: Date,
  ): Promise<ListedObservation[]> {
    const container = observationContainer(source);
    const state = await this.recentState(container, source.id);
    const fromState = state ? entriesIn(state, site, from.getTime(), to.getTime(), asOf.getTime()) : undefined;
    if (fromState) return fromState.map((e) => this.listedOf(source, site, e));
    const fromIso = from.toISOString();
    const toIso = to.toISOString();
    const asOfIso = asOf.toISOString();
    const batches = this.batches ?? new ObservationBatchReader(this.blobs);
    const out: ListedObservation[] = [];
    for (let day = Math.floor(from.getTime() / DAY_MS) * DAY_MS; day <= to.getTime(); day += DAY_MS) {
      const date = new Date(day).toISOString().slice(0, 10);
      const inWindow = (observedAt: string, availableAt: string): boolean =>
        availableAt <= asOfIso && observedAt <= toIso && observedAt >= fromIso;
      // The per-observation layout (earlier deployments, old days), then the batches of the day.
      for await (const item of this.blobs.list(container, `${source.id}/${site}/${date}/`)) {
        const observedAt = item.metadata['observedat'];
        const availableAt = item.metadata['availableat'];
        if (!observedAt || !availableAt || !inWindow(observedAt, availableAt)) continue;
        out.push({
          container,
          name: item.name,
          observedAt,
          availableAt,
          publishedAt: item.metadata['publishedat'],
          values: item.metadata['values'],
          ...(item.metadata['backfilled'] === 'true' ? { backfilled: true } : {}),
        });
      }
      for (const o of await batches.site(container, source.id, site, date)) {
        if (!inWindow(o.observedAt, o.availableAt)) continue;
        out.push({
          container,
          name: observationBlobName(source.id, site, o.observedAt),
          observedAt: o.observedAt,
          availableAt: o.availableAt,
          publishedAt: o.publishedAt,
          parsedValues: o.values,
          ...(o.backfilled ? { backfilled: true } : {}),
        });
      }
    }
    // Stored in both layouts (or twice): the earliest availableAt, when it was first read.
    return keepEarliest(out);
  }

  /** The full observation behind a listed one (from its metadata when it carries the values, else downloaded). */
  async read(source: SourceConfig, site: string, listed: ListedObservation): Promise<Observation | undefined> {
    // Metadata that does not parse falls through to the body, which is the record of truth.
    const values = listedValues(listed);
    if (values)
      return {
        source: source.id,
        site,
        observedAt: listed.observedAt,
        availableAt: listed.availableAt,
        ...(listed.publishedAt ? { publishedAt: listed.publishedAt } : {}),
        ...(listed.backfilled ? { backfilled: true } : {}),
        values,
      };
    const blob = await this.blobs.get(listed.container, listed.name);
    if (blob) return JSON.parse(blob.body.toString('utf8')) as Observation;
    // Not in the per-observation layout: in a batch of its day (a state entry that kept no values).
    const batches = this.batches ?? new ObservationBatchReader(this.blobs);
    const stored = await batches.site(listed.container, source.id, site, listed.observedAt.slice(0, 10));
    return stored.find((o) => o.observedAt === listed.observedAt);
  }
}

/** The values a listed observation carries (from a state or the blob's metadata), or undefined: then read its blob. */
export function listedValues(listed: ListedObservation): Record<string, number> | undefined {
  return listed.parsedValues ?? metadataValues(listed.values);
}
