import type { RetryDecision } from '../util/RetryDecision';

/** What the coordinator (the `predict` timer) asks of one predict shard: make its sites for an issue slot. */
export interface PredictShardMessage {
  version: 1;
  /** The issue slot the coordinator ran for (ISO 8601, UTC). */
  issueTime: string;
  /** 0-based index of the shard in the coordinator's plan. */
  shard: number;
  /** How many shards the coordinator's plan had; a shard of another plan is refused. */
  shards: number;
}

/** A queue message that is no predict shard message, or one of another plan. Never retried: it cannot succeed. */
export class PredictShardMessageError extends Error implements RetryDecision {
  readonly code = 'BAD_SHARD_MESSAGE';
  constructor(message: string) {
    super(message);
    this.name = 'PredictShardMessageError';
  }
  canRetry(): boolean {
    return false;
  }
}

/** The message as text for the queue. */
export function formatShardMessage(message: PredictShardMessage): string {
  return JSON.stringify(message);
}

/**
 * Reads a queue message into a shard message: the text (or the object the Functions worker already parsed from
 * JSON) must carry version 1, an ISO issue time and a shard index below a positive shard count. Throws a
 * PredictShardMessageError naming the bad value and what was expected.
 */
export function parseShardMessage(entry: unknown): PredictShardMessage {
  let body = entry;
  if (Buffer.isBuffer(body)) body = body.toString('utf8');
  if (typeof body === 'string') {
    try {
      body = JSON.parse(body);
    } catch {
      throw new PredictShardMessageError(
        `predict shard message is not JSON: ${quote(body)}; expected {"version":1,"issueTime":"<ISO time>","shard":<n>,"shards":<n>}`,
      );
    }
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new PredictShardMessageError(`predict shard message must be a JSON object, got ${quote(body)}`);
  const m = body as Record<string, unknown>;
  if (m['version'] !== 1)
    throw new PredictShardMessageError(`predict shard message "version" must be 1, got ${quote(m['version'])}`);
  const issueTime = m['issueTime'];
  if (typeof issueTime !== 'string' || !ISO.test(issueTime) || !Number.isFinite(Date.parse(issueTime)))
    throw new PredictShardMessageError(
      `predict shard message "issueTime" must be an ISO 8601 UTC time such as 2026-06-01T12:00:00.000Z, got ${quote(issueTime)}`,
    );
  const shards = m['shards'];
  if (typeof shards !== 'number' || !Number.isInteger(shards) || shards < 1)
    throw new PredictShardMessageError(
      `predict shard message "shards" must be a whole number of at least 1, got ${quote(shards)}`,
    );
  const shard = m['shard'];
  if (typeof shard !== 'number' || !Number.isInteger(shard) || shard < 0 || shard >= shards)
    throw new PredictShardMessageError(
      `predict shard message "shard" must be a whole number from 0 to ${shards - 1}, got ${quote(shard)}`,
    );
  return { version: 1, issueTime: new Date(issueTime).toISOString(), shard, shards };
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?Z$/;

function quote(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
