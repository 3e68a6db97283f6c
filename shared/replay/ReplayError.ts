import type { RetryDecision } from '../util/RetryDecision';

/** Stable codes of replay failures. */
export type ReplayErrorCode =
  | 'FILE_UNREADABLE'
  | 'BAD_ROW'
  | 'BAD_TIME'
  | 'BAD_VALUE'
  | 'MISSING_COLUMN'
  | 'UNIT_MISMATCH'
  | 'BAD_TIME_ZONE'
  | 'NO_DATA'
  | 'BAD_PATTERN';

/** Where in a file the problem is (1-based line and column, as an editor shows them). */
export interface ReplayErrorLocation {
  file: string;
  line?: number;
  column?: string;
}

/**
 * A replayed history file cannot be used as it is. Not retryable: the file (or its replay spec) must change.
 * The message names the file, the line and the column, and quotes the bad value.
 */
export class ReplayError extends Error implements RetryDecision {
  constructor(
    readonly code: ReplayErrorCode,
    message: string,
    readonly location?: ReplayErrorLocation,
  ) {
    super(
      location
        ? `${location.file}${location.line === undefined ? '' : `:${location.line}`}${location.column === undefined ? '' : ` column "${location.column}"`}: ${message}`
        : message,
    );
    this.name = 'ReplayError';
  }

  canRetry(): boolean {
    return false;
  }
}
