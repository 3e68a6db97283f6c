import type { RetryDecision } from '../../shared/util/RetryDecision';

/** The stable code of each status the Open-Meteo example refuses with. */
const CODES = { 400: 'BAD_PARAMETER', 401: 'UNAUTHORIZED', 404: 'NOT_FOUND', 405: 'METHOD_NOT_ALLOWED' } as const;

/** A request the Open-Meteo example refuses; sent as Open-Meteo does: `{"error": true, "reason": "..."}`. */
export class OpenMeteoRequestError extends Error implements RetryDecision {
  /** Follows the status (the wire format has no code of its own): BAD_PARAMETER, UNAUTHORIZED, NOT_FOUND or METHOD_NOT_ALLOWED. */
  readonly code: (typeof CODES)[keyof typeof CODES];

  constructor(
    readonly status: 400 | 401 | 404 | 405,
    /** The `reason` text, worded as Open-Meteo words it where its source shows the wording. */
    readonly reason: string,
  ) {
    super(reason);
    this.name = 'OpenMeteoRequestError';
    this.code = CODES[status];
  }

  /** The same request fails again. */
  canRetry(): boolean {
    return false;
  }

  /** The JSON error object of the documentation. */
  toBody(): { error: true; reason: string } {
    return { error: true, reason: this.reason };
  }
}
