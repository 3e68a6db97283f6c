/** A request the Open-Meteo example refuses; sent as Open-Meteo does: `{"error": true, "reason": "..."}`. */
export class OpenMeteoRequestError extends Error {
  constructor(
    readonly status: 400 | 401 | 404 | 405,
    /** The `reason` text, worded as Open-Meteo words it where its source shows the wording. */
    readonly reason: string,
  ) {
    super(reason);
    this.name = 'OpenMeteoRequestError';
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
