import type { SourceConfig } from '../config/ForecastConfig';
import type { BlobStore } from '../storage/BlobStore';
import { ListingCacheBlobStore } from '../storage/ListingCacheBlobStore';
import type { Observation } from './Observation';
import { metadataValues, observationBlobName, observationContainer, observationMetadata } from './observationBlobs';
import { entriesIn, type RecentState } from './RecentState';
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
    private readonly isoTexts?: Map<number, string>,
  ) {}

  /** The same store with each day folder listed once and then reused (one run reading many issue slots). */
  withListingCache(): ObservationStore {
    return new ObservationStore(new ListingCacheBlobStore(this.blobs), this.states, this.isoTexts);
  }

  /**
   * The same store for one run: each source's recent state is read once, and every window it covers is answered
   * from it (one blob read per source instead of listings per site and day); windows it does not cover are listed.
   */
  forRun(): ObservationStore {
    return new ObservationStore(this.blobs, new Map(), new Map());
  }

  /** An epoch time as ISO text; within a run each time once (every site's observations share the same slots). */
  private iso(t: number): string {
    if (!this.isoTexts) return new Date(t).toISOString();
    let text = this.isoTexts.get(t);
    if (text === undefined) {
      text = new Date(t).toISOString();
      this.isoTexts.set(t, text);
    }
    return text;
  }

  private recentState(container: string, source: string): Promise<RecentState | undefined> | undefined {
    if (!this.states) return undefined;
    const key = `${container}/${source}`;
    let state = this.states.get(key);
    if (!state) {
      state = new RecentStateStore(this.blobs).readWithInbox(container, source);
      this.states.set(key, state);
      // A failed read is not kept: the next caller tries again.
      state.catch(() => this.states?.delete(key));
    }
    return state;
  }

  /** Writes an observation once; false when it was already stored (a duplicate keeps its first availableAt). */
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
    if (fromState)
      return fromState.map((e) => {
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
      });
    const fromIso = from.toISOString();
    const toIso = to.toISOString();
    const asOfIso = asOf.toISOString();
    const out: ListedObservation[] = [];
    for (let day = Math.floor(from.getTime() / DAY_MS) * DAY_MS; day <= to.getTime(); day += DAY_MS) {
      for await (const item of this.blobs.list(
        container,
        `${source.id}/${site}/${new Date(day).toISOString().slice(0, 10)}/`,
      )) {
        const observedAt = item.metadata['observedat'];
        const availableAt = item.metadata['availableat'];
        if (!observedAt || !availableAt || availableAt > asOfIso || observedAt > toIso || observedAt < fromIso)
          continue;
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
    }
    return out.sort((a, b) => a.observedAt.localeCompare(b.observedAt));
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
    return blob ? (JSON.parse(blob.body.toString('utf8')) as Observation) : undefined;
  }
}

/** The values a listed observation carries (from a state or the blob's metadata), or undefined: then read its blob. */
export function listedValues(listed: ListedObservation): Record<string, number> | undefined {
  return listed.parsedValues ?? metadataValues(listed.values);
}
