import { existsSync, readFileSync, writeFileSync } from 'node:fs';

/** Marks a local.settings.json written by `npm run emulators`, so it is replaced next time and removed on stop. */
export const WRITTEN_BY = 'npm run emulators';

/** local.settings.json as Core Tools reads it. */
export interface CoreToolsSettings {
  IsEncrypted: false;
  Values: Record<string, string>;
  Host: { LocalHttpPort: number };
}

/**
 * The local.settings.json that lets `func start` run this app against the emulators: the stack's app settings plus
 * what Core Tools needs (`FUNCTIONS_WORKER_RUNTIME`), every value a string.
 */
export function coreToolsSettings(appSettings: Readonly<Record<string, string>>, httpPort: number): CoreToolsSettings {
  return {
    IsEncrypted: false,
    Values: { FUNCTIONS_WORKER_RUNTIME: 'node', ...appSettings, LOCAL_SETTINGS_WRITTEN_BY: WRITTEN_BY },
    Host: { LocalHttpPort: httpPort },
  };
}

/** A local.settings.json that someone else wrote is in the way: it is theirs, so it is left alone. */
export class ForeignSettingsFileError extends Error {
  readonly code = 'FOREIGN_SETTINGS_FILE';
  constructor(file: string) {
    super(
      `${file} exists and was not written by \`${WRITTEN_BY}\`; move it aside (it may hold your own settings) and run again`,
    );
    this.name = 'ForeignSettingsFileError';
  }
}

/** Whether the file at `file` was written by us (or is absent). */
export function ownsSettingsFile(file: string): boolean {
  if (!existsSync(file)) return true;
  try {
    return (
      (JSON.parse(readFileSync(file, 'utf8')) as { Values?: Record<string, unknown> }).Values?.[
        'LOCAL_SETTINGS_WRITTEN_BY'
      ] === WRITTEN_BY
    );
  } catch {
    return false;
  }
}

/** Writes the settings (owner-only: they hold the emulators' keys), refusing to replace a file someone else wrote. */
export function writeCoreToolsSettings(file: string, settings: CoreToolsSettings): void {
  if (!ownsSettingsFile(file)) throw new ForeignSettingsFileError(file);
  writeFileSync(file, `${JSON.stringify(settings, null, 2)}\n`, { mode: 0o600 });
}
