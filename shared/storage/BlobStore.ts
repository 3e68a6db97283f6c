import type { RetryDecision } from '../util/RetryDecision';

/** A stored blob's properties, as listed. */
export interface BlobItem {
  name: string;
  etag: string;
  lastModified: Date;
  size: number;
  /** Lower-case keys, as Azure returns them. */
  metadata: Record<string, string>;
}

export interface BlobContent {
  body: Buffer;
  etag: string;
  contentType: string | undefined;
  metadata: Record<string, string>;
}

export interface PutOptions {
  contentType?: string;
  /** Keys must be valid C# identifiers (Azure's rule); values ASCII. */
  metadata?: Record<string, string>;
  /** Write only if the blob's ETag still matches (optimistic concurrency). */
  ifMatch?: string;
}

export interface DeleteOptions {
  /** Delete only if the blob's ETag still matches (optimistic concurrency). */
  ifMatch?: string;
}

/** The port the app uses for Blob Storage; adapters: Azure Blob Storage (and Azurite). */
export interface BlobStore {
  /** Writes the blob only if no blob has that name; false when one already did (its content is left as it was). */
  putIfAbsent(container: string, name: string, body: Buffer | string, options?: PutOptions): Promise<boolean>;
  /** Writes (or overwrites) the blob; returns the new ETag. Throws BlobConflictError when `ifMatch` fails. */
  put(container: string, name: string, body: Buffer | string, options?: PutOptions): Promise<string>;
  /** The blob, or undefined when there is none. */
  get(container: string, name: string): Promise<BlobContent | undefined>;
  /** Blobs whose names start with `prefix`, in lexicographic order, with their metadata. */
  list(container: string, prefix: string): AsyncIterable<BlobItem>;
  /**
   * Deletes the blob if it exists; with `ifMatch` only the version read (BlobConflictError when someone changed it
   * since; a blob already gone is no conflict).
   */
  delete(container: string, name: string, options?: DeleteOptions): Promise<void>;
}

/** The containers the app uses; created by the infrastructure (and by the local stack). */
export const CONTAINERS = {
  raw: 'raw',
  images: 'images',
  features: 'features',
  quarantine: 'quarantine',
  models: 'models',
  state: 'state',
  forecasts: 'forecasts',
} as const;

/** A conditional write lost a race: someone else changed the blob first. Retryable. */
export class BlobConflictError extends Error implements RetryDecision {
  readonly code = 'BLOB_CONFLICT';
  constructor(container: string, name: string) {
    super(`blob "${container}/${name}" was changed by someone else (ETag mismatch)`);
    this.name = 'BlobConflictError';
  }
  canRetry(): boolean {
    return true;
  }
}

/** Blob Storage could not be reached or answered with a server error. Retryable. */
export class StorageUnavailableError extends Error implements RetryDecision {
  readonly code = 'STORAGE_UNAVAILABLE';
  constructor(
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = 'StorageUnavailableError';
  }
  canRetry(): boolean {
    return true;
  }
}

/**
 * Blob Storage refused the request (HTTP 400, 401, 403, 404, 409, ...): a missing role, a missing container, a
 * request it will not serve. Not retryable: the same request is refused again until someone fixes the cause.
 */
export class StorageRefusedError extends Error implements RetryDecision {
  readonly code = 'STORAGE_REFUSED';
  constructor(
    /** What was asked, e.g. `write raw/site-meter/...`. */
    readonly operation: string,
    /** The HTTP status of the refusal. */
    readonly status: number,
    /** Blob Storage's own error code, e.g. `AuthorizationPermissionMismatch`, when it sent one. */
    readonly storageCode: string | undefined,
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = 'StorageRefusedError';
  }
  canRetry(): boolean {
    return false;
  }
}
