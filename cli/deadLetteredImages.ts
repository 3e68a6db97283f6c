/** Where Event Grid writes the events it could not deliver (bicep/main.bicep's deadLetterContainerName). */
export const DEAD_LETTER_CONTAINER = 'deadletter';

/**
 * The blobs of the images container one dead-letter blob names, and why Event Grid gave up on them: manifests of
 * ingest pages (images/_batches/..., what the subscription delivers now) or pictures (events of older deployments).
 */
export interface DeadLetteredImages {
  /** Blob names inside the images container, in the order the events name them, each once. */
  images: string[];
  /** deadLetterReason of each event (e.g. MaxDeliveryAttemptsExceeded, TimeToLiveExceeded). */
  reasons: string[];
  /** Events that name no blob of the container (another event type or container): skipped. */
  skipped: number;
}

/** A dead-letter blob that is not the JSON array of events Event Grid writes. */
export class DeadLetterFormatError extends Error {
  readonly code = 'DEAD_LETTER_FORMAT';
  constructor(blobName: string, problem: string) {
    super(`dead letter ${blobName}: ${problem}; expected a JSON array of Event Grid events`);
    this.name = 'DeadLetterFormatError';
  }
}

interface DeadLetteredEvent {
  subject?: unknown;
  eventType?: unknown;
  data?: { url?: unknown };
  deadLetterReason?: unknown;
}

/**
 * The pictures a dead-letter blob names. Event Grid writes each blob as a JSON array of events in the subscription's
 * schema (EventGridSchema here), with deadLetterReason added (learn.microsoft.com/azure/event-grid/manage-event-delivery).
 * A BlobCreated event's subject is `/blobServices/default/containers/<container>/blobs/<name>`; its data.url the same
 * blob, URL-encoded, used when the subject is missing.
 */
export function deadLetteredImages(blobName: string, body: string, container: string): DeadLetteredImages {
  let events: unknown;
  try {
    events = JSON.parse(body);
  } catch (err) {
    throw new DeadLetterFormatError(blobName, `not JSON (${(err as Error).message})`);
  }
  if (!Array.isArray(events))
    throw new DeadLetterFormatError(blobName, `a JSON ${events === null ? 'null' : typeof events}`);
  const prefix = `/blobServices/default/containers/${container}/blobs/`;
  const images: string[] = [];
  const reasons: string[] = [];
  let skipped = 0;
  for (const e of events as DeadLetteredEvent[]) {
    const name = e && e.eventType === 'Microsoft.Storage.BlobCreated' ? blobOf(e, prefix, container) : undefined;
    if (name === undefined) {
      skipped++;
      continue;
    }
    if (!images.includes(name)) images.push(name);
    if (typeof e.deadLetterReason === 'string') reasons.push(e.deadLetterReason);
  }
  return { images, reasons, skipped };
}

function blobOf(e: DeadLetteredEvent, prefix: string, container: string): string | undefined {
  if (typeof e.subject === 'string' && e.subject.startsWith(prefix) && e.subject.length > prefix.length)
    return e.subject.slice(prefix.length);
  if (typeof e.data?.url !== 'string') return undefined;
  try {
    const path = new URL(e.data.url).pathname.split('/').slice(1);
    return path[0] === container && path.length > 1 ? path.slice(1).map(decodeURIComponent).join('/') : undefined;
  } catch {
    return undefined;
  }
}
