import type { Clock } from '../../shared/time/Clock';
import type { HostLogSink } from './hostLog';

/** Options of the local Functions host. */
export interface HostOptions {
  /** Folder with the app's package.json (whose `main` names the entry files) and host.json. */
  appRoot: string;
  /** The time the timers follow; a ScaledClock runs them faster than real time. */
  clock: Clock;
  /** App settings for `%NAME%` references and binding connections (default: process.env). */
  settings?: Readonly<Record<string, string | undefined>>;
  /** HTTP port; 0 picks a free one. */
  httpPort?: number;
  /** Interface the HTTP server listens on. */
  httpHost?: string;
  /** Real milliseconds between listings of a blob-trigger container. */
  blobPollIntervalMs?: number;
  /** Blob-trigger invocations that may run at once. */
  blobConcurrency?: number;
  /** Attempts per blob before it is reported as poison (Azure: 5). */
  blobMaxAttempts?: number;
  /** Real milliseconds before the first retry of a failed blob; doubles each time. */
  blobRetryDelayMs?: number;
  /** Real milliseconds between polls of an empty trigger queue (Azure backs off up to a minute). */
  queuePollIntervalMs?: number;
  /** Queue messages run at once per queue-trigger function (default: host.json's `extensions.queues.batchSize`, else 4). */
  queueBatchSize?: number;
  /** Deliveries of a queue message before it moves to `<queue>-poison` (default: host.json's `maxDequeueCount`, else 5). */
  queueMaxDequeueCount?: number;
  /** Real milliseconds a failed queue message waits before its next delivery. */
  queueRetryDelayMs?: number;
  /** Host id in blob receipt paths (default: the AzureFunctionsWebHost__hostid setting, else from the app's name). */
  hostId?: string;
  /** Where log lines go (default: the console, information and above). */
  log?: HostLogSink;
}

/** Defaults of the optional fields of {@link HostOptions}. */
export const DEFAULT_HOST_OPTIONS = {
  httpPort: 7071,
  httpHost: '127.0.0.1',
  blobPollIntervalMs: 500,
  blobConcurrency: 4,
  blobMaxAttempts: 5,
  blobRetryDelayMs: 2_000,
  queuePollIntervalMs: 500,
  /** Two cores locally: a few shards at once, not Azure's 16. */
  queueBatchSize: 4,
  queueMaxDequeueCount: 5,
  queueRetryDelayMs: 2_000,
} as const;
