import type { RetryDecision } from '../util/RetryDecision';

/** One unset app setting a source's provider refers to. */
export interface UnsetSetting {
  /** The app setting's name, e.g. `WEATHER_KEY`. */
  setting: string;
  /** Where the configuration refers to it, e.g. `sources[2].provider.auth.value`. */
  path: string;
}

/**
 * A source cannot be read because its provider refers to app settings that are not set. Only that source is
 * affected: its ingestion fails with this, health names it, every other function runs. Not retryable: set the setting.
 */
export class SourceNotConfiguredError extends Error implements RetryDecision {
  readonly code = 'SOURCE_NOT_CONFIGURED';
  constructor(
    readonly sourceId: string,
    readonly unset: readonly UnsetSetting[],
  ) {
    super(
      `source "${sourceId}" is not configured: ${unset.map((u) => `${u.path} refers to the app setting "${u.setting}", which is not set`).join('; ')}`,
    );
    this.name = 'SourceNotConfiguredError';
  }

  canRetry(): boolean {
    return false;
  }
}
