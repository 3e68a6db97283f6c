import { progressBar } from '../local/progressBar';
import { loadConfig } from '../shared/config/loadConfig';
import { OnnxModelRuntime } from '../shared/models/OnnxModelRuntime';
import { clockFromSettings } from '../shared/time/clockFromSettings';
import { DEFAULT_TRAIN_OPTIONS, trainAndPublish, type TrainReport } from '../shared/training/trainAndPublish';
import { parseCliArgs } from './parseCliArgs';
import { cliSettings, PROJECT_ROOT, requireStorage } from './cliSettings';
import { codeVersion } from './codeVersion';
import { significant } from '../shared/util/significant';
import { blobStoreFromSettings } from './blobStoreFromSettings';
import { ModelRegistry } from '../shared/registry/ModelRegistry';

const USAGE = `npm run train -- [--days N] [--held-out F] [--sets all|every-subset] [--trees N]

Trains on what ingestion stored (the running local stack's storage, or the one the environment names), evaluates on
a held-out window after the training window, publishes a new registry version, and promotes it only if it beats
the champion on every lead over the same held-out rows.

  --days N        days of history (default ${DEFAULT_TRAIN_OPTIONS.historyDays})
  --held-out F    share of the window held out, 0.05-0.5 (default ${DEFAULT_TRAIN_OPTIONS.heldOutFraction})
  --sets S        'every-subset' (a model per subset of sources, plus a baseline) or 'all' (default ${DEFAULT_TRAIN_OPTIONS.sourceSets})
  --trees N       boosting rounds of the tree models (default 200)`;

/** Runs a training and returns its report (undefined for --help); prints progress and a summary. */
export async function runTrain(
  argv: string[],
  settings = cliSettings(),
  out: (line: string) => void = console.log,
  progress = true,
): Promise<TrainReport | undefined> {
  const { values } = parseCliArgs(
    {
      args: argv,
      options: {
        days: { type: 'string' },
        'held-out': { type: 'string' },
        sets: { type: 'string' },
        trees: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    },
    USAGE,
  );
  if (values.help) {
    out(USAGE);
    return undefined;
  }
  const historyDays = values.days === undefined ? DEFAULT_TRAIN_OPTIONS.historyDays : Number(values.days);
  const heldOutFraction =
    values['held-out'] === undefined ? DEFAULT_TRAIN_OPTIONS.heldOutFraction : Number(values['held-out']);
  const sets = values.sets ?? DEFAULT_TRAIN_OPTIONS.sourceSets;
  const trees = values.trees === undefined ? 200 : Number(values.trees);
  if (!(historyDays >= 1 && historyDays <= 365)) throw new Error(`--days must be from 1 to 365, got "${values.days}"`);
  if (!(heldOutFraction >= 0.05 && heldOutFraction <= 0.5))
    throw new Error(`--held-out must be from 0.05 to 0.5, got "${values['held-out']}"`);
  if (sets !== 'all' && sets !== 'every-subset')
    throw new Error(`--sets must be "all" or "every-subset", got "${sets}"`);
  if (!(Number.isInteger(trees) && trees >= 1 && trees <= 5000))
    throw new Error(`--trees must be an integer from 1 to 5000, got "${values.trees}"`);

  requireStorage(settings);
  const config = loadConfig(settings, PROJECT_ROOT);
  const blobs = blobStoreFromSettings(settings);
  const clock = clockFromSettings(settings);
  const bar = progress ? progressBar('  training [{bar}] {value}/{total} {step}') : undefined;
  const report = await trainAndPublish(
    {
      config,
      blobs,
      clock,
      runtime: new OnnxModelRuntime(),
      registry: new ModelRegistry(blobs, clock),
      onProgress: (step, done, total) => {
        if (bar && !bar.isActive) bar.start(total, 0, { step });
        bar?.update(done, { step });
      },
    },
    {
      historyDays,
      heldOutFraction,
      sourceSets: sets,
      gbdt: { nEstimators: trees },
      codeVersion: codeVersion(PROJECT_ROOT, settings),
    },
  );
  bar?.stop();
  const { card } = report;
  out(
    `version ${card.version}: trained ${card.trainingWindow.from} .. ${card.trainingWindow.to}, held out ${card.heldOutWindow.from} .. ${card.heldOutWindow.to} (${card.heldOutWindow.rows} rows)`,
  );
  // Skill against smart persistence too, for a solar target (every model is scored on the same held-out rows).
  const smart = card.models[0]?.heldOut.perLead.every((l) => l.smartPersistenceRmse !== undefined) === true;
  out(
    `  ${'model'.padEnd(44)} ${card.leadsMinutes.map((l) => `RMSE +${l}m`.padStart(11)).join(' ')} ${card.leadsMinutes.map((l) => `skill +${l}m`.padStart(12)).join(' ')}${smart ? ` ${card.leadsMinutes.map((l) => `vs smart +${l}m`.padStart(15)).join(' ')}` : ''}`,
  );
  for (const m of card.models) {
    const mark = m.id === card.serving ? '*' : ' ';
    out(
      `${mark} ${m.id.padEnd(44)} ${m.heldOut.perLead.map((l) => significant(l.rmse).padStart(11)).join(' ')} ${m.heldOut.perLead.map((l) => significant(l.skill).padStart(12)).join(' ')}${smart ? ` ${m.heldOut.perLead.map((l) => significant(l.smartSkill ?? Number.NaN).padStart(15)).join(' ')}` : ''}`,
    );
  }
  if (smart)
    out(
      `  ${'smart persistence (reference)'.padEnd(44)} ${(card.models[0]?.heldOut.perLead ?? []).map((l) => significant(l.smartPersistenceRmse ?? Number.NaN).padStart(11)).join(' ')}`,
    );
  if (card.pruned.length > 0) out(`  pruned: ${card.pruned.map((p) => p.id).join(', ')}`);
  out(`${report.promoted ? 'promoted' : 'published, not promoted'}: ${report.reason}`);
  return report;
}

if (require.main === module) {
  runTrain(process.argv.slice(2)).catch((err: unknown) => {
    console.error(`train failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  });
}
