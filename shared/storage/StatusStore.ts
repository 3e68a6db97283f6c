import { type BlobStore, CONTAINERS } from './BlobStore';

/** The outcome of the last run of a function, for /api/health. */
export interface RunStatus {
  at: string;
  ok: boolean;
  /** A one-line summary (counts) or the error message. */
  summary: string;
  details?: Record<string, unknown>;
}

/** Last-run records in the state container: small blobs, overwritten on every run. */
export class StatusStore {
  constructor(private readonly blobs: BlobStore) {}

  async record(name: string, status: RunStatus): Promise<void> {
    await this.blobs.put(CONTAINERS.state, `status/${name}.json`, JSON.stringify(status), {
      contentType: 'application/json',
    });
  }

  /** Records a run without ever failing the run itself (the status is a report, not the work). */
  async recordQuietly(name: string, status: RunStatus): Promise<void> {
    await this.record(name, status).catch(() => undefined);
  }

  /**
   * The last record, or undefined when there is none or it is unreadable (a report must not stop the work it
   * reports on). Storage failures are thrown: callers that rely on the record (predict's catch-up) must not
   * mistake an outage for "no record".
   */
  async read(name: string): Promise<RunStatus | undefined> {
    const blob = await this.blobs.get(CONTAINERS.state, `status/${name}.json`);
    if (!blob) return undefined;
    try {
      const status: unknown = JSON.parse(blob.body.toString('utf8'));
      return typeof status === 'object' && status !== null && !Array.isArray(status)
        ? (status as RunStatus)
        : undefined;
    } catch {
      return undefined;
    }
  }
}
