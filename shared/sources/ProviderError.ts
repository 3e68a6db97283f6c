/** A provider call failed. Retryable unless the provider refused the request itself (4xx other than 408/429). */
export class ProviderError extends Error {
  readonly code = 'PROVIDER_FAILED';
  constructor(
    readonly source: string,
    message: string,
    /** HTTP status, when the provider answered. */
    readonly status?: number,
  ) {
    super(`provider "${source}": ${message}`);
    this.name = 'ProviderError';
  }

  canRetry(): boolean {
    return this.status === undefined || this.status >= 500 || this.status === 408 || this.status === 429;
  }
}
