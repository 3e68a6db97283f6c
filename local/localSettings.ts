import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { ScaledClockOptions } from '../shared/time/ScaledClock';

/** What the local stack's app settings are made of. */
export interface LocalSettingsInput {
  /** The configuration file (its sources decide which provider settings exist). */
  configPath: string;
  azuriteConnectionString: string;
  cosmosEndpoint: string;
  cosmosKey: string;
  /** Base URL of each provider by source id. */
  providerUrls: Record<string, string>;
  /** The shared virtual clock; without it, every process runs on the wall clock (Core Tools' timers do). */
  clock?: ScaledClockOptions;
  /** Ingest schedule for every source (NCRONTAB with seconds). */
  ingestSchedule?: string;
  /** Predict schedule; should fire once per issue slot. */
  predictSchedule?: string;
  worldSeed?: number;
}

export const DEFAULT_LOCAL_SCHEDULES = {
  /** Providers publish every 10 minutes; reading every 5 halves the extra wait. */
  ingest: '0 */5 * * * *',
  predict: '0 */10 * * * *',
  /** Daily; reads the budget (not configured locally: it records that). */
  costWatch: '0 0 6 * * *',
  /** Daily, after the day before's late records: folds closed days into one blob per source and day. */
  compact: '0 30 3 * * *',
} as const;

/** `site-meter` -> `SITE_METER`: the prefix of a source's app settings. */
export function settingPrefix(sourceId: string): string {
  return sourceId.toUpperCase().replace(/-/g, '_');
}

/**
 * The app settings of the local stack, as local.settings.json would hold them: connections to the emulators, each
 * source's `<PREFIX>_ENDPOINT`, `<PREFIX>_KEY` and `INGEST_<PREFIX>_SCHEDULE`, the predict schedule and the shared
 * virtual clock. Provider keys are fresh random strings each start, known only to the app and the providers.
 */
export function localSettings(input: LocalSettingsInput): Record<string, string> {
  const raw = JSON.parse(readFileSync(input.configPath, 'utf8')) as { sources?: { id?: unknown }[] };
  const settings: Record<string, string> = {
    FORECAST_CONFIG: input.configPath,
    AzureWebJobsStorage: input.azuriteConnectionString,
    COSMOS_ENDPOINT: input.cosmosEndpoint,
    COSMOS_KEY: input.cosmosKey,
    PREDICT_SCHEDULE: input.predictSchedule ?? DEFAULT_LOCAL_SCHEDULES.predict,
    COST_WATCH_SCHEDULE: DEFAULT_LOCAL_SCHEDULES.costWatch,
    COMPACT_SCHEDULE: DEFAULT_LOCAL_SCHEDULES.compact,
    ...(input.clock
      ? {
          CLOCK_SPEED: String(input.clock.speed),
          CLOCK_VIRTUAL_START: input.clock.virtualStart.toISOString(),
          CLOCK_REAL_START: String(input.clock.realStartMs),
        }
      : {}),
    WORLD_SEED: String(input.worldSeed ?? 42),
  };
  for (const source of raw.sources ?? []) {
    if (typeof source.id !== 'string') continue;
    const prefix = settingPrefix(source.id);
    const url = input.providerUrls[source.id];
    if (url) settings[`${prefix}_ENDPOINT`] = url;
    settings[`${prefix}_KEY`] = randomBytes(18).toString('base64url');
    settings[`INGEST_${prefix}_SCHEDULE`] = input.ingestSchedule ?? DEFAULT_LOCAL_SCHEDULES.ingest;
  }
  return settings;
}
