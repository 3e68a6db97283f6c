import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The project root (cli/ is compiled to dist/cli/). */
export const PROJECT_ROOT = resolve(__dirname, '../..');

/** Where `npm start` writes the running local stack's app settings, as local.settings.json does for Core Tools. */
export const LOCAL_SETTINGS_FILE = join(PROJECT_ROOT, '.local', 'local.settings.json');

/**
 * The settings a command-line tool runs with: the environment (a pipeline sets it), completed by the running local
 * stack's settings when there are any, so `npm run train` works beside `npm start` with no setup.
 */
export function cliSettings(
  env: NodeJS.ProcessEnv = process.env,
  file = LOCAL_SETTINGS_FILE,
): Record<string, string | undefined> {
  if (!existsSync(file)) return { ...env };
  const local = (JSON.parse(readFileSync(file, 'utf8')) as { Values?: Record<string, string> }).Values ?? {};
  return { ...local, ...env };
}

/**
 * Stops a command that reads the stored data when there is none to read: no running local stack and no storage
 * account named in the environment. One line that says what to do, instead of every missing setting.
 */
export function requireStorage(
  settings: Readonly<Record<string, string | undefined>>,
  file = LOCAL_SETTINGS_FILE,
): void {
  if (settings['AzureWebJobsStorage'] || settings['AzureWebJobsStorage__blobServiceUri']) return;
  throw new Error(
    existsSync(file)
      ? `${file} names no storage account (AzureWebJobsStorage); restart the local stack with \`npm start\``
      : 'no stored data to read: start the local stack with `npm start` (and leave it running), or set AzureWebJobsStorage (a connection string) or AzureWebJobsStorage__blobServiceUri (a deployed account, with your Azure identity)',
  );
}
