import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { ForecastConfig } from '../shared/config/ForecastConfig';
import { loadConfig } from '../shared/config/loadConfig';
import type { BlobStore } from '../shared/storage/BlobStore';
import type { Clock } from '../shared/time/Clock';
import { clockFromSettings } from '../shared/time/clockFromSettings';
import { blobStoreFromSettings } from './blobStoreFromSettings';
import { PROJECT_ROOT, requireStorage } from './cliSettings';

/** What a command that works on stored data needs: the account's blobs, the app's configuration and clock. */
export interface StorageCliDeps {
  blobs: BlobStore;
  config: ForecastConfig;
  clock: Clock;
}

/**
 * The deployed account (AzureWebJobsStorage__blobServiceUri with the operator's identity) or the running local stack,
 * the configuration with stand-ins for provider settings (nothing here calls a provider), and the app's clock.
 */
export function storageCliDeps(settings: Record<string, string | undefined>): StorageCliDeps {
  requireStorage(settings);
  return {
    blobs: blobStoreFromSettings(settings),
    config: loadConfig(offlineSettings(settings), PROJECT_ROOT),
    clock: clockFromSettings(settings),
  };
}

/**
 * The settings with a stand-in for every `%NAME%` the configuration refers to that is not set: replay reads stored
 * pictures and never calls a provider, so their endpoints and keys need not be on the operator's machine.
 */
export function offlineSettings(
  settings: Record<string, string | undefined>,
  appRoot = PROJECT_ROOT,
): Record<string, string | undefined> {
  const path = settings['FORECAST_CONFIG'] || 'config/solar-park.json';
  let text: string;
  try {
    text = readFileSync(isAbsolute(path) ? path : resolve(appRoot, path), 'utf8');
  } catch {
    return settings; // loadConfig says what is wrong with the path
  }
  const filled = { ...settings };
  for (const [, name] of text.matchAll(/"%([A-Za-z0-9_]+)%"/g)) {
    if (name && !filled[name])
      filled[name] = name.endsWith('_ENDPOINT')
        ? 'https://provider-not-called-by-replay.invalid/'
        : 'not-used-by-replay';
  }
  return filled;
}
