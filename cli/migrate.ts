import { ConfigError } from '../shared/config/ConfigError';
import { compactClosedDays } from '../shared/sources/compactClosedDays';
import { dayBlobName } from '../shared/sources/compactedDays';
import { observationContainer } from '../shared/sources/ObservationStore';
import { RecentStateStore, recentStateName } from '../shared/sources/RecentStateStore';
import { CONTAINERS } from '../shared/storage/BlobStore';
import { cliSettings } from './cliSettings';
import { parseCliArgs } from './parseCliArgs';
import { type StorageCliDeps, storageCliDeps } from './storageCliDeps';

const USAGE = `npm run migrate -- [options]

Brings stored data to the layout this version reads: builds each source's recent state (the one blob per source and
container that predict and health read instead of listing every site) from the observations stored in the last
hours, in both layouts (one blob per observation, as earlier versions stored them, and the batches this version
writes; every reader reads both, so nothing is rewritten). Idempotent: a second run adds nothing and writes nothing. Storage: AzureWebJobsStorage__blobServiceUri (your
Azure identity) or the running local stack.

  --compact-days <n>  also compact each source's last n closed UTC days (what the daily compact timer does for
                      the last 3): one blob per source and day, batches kept; idempotent, a day with nothing new
                      is listed only
  -h, --help        this text`;

/** One state a migration brought up to date. */
export interface MigratedState {
  blob: string;
  /** Observations added to it (0 when it already held them all). */
  added: number;
}

/** What migrate runs against: the local stack or the deployed account, the app's configuration and clock. */
export type MigrateDeps = StorageCliDeps;

export async function runMigrate(
  argv: string[],
  settings = cliSettings(),
  out: (line: string) => void = console.log,
  deps?: MigrateDeps,
): Promise<MigratedState[] | undefined> {
  const { values } = parseCliArgs(
    {
      args: argv,
      options: { help: { type: 'boolean', short: 'h', default: false }, 'compact-days': { type: 'string' } },
      allowPositionals: false,
    },
    USAGE,
  );
  if (values.help) {
    out(USAGE);
    return undefined;
  }
  const compactDays = values['compact-days'] === undefined ? undefined : Number(values['compact-days']);
  if (compactDays !== undefined && !(Number.isInteger(compactDays) && compactDays >= 1))
    throw new ConfigError(`--compact-days must be a whole number of days, at least 1, not "${values['compact-days']}"`);
  const { blobs, config, clock } = deps ?? storageCliDeps(settings);
  const store = new RecentStateStore(blobs);
  const sites = config.sites.map((s) => s.id);
  const now = clock.now().getTime();
  const migrated: MigratedState[] = [];
  for (const source of config.sources) {
    // What predict reads, and for pictures also what ingestion settles duplicates from.
    const containers = [observationContainer(source), ...(source.kind === 'image' ? [CONTAINERS.images] : [])];
    for (const container of containers) {
      // Entries the picture triggers left in the inbox first, then whatever the blobs hold that the state lacks.
      const added =
        (await store.compact(container, source.id, sites, now)) +
        (await store.rebuild(container, source.id, sites, now));
      const blob = `${CONTAINERS.state}/${recentStateName(container, source.id)}`;
      migrated.push({ blob, added });
      out(`${blob}: ${added === 0 ? 'up to date' : `${added} observation(s) added`}`);
    }
  }
  if (compactDays !== undefined) {
    for (const r of await compactClosedDays({ config, blobs, clock }, { lookbackDays: compactDays }))
      if (r.outcome !== 'empty')
        out(
          `${r.container}/${dayBlobName(r.source, r.day)}: ${r.outcome === 'written' ? `${r.batches} batch(es), ${r.records} record(s)` : r.outcome}`,
        );
  }
  return migrated;
}

if (require.main === module) {
  runMigrate(process.argv.slice(2)).catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exitCode = (err as { exitCode?: number }).exitCode ?? 1;
  });
}
