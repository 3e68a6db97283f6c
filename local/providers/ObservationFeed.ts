import type { ProviderItem, ProviderPage } from '../../shared/sources/ProviderApi';
import { recordIntervalMs } from '../world/observationInterval';
import { publishDelayRangeMs } from '../world/publishDelayMs';
import type { World } from '../world/World';
import type { WorldSourceId } from '../world/WorldSource';
import type { ProviderBehaviour } from './ProviderBehaviour';
import type { ObservationsQuery } from './parseObservationsQuery';

const DAY_MS = 86_400_000;

/** An observation the provider knows about, before its values are computed. */
interface Entry {
  site: string;
  observedMs: number;
  publishedMs: number;
}

/** An observation as a time-window query returns it. */
export interface WindowObservation {
  observedAt: Date;
  /** The world's values, in its own units (field names as in World.sensorValues). */
  values: Record<string, number>;
}

/**
 * What one simulated provider has published at a given now: computed from the world and the clock on every
 * request, never stored, so the feed is the same whichever process asks and however often.
 */
export class ObservationFeed {
  /** Time between two records: ten minutes, an hour for the weather model's runs. */
  private readonly intervalMs: number;
  /** The shortest and longest delay from a record's observedAt (a run's runAt) to its scheduled publication. */
  private readonly minDelayMs: number;
  private readonly maxDelayMs: number;

  constructor(
    private readonly world: World,
    readonly source: WorldSourceId,
    private readonly behaviour: ProviderBehaviour,
    private readonly retentionDays: number,
  ) {
    this.intervalMs = recordIntervalMs(source);
    const delays = publishDelayRangeMs(source);
    this.minDelayMs = delays.minMs;
    this.maxDelayMs = delays.maxMs;
  }

  /**
   * One page of the items published after `since`, no later than `now`, ordered by publishedAt, site, observedAt:
   * the truth, before the behaviour's wire hook shapes it.
   */
  page(query: ObservationsQuery, now: Date): ProviderPage {
    const entries = this.published(query, now);
    let end = entries.length;
    let next: string | null = null;
    if (entries.length > query.limit) {
      end = cutBefore(entries, query.limit);
      if (end < entries.length) next = new Date((entries[end - 1] as Entry).publishedMs).toISOString();
    }
    return { items: entries.slice(0, end).map((e) => this.item(e)), next };
  }

  /** When the observation becomes readable (null: never), after the behaviour has had its say. */
  publishedAt(site: string, observedAt: Date): Date | null {
    const scheduled = this.world.publishedAt(this.source, site, observedAt);
    const actual = this.behaviour.publishedAt(site, observedAt, scheduled);
    if (actual === null) return null;
    const latest = scheduled.getTime() + this.behaviour.maxExtraDelayMs;
    return new Date(Math.min(latest, Math.max(scheduled.getTime(), actual.getTime())));
  }

  /** Whether the observation exists, is retained and has been published at `now` (what an image fetch needs). */
  isReadable(site: string, observedAt: Date, now: Date): boolean {
    const ms = observedAt.getTime();
    if (ms % this.intervalMs !== 0 || ms < this.retentionStartMs(now)) return false;
    const published = this.publishedAt(site, observedAt);
    return published !== null && published.getTime() <= now.getTime();
  }

  /**
   * The observations of `site` observed in [fromMs, toMs] (both inclusive), retained and published at `now`, by
   * observedAt: what a vendor's time-window query answers. Sensor sources only.
   */
  window(site: string, fromMs: number, toMs: number, now: Date): WindowObservation[] {
    const source = this.source;
    if (source === 'skycam') throw new RangeError('the skycam source has pictures, not values; use latestPublished');
    if (source === 'nwp') throw new RangeError('the nwp source has runs, not a time series; use page');
    return this.publishedIn(site, fromMs, toMs, now).map((observedMs) => {
      const observedAt = new Date(observedMs);
      return { observedAt, values: this.world.sensorValues(source, site, observedAt) };
    });
  }

  /** When the newest observation of `site` published at `now` (and retained) was observed; null when none is. */
  latestPublished(site: string, now: Date): Date | null {
    const firstMs = this.ceilToSlot(this.retentionStartMs(now));
    // A late backlog may leave a gap, so walk back from the newest observation that could be published already.
    for (let ms = this.floorToSlot(now.getTime() - this.minDelayMs); ms >= firstMs; ms -= this.intervalMs) {
      const published = this.publishedAt(site, new Date(ms));
      if (published !== null && published.getTime() <= now.getTime()) return new Date(ms);
    }
    return null;
  }

  private publishedIn(site: string, fromMs: number, toMs: number, now: Date): number[] {
    const nowMs = now.getTime();
    const firstMs = this.ceilToSlot(Math.max(fromMs, this.retentionStartMs(now)));
    // Nothing observed later can have been published yet.
    const lastMs = Math.min(toMs, nowMs - this.minDelayMs);
    const observed: number[] = [];
    for (let ms = firstMs; ms <= lastMs; ms += this.intervalMs) {
      const published = this.publishedAt(site, new Date(ms));
      if (published !== null && published.getTime() <= nowMs) observed.push(ms);
    }
    return observed;
  }

  private published(query: ObservationsQuery, now: Date): Entry[] {
    const nowMs = now.getTime();
    const sinceMs = query.since?.getTime() ?? Number.NEGATIVE_INFINITY;
    // Nothing observed before this can have been published after `since`.
    const lookbackMs = this.maxDelayMs + this.behaviour.maxExtraDelayMs;
    const fromMs = this.ceilToSlot(Math.max(this.retentionStartMs(now), sinceMs - lookbackMs));
    const toMs = nowMs - this.minDelayMs;
    const sites = query.site === undefined ? this.world.sites.map((s) => s.id) : [query.site];
    const entries: Entry[] = [];
    for (let observedMs = fromMs; observedMs <= toMs; observedMs += this.intervalMs) {
      for (const site of sites) {
        const published = this.publishedAt(site, new Date(observedMs));
        if (published === null) continue;
        const publishedMs = published.getTime();
        if (publishedMs > sinceMs && publishedMs <= nowMs) entries.push({ site, observedMs, publishedMs });
      }
    }
    return entries.sort(
      (a, b) =>
        a.publishedMs - b.publishedMs ||
        (a.site < b.site ? -1 : a.site > b.site ? 1 : 0) ||
        a.observedMs - b.observedMs,
    );
  }

  private item(e: Entry): ProviderItem {
    const observedAt = new Date(e.observedMs);
    const base = {
      site: e.site,
      observedAt: observedAt.toISOString(),
      publishedAt: new Date(e.publishedMs).toISOString(),
    };
    if (this.source === 'skycam') {
      return { ...base, imageUrl: `/images/${encodeURIComponent(e.site)}/${observedAt.toISOString()}.png` };
    }
    if (this.source === 'nwp') return { ...base, values: this.world.nwpRun(e.site, observedAt) };
    return { ...base, values: this.world.sensorValues(this.source, e.site, observedAt) };
  }

  private retentionStartMs(now: Date): number {
    return now.getTime() - this.retentionDays * DAY_MS;
  }

  private ceilToSlot(ms: number): number {
    return Math.ceil(ms / this.intervalMs) * this.intervalMs;
  }

  private floorToSlot(ms: number): number {
    return Math.floor(ms / this.intervalMs) * this.intervalMs;
  }
}

/**
 * Where a page of at most `limit` entries ends without splitting a run of equal publishedAt: before the run that
 * straddles the limit, or, when that run starts the page, after the whole run (a page may then exceed the limit).
 */
function cutBefore(entries: readonly Entry[], limit: number): number {
  const at = (i: number): number => (entries[i] as Entry).publishedMs;
  let end = limit;
  while (end > 0 && at(end) === at(end - 1)) end--;
  if (end > 0) return end;
  end = limit;
  while (end < entries.length && at(end) === at(end - 1)) end++;
  return end;
}
