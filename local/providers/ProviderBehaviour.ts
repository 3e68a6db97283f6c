import type { ProviderItem } from '../../shared/sources/ProviderApi';

/** What a behaviour sees of a request before the provider answers it. */
export interface ProviderRequestInfo {
  /** Source id of the provider. */
  source: string;
  /** Path without the query, e.g. `/observations`. */
  path: string;
  /** The provider clock's now. */
  now: Date;
}

/** A canned answer that replaces the normal one, e.g. a 503 during an outage. */
export interface ProviderOverride {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/**
 * How a provider deviates from the ideal: the hook a fault model plugs into (outages returning 503 that deliver
 * their backlog late, duplicates, malformed records, broken images). Every hook must be a pure function of its
 * arguments (no hidden state), so the simulated providers stay reproducible from the seed and the clock alone.
 */
export interface ProviderBehaviour {
  /** The longest delay `publishedAt` may add to the scheduled publication, ms; pages look back this much further. */
  readonly maxExtraDelayMs: number;
  /** An answer that replaces the normal one, or undefined to let the request through. */
  intercept(request: ProviderRequestInfo): ProviderOverride | undefined;
  /**
   * When the observation becomes readable, given when it was scheduled (20-40 min after observation); null if it
   * is never delivered. Clamped to [scheduled, scheduled + maxExtraDelayMs].
   */
  publishedAt(site: string, observedAt: Date, scheduled: Date): Date | null;
  /** The items as they go on the wire: may add duplicates or corrupt records (hence unknown). */
  wireItems(items: ProviderItem[], now: Date): unknown[];
  /** The image bytes as served: may truncate or corrupt them. */
  imageBytes(png: Buffer, site: string, observedAt: Date): Buffer;
}

/** A provider without faults: everything on schedule, as computed. */
export const RELIABLE_BEHAVIOUR: ProviderBehaviour = {
  maxExtraDelayMs: 0,
  intercept: () => undefined,
  publishedAt: (_site, _observedAt, scheduled) => scheduled,
  wireItems: (items) => items,
  imageBytes: (png) => png,
};
