import type { ForecastConfig } from '../shared/config/ForecastConfig';
import { isPictureBatchName } from '../shared/features/PictureBatch';
import { preprocessBatch } from '../shared/features/preprocessBatch';
import { type PreprocessOutcome, preprocessPictures } from '../shared/features/preprocessPictures';
import { type BlobStore, CONTAINERS } from '../shared/storage/BlobStore';
import type { Clock } from '../shared/time/Clock';
import { cliSettings } from './cliSettings';
import { DEAD_LETTER_CONTAINER, DeadLetterFormatError, deadLetteredImages } from './deadLetteredImages';
import { parseCliArgs } from './parseCliArgs';
import { storageCliDeps } from './storageCliDeps';

export { offlineSettings } from './storageCliDeps';

const USAGE = `npm run replay -- [options]

Preprocesses the camera pictures named by the events Event Grid dead-lettered (container ${DEAD_LETTER_CONTAINER}/):
the pictures of each manifest an event names (images/_batches/...), or the picture itself (events of older
deployments), with preprocess-image's own code: a picture whose features exist is not decoded again, a broken one
goes to quarantine. Storage: AzureWebJobsStorage__blobServiceUri (your Azure identity) or the running local stack.

  --prefix <path>   only dead letters under this prefix, e.g. PREPROCESS-IMAGE-BLOB-CREATED/2026/12/3/
  --dry-run         list the blobs they name, change nothing
  --delete          delete each dead letter once every picture it names is settled
  -h, --help        this text`;

/** What a replay did. */
export interface ReplayResult {
  deadLetters: number;
  /** Blobs the dead letters name: manifests, or pictures (older deployments' events). */
  pictures: number;
  /** Per picture (a manifest's pictures each count). */
  outcomes: Record<PreprocessOutcome['status'] | 'failed', number>;
  deleted: number;
  /** Dead letters kept because a picture failed or the blob is not Event Grid's format, with why. */
  kept: string[];
}

/** What replay runs against: the local stack or the deployed account, the app's configuration and clock. */
export interface ReplayDeps {
  blobs: BlobStore;
  config: ForecastConfig;
  clock: Clock;
}

export async function runReplay(
  argv: string[],
  settings = cliSettings(),
  out: (line: string) => void = console.log,
  deps?: ReplayDeps,
): Promise<ReplayResult | undefined> {
  const { values } = parseCliArgs(
    {
      args: argv,
      options: {
        prefix: { type: 'string', default: '' },
        'dry-run': { type: 'boolean', default: false },
        delete: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      allowPositionals: false,
    },
    USAGE,
  );
  if (values.help) {
    out(USAGE);
    return undefined;
  }
  const { blobs, config, clock } = deps ?? storageCliDeps(settings);
  const dryRun = values['dry-run'];
  const result: ReplayResult = {
    deadLetters: 0,
    pictures: 0,
    outcomes: { stored: 0, duplicate: 0, quarantined: 0, ignored: 0, missing: 0, failed: 0 },
    deleted: 0,
    kept: [],
  };
  const done = new Map<string, boolean>();

  for await (const letter of blobs.list(DEAD_LETTER_CONTAINER, values.prefix)) {
    result.deadLetters++;
    const content = await blobs.get(DEAD_LETTER_CONTAINER, letter.name);
    if (!content) continue;
    let named;
    try {
      named = deadLetteredImages(letter.name, content.body.toString('utf8'), CONTAINERS.images);
    } catch (err) {
      if (!(err instanceof DeadLetterFormatError)) throw err;
      result.kept.push(err.message);
      out(err.message);
      continue;
    }
    out(
      `${letter.name}: ${named.images.length} blob(s)${named.reasons.length ? ` (${[...new Set(named.reasons)].join(', ')})` : ''}${named.skipped ? `, ${named.skipped} other event(s) skipped` : ''}`,
    );
    let settled = true;
    for (const name of named.images) {
      if (!done.has(name)) {
        result.pictures++;
        done.set(name, dryRun ? true : await replayNamed(name, { blobs, config, clock }, result, out));
      }
      settled &&= done.get(name) === true;
    }
    if (dryRun) continue;
    if (!settled) {
      result.kept.push(`${letter.name}: a picture failed; kept for the next replay`);
      continue;
    }
    if (values.delete) {
      await blobs.delete(DEAD_LETTER_CONTAINER, letter.name);
      result.deleted++;
    }
  }
  const o = result.outcomes;
  out(
    dryRun
      ? `dry run: ${result.pictures} manifest(s) or picture(s) in ${result.deadLetters} dead letter(s); nothing changed`
      : `${result.deadLetters} dead letter(s) naming ${result.pictures} manifest(s) or picture(s); pictures: ${o.stored} stored, ${o.duplicate} already done, ${o.quarantined} quarantined, ${o.ignored} ignored, ${o.missing} no longer stored, ${o.failed} failed; ${result.deleted} dead letter(s) deleted`,
  );
  return result;
}

/**
 * Preprocesses what one dead-lettered event names: a manifest's pictures, or one picture (an older deployment's
 * event). True when it is settled (done, quarantined, ignored or gone), false when it failed.
 */
async function replayNamed(
  name: string,
  deps: ReplayDeps,
  result: ReplayResult,
  out: (line: string) => void,
): Promise<boolean> {
  try {
    let outcomes: PreprocessOutcome[];
    if (isPictureBatchName(name)) {
      const manifest = await deps.blobs.get(CONTAINERS.images, name);
      if (!manifest) {
        result.outcomes.missing++;
        out(`  ${name}: manifest no longer stored (deleted since); nothing to replay`);
        return true;
      }
      // What preprocess-image itself does with a manifest.
      const batch = await preprocessBatch(name, manifest.body, deps);
      if (batch.ignored !== undefined) {
        result.outcomes.ignored++;
        out(`  ${name}: ignored (${batch.ignored})`);
        return true;
      }
      out(`  ${name}: manifest of ${batch.pictures.length} picture(s)`);
      outcomes = batch.pictures;
    } else outcomes = await preprocessPictures([name], deps);
    for (const outcome of outcomes) {
      result.outcomes[outcome.status]++;
      out(`  ${outcome.picture}: ${outcome.status}${'reason' in outcome ? ` (${outcome.reason})` : ''}`);
    }
    return true;
  } catch (err) {
    result.outcomes.failed++;
    out(`  ${name}: failed: ${(err as Error).message}`);
    return false;
  }
}

if (require.main === module) {
  runReplay(process.argv.slice(2))
    .then((r) => {
      if (r && r.kept.length > 0) process.exitCode = 1;
    })
    .catch((err: unknown) => {
      console.error(err instanceof Error ? err.message : String(err));
      process.exitCode = (err as { exitCode?: number }).exitCode ?? 1;
    });
}
