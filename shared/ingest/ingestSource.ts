import type { SourceConfig } from '../config/ForecastConfig';
import { DEFAULT_IMAGE_FEATURE_OPTIONS } from '../features/imageFeatures';
import type { BreakerState, BreakerStateName } from '../sources/BreakerState';
import { BreakerStore } from '../sources/BreakerStore';
import { callWithRetry } from '../sources/callWithRetry';
import { CircuitBreaker, type CircuitBreakerOptions, DEFAULT_CIRCUIT_BREAKER_OPTIONS } from '../sources/CircuitBreaker';
import { clockPacedTimer, type MonotonicTimer } from '../sources/MonotonicTimer';
import type { ProviderAdapter } from '../sources/ProviderAdapter';
import { ProviderError, ProviderPageError } from '../sources/ProviderError';
import { RecentBatch } from '../sources/RecentBatch';
import { RecentStateStore } from '../sources/RecentStateStore';
import { DEFAULT_RETRY_OPTIONS, type RetryOptions } from '../sources/RetryOptions';
import { type BlobStore, CONTAINERS } from '../storage/BlobStore';
import type { Clock } from '../time/Clock';
import { ingestPage } from './ingestPage';
import { Quarantine } from '../storage/Quarantine';
import type { ValidItem } from './validateItem';
import { WatermarkStore } from './WatermarkStore';

export interface IngestDeps {
  blobs: BlobStore;
  clock: Clock;
  /** The source's provider, through the adapter of its protocol. */
  provider: ProviderAdapter;
  /** Real time for the budget, and the waits between retries; default: real elapsed time, waits on the app clock. */
  timer?: MonotonicTimer;
  /** Uniform in [0, 1), the backoff jitter; default Math.random. */
  random?: () => number;
}

export interface IngestOptions {
  /** Where to start when the source has no watermark yet; default: now - source.initialLookbackHours. */
  initialSince?: Date;
  /** Stop after this many pages (requests); the next run continues from the watermark. The adapter may allow fewer. */
  maxPages?: number;
  /** Real milliseconds the run may take: no page, retry or request timeout starts beyond it (stays inside the function timeout). */
  budgetMs?: number;
  /** Uploads in flight at once. */
  concurrency?: number;
  /** Called after each page (progress bars). */
  onPage?: (progress: IngestResult) => void;
  /** Retries of provider calls; default DEFAULT_RETRY_OPTIONS. */
  retry?: Partial<RetryOptions>;
  /** The source's circuit breaker; default DEFAULT_CIRCUIT_BREAKER_OPTIONS. */
  breaker?: Partial<CircuitBreakerOptions>;
  /** Largest accepted width x height of a picture; default the preprocessor's limit. */
  maxImagePixels?: number;
}

export const DEFAULT_INGEST_OPTIONS = {
  maxPages: 1000,
  budgetMs: 4 * 60_000,
  concurrency: 16,
  maxImagePixels: DEFAULT_IMAGE_FEATURE_OPTIONS.maxPixels,
} as const;

export interface IngestResult {
  source: string;
  pages: number;
  /** Records in the pages read; always stored + duplicates + quarantined. */
  received: number;
  /** Records the provider sent without a value (a null, with the mapping's `nulls: "skip"`): not measurements, not stored. */
  withoutValue: number;
  stored: number;
  duplicates: number;
  quarantined: number;
  /** Page bodies that were not pages, kept whole in quarantine (then retried, or the run failed). */
  quarantinedPages: number;
  /** Provider calls repeated after a retryable failure. */
  retries: number;
  /** Cursor the run started from and ended at. */
  from: string;
  to: string;
  /** True when the provider had nothing more to give. */
  caughtUp: boolean;
  /** The source's circuit breaker after the run. */
  breaker: BreakerStateName;
  /** Set when the run made no call because the breaker is open: why, and the breaker's state. */
  skipped?: { reason: string; breaker: BreakerState };
}

/**
 * Reads a provider from its watermark and stores every record once: sensor values as JSON in raw/, pictures in
 * images/ with a manifest per page (preprocess-image turns each page's pictures into features), rejects in quarantine/ with the reason. availableAt is the
 * time of storing. The watermark advances only after a page is stored, so a failed run repeats work, never loses it.
 *
 * Provider calls are retried with backoff inside the budget, through the source's circuit breaker: retryable
 * failures that outlast the retries count against it; while it is open the run makes no call and says so in
 * `skipped`; the first run after the cool-down makes one trial call.
 * A page body that is not a page is quarantined whole and retried like any retryable failure; if it stays broken
 * the run fails (retryably) without advancing the watermark past it, every run does the same, the breaker opens
 * after a few, and /api/health shows it: an operator then fixes the provider or moves the watermark by hand.
 */
export async function ingestSource(
  source: SourceConfig,
  siteIds: ReadonlySet<string>,
  deps: IngestDeps,
  options: IngestOptions = {},
): Promise<IngestResult> {
  const { maxPages, budgetMs, concurrency, maxImagePixels } = { ...DEFAULT_INGEST_OPTIONS, ...definedOnly(options) };
  const retry: RetryOptions = { ...DEFAULT_RETRY_OPTIONS, ...options.retry };
  const timer = deps.timer ?? clockPacedTimer(deps.clock);
  const deadlineMs = timer.nowMs() + budgetMs;
  const watermarks = new WatermarkStore(deps.blobs);
  const quarantine = new Quarantine(deps.blobs);
  const breaker = new CircuitBreaker(source.id, new BreakerStore(deps.blobs), deps.clock, {
    ...DEFAULT_CIRCUIT_BREAKER_OPTIONS,
    ...options.breaker,
  });

  // Features that per-picture triggers of older deployments left in the inbox go into the state in one write, whether
  // or not the provider answers today (preprocess-image now merges each batch into the state itself).
  if (source.kind === 'image')
    await new RecentStateStore(deps.blobs).compact(CONTAINERS.features, source.id, siteIds, deps.clock.now().getTime());

  const current = await watermarks.read(source.id);
  let etag = current?.etag;
  let since = current
    ? new Date(current.watermark.since)
    : (options.initialSince ?? new Date(deps.clock.now().getTime() - source.initialLookbackHours * 3_600_000));
  const result: IngestResult = {
    source: source.id,
    pages: 0,
    received: 0,
    withoutValue: 0,
    stored: 0,
    duplicates: 0,
    quarantined: 0,
    quarantinedPages: 0,
    retries: 0,
    from: since.toISOString(),
    to: since.toISOString(),
    caughtUp: false,
    breaker: 'closed',
  };

  const permit = await breaker.acquire();
  if (permit.kind === 'open') {
    return {
      ...result,
      breaker: permit.state.state,
      skipped: { reason: describeOpen(permit.state), breaker: permit.state },
    };
  }
  let trial = permit.kind === 'trial';
  const call = async <T>(
    fn: (timeoutMs: number) => Promise<T>,
    onFailure?: (err: ProviderError) => Promise<void>,
  ): Promise<T> => {
    // The trial after a cool-down is one call, without retries: the breaker learns at once whether to close.
    const value = await callWithRetry(fn, trial ? { ...retry, maxRetries: 0 } : retry, {
      timer,
      random: deps.random ?? Math.random,
      deadlineMs,
      timeoutMs: deps.provider.timeoutMs,
      ...(onFailure ? { onFailure } : {}),
      onRetry: () => {
        result.retries++;
      },
    });
    if (trial) {
      trial = false;
      await breaker.recordSuccess();
    }
    return value;
  };
  const quarantinePage = async (err: ProviderError): Promise<void> => {
    if (!(err instanceof ProviderPageError)) return;
    const receivedAt = deps.clock.now().toISOString();
    const name = await quarantine.put(
      {
        source: source.id,
        reason: err.reason,
        receivedAt,
        record: { page: { since: since.toISOString(), contentType: err.contentType, bytes: err.body.length } },
      },
      err.body,
    );
    result.quarantinedPages++;
    err.message += `; the body is kept in quarantine/${name}`;
  };

  const reader = deps.provider.reader({
    watermark: current?.watermark.since,
    initialSince: since,
    now: deps.clock.now(),
    lastFailureAt: breaker.lastFailureAt(),
  });
  const maxRequests = Math.min(maxPages, deps.provider.maxRequestsPerRun);
  const recent = new RecentBatch(new RecentStateStore(deps.blobs), source.id, siteIds);
  try {
    while (result.pages < maxRequests && timer.nowMs() < deadlineMs) {
      // The app clock, not the client's: in the local stack providers and app share a virtual clock.
      const step = await call((timeoutMs) => reader.next({ timeoutMs, now: deps.clock.now() }), quarantinePage);
      result.pages++;
      result.received += step.records.length;
      result.withoutValue += step.withoutValue;
      const { outcomes, valid } = await ingestPage(step.records, {
        source,
        siteIds,
        blobs: deps.blobs,
        clock: deps.clock,
        quarantine,
        concurrency,
        maxImagePixels,
        expectDuplicates: step.rereads === true,
        backfill: current === undefined,
        recent,
        fetchImage: (imageUrl, maxBytes) =>
          call((timeoutMs) => deps.provider.image(imageUrl, { maxBytes, timeoutMs, now: deps.clock.now() })),
      });
      for (const outcome of outcomes) result[outcome]++;

      const next = step.watermark ?? (step.done ? latestPublished(valid) : undefined);
      if (next !== undefined && next > since.toISOString()) {
        // What the pages stored reaches the state before the watermark moves past it.
        await recent.flush(deps.clock.now().getTime());
        since = new Date(next);
        etag = await watermarks.write(
          source.id,
          { since: since.toISOString(), updatedAt: deps.clock.now().toISOString() },
          etag,
        );
        result.to = since.toISOString();
      }
      result.caughtUp = step.done;
      options.onPage?.(result);
      if (result.caughtUp) break;
    }
    await recent.flush(deps.clock.now().getTime());
  } catch (err) {
    // What was stored before the failure is merged if storage lets us; else the retry re-reads it (the watermark
    // did not move past it) and merges it then.
    await recent.flush(deps.clock.now().getTime()).catch(() => undefined);
    // The breaker counts the provider being unwell (retryable failures). A refusal (401, 404, ...) is a configuration
    // problem a cool-down cannot fix: it fails every run loudly instead - unless it answered the trial call.
    if (err instanceof ProviderError && (err.canRetry() || trial)) {
      // Counting the failure must not hide it: a storage outage here leaves the breaker as it was.
      await breaker.recordFailure(err).catch(() => undefined);
    }
    throw err;
  }
  await breaker.recordSuccess();
  return result;
}

/** The newest publishedAt among validated items (already checked not to lie in the future). */
function latestPublished(items: readonly ValidItem[]): string | undefined {
  let latest: string | undefined;
  for (const item of items) if (item.publishedAt && (!latest || item.publishedAt > latest)) latest = item.publishedAt;
  return latest;
}

function describeOpen(state: BreakerState): string {
  const last = state.lastError ? `; last error: ${state.lastError.message}` : '';
  const next =
    state.state === 'half-open'
      ? 'a trial call by another run is under way'
      : `next trial call after ${state.retryAt ?? 'the cool-down'}`;
  return `circuit breaker of "${state.source}" is ${state.state} since ${state.since ?? '?'} after ${state.consecutiveFailures} failed run(s)${last}; ${next}`;
}

/** The options that are set (an explicit undefined must not override a default). */
function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
