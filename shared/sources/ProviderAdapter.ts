import type { ReceivedImage } from './ProviderClient';
import type { ReceivedRecord } from './parsePageBody';

/** A record as an adapter hands it to ingestion: the item in our wire shape and the provider's own text of it. */
export interface AdapterRecord extends ReceivedRecord {
  /** Why the mapping could not make an item of it; the record is quarantined with this reason. */
  rejected?: string;
  /** A picture that came with the record (a snapshot), with its SHA-256 (hex): the same picture is stored once. */
  image?: ReceivedImage & { sha256: string };
}

/** What one request of a run brought. */
export interface ProviderStep {
  /** What was asked (`GET /site/123/power 2026-06-01T10:00:00Z..2026-06-01T12:00:00Z`), for logs and the dry run; no secret. */
  request: string;
  records: AdapterRecord[];
  /** Records the mapping left out because they carry no value (a null at night, with `nulls: "skip"`). */
  withoutValue: number;
  /** The watermark once this step is stored; undefined: the newest publishedAt of its valid items (native). */
  watermark?: string;
  /** The run has nothing more to ask. */
  done: boolean;
  /** The answer re-reads values that may be stored already (a window's overlap), so duplicates are expected. */
  rereads?: boolean;
  /** Size of the answer, bytes. */
  bytes: number;
}

/** Per-call settings of a step. */
export interface StepCall {
  /** Per-request timeout, ms (callers lower it to stay inside a time budget). */
  timeoutMs: number;
  /** The app's now (virtual in the local stack). */
  now: Date;
}

/** One run's sequence of requests. */
export interface ProviderReader {
  /**
   * Makes the next request and maps its answer. A failure throws a ProviderError and does not move on, so calling
   * again repeats the same request (the retries are the caller's).
   */
  next(call: StepCall): Promise<ProviderStep>;
}

/** Where a run starts and what it may cover. */
export interface ReadPlan {
  /** The stored watermark (ISO), or undefined when the source was never read. */
  watermark: string | undefined;
  /** Where a source that was never read starts. */
  initialSince: Date;
  /** The run's now: windows end here. */
  now: Date;
  /**
   * When the provider last failed a run. A window read keeps its watermark for the overlap after that, so a backlog
   * a recovering provider releases over several minutes is read in full.
   */
  lastFailureAt?: Date | undefined;
  /** Only these sites (the dry run's `--site`); default all. */
  sites?: readonly string[];
  /** Ask for this window instead of the one the watermark implies (the dry run's `--from/--to`). */
  window?: { from: Date; to: Date };
}

/**
 * The port ingestion reads a provider through, whatever its protocol: our native wire format (ProviderClient), a
 * time-window JSON or CSV API (WindowAdapter), a camera's snapshot URL (SnapshotAdapter). The dry run
 * (`npm run provider -- try`) uses the same adapters.
 */
export interface ProviderAdapter {
  readonly source: string;
  readonly protocol: 'native' | 'http-json' | 'http-csv' | 'snapshot';
  /** The configured per-request timeout, ms. */
  readonly timeoutMs: number;
  /** At most this many requests per run. */
  readonly maxRequestsPerRun: number;
  reader(plan: ReadPlan): ProviderReader;
  /** The bytes behind an item's `imageUrl` (native image sources), at most `maxBytes` + 1 of them. */
  image(imageUrl: string, call: StepCall & { maxBytes: number }): Promise<ReceivedImage>;
}
