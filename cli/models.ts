import { ModelRegistry } from '../shared/registry/ModelRegistry';
import { RegistryError } from '../shared/registry/RegistryError';
import { clockFromSettings } from '../shared/time/clockFromSettings';
import { significant } from '../shared/util/significant';
import { blobStoreFromSettings } from './blobStoreFromSettings';
import { cliSettings, requireStorage } from './cliSettings';

const USAGE = `npm run models -- <command>

  list               every version with its models and held-out RMSE; * marks the champion
  promote <version>  make <version> the champion (predict uses it from its next run)
  rollback           move the champion pointer back to the previous champion`;

/** The registry over the storage account named by the settings (connection string locally, identity in Azure). */
export function registryFromSettings(settings: Record<string, string | undefined>): ModelRegistry {
  return new ModelRegistry(blobStoreFromSettings(settings), clockFromSettings(settings));
}

export async function runModels(
  argv: string[],
  settings = cliSettings(),
  out: (line: string) => void = console.log,
): Promise<void> {
  const [command, arg] = argv;
  if (command === '--help' || command === '-h' || command === 'help') return out(USAGE);
  if (command !== 'list' && command !== 'promote' && command !== 'rollback')
    throw new Error(`${command ? `unknown command "${command}"` : 'no command'}\n\n${USAGE}`);
  requireStorage(settings);
  const registry = registryFromSettings(settings);
  switch (command) {
    case 'list': {
      const champion = (await registry.champion())?.pointer;
      const cards = await registry.versions();
      if (cards.length === 0) return out('no model versions yet; run `npm run train`');
      for (const card of cards) {
        const serving = card.models.find((m) => m.id === card.serving);
        const rmse = serving?.heldOut.perLead.map((l) => `+${l.leadMinutes}m ${significant(l.rmse)}`).join(' ') ?? '';
        const mark = champion?.version === card.version ? '*' : ' ';
        out(
          `${mark} ${card.version}  ${card.models.length} model(s), serving ${card.serving}  held-out RMSE ${rmse}  trained on ${card.trainingWindow.from.slice(0, 10)}..${card.trainingWindow.to.slice(0, 10)}`,
        );
      }
      if (champion) out(`champion: ${champion.version} (since ${champion.promotedAt}: ${champion.reason})`);
      return;
    }
    case 'promote': {
      if (!arg) throw new Error(`promote needs a version\n\n${USAGE}`);
      const p = await registry.promote(arg, 'promoted by hand');
      return out(`champion is now ${p.version}`);
    }
    case 'rollback': {
      const p = await registry.rollback();
      return out(`champion rolled back to ${p.version}`);
    }
    default:
      throw new Error(`${command ? `unknown command "${command}"` : 'no command'}\n\n${USAGE}`);
  }
}

if (require.main === module) {
  runModels(process.argv.slice(2)).catch((err: unknown) => {
    const message = err instanceof RegistryError || err instanceof Error ? err.message : String(err);
    console.error(message);
    process.exitCode = 1;
  });
}
