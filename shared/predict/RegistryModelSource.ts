import type { ModelRuntime } from '../models/ModelRuntime';
import type { ExpectedErrorTable } from '../registry/ExpectedErrorTable';
import type { ModelRegistry } from '../registry/ModelRegistry';
import { RegistryError } from '../registry/RegistryError';
import type { ModelSource, ServingModel } from './ServingModel';
import { orderCandidates } from './orderCandidates';

/**
 * The champion's models, reloaded only when the champion pointer moves (checked on every run: one small read),
 * followed by the fallback. A champion that cannot be loaded is reported and the models already loaded keep
 * serving, so a bad promotion never stops the forecasts.
 */
export class RegistryModelSource implements ModelSource {
  private loaded:
    { version: string; models: ServingModel[]; baselines: Record<string, ExpectedErrorTable> | undefined } | undefined;
  /** The last problem loading a champion, for logs and health. */
  lastError: string | undefined;

  constructor(
    private readonly registry: ModelRegistry,
    private readonly runtime: ModelRuntime,
    private readonly fallback: ModelSource,
  ) {}

  async current(): Promise<ServingModel[]> {
    const champion = await this.registry.champion();
    if (!champion) {
      await this.release();
    } else if (this.loaded?.version !== champion.pointer.version) {
      try {
        const { models, baselines } = await this.load(champion.pointer.version);
        await this.release();
        this.loaded = { version: champion.pointer.version, models, baselines };
        this.lastError = undefined;
      } catch (err) {
        this.lastError = `could not load champion ${champion.pointer.version}: ${(err as Error).message}`;
      }
    }
    return orderCandidates(
      this.loaded?.models ?? [],
      withBaselineTables(await this.fallback.current(), this.loaded?.baselines),
    );
  }

  private async load(
    version: string,
  ): Promise<{ models: ServingModel[]; baselines: Record<string, ExpectedErrorTable> | undefined }> {
    const card = await this.registry.card(version);
    if (!card)
      throw new RegistryError('UNKNOWN_VERSION', `the champion pointer names version "${version}", which has no card`);
    const models: ServingModel[] = [];
    try {
      for (const m of card.models) {
        const loaded = await this.runtime.load(await this.registry.modelBytes(card, m.id));
        models.push({
          id: m.id,
          kind: m.kind,
          version,
          sources: m.sources,
          featureNames: m.inputs,
          ...(m.featureInputs ? { featureInputs: m.featureInputs } : {}),
          leadsMinutes: card.leadsMinutes,
          score: m.heldOut.meanRmse,
          ...(m.intervals ? { intervals: m.intervals } : {}),
          ...(m.expectedError ? { expectedError: m.expectedError } : {}),
          model: loaded,
        });
      }
    } catch (err) {
      await Promise.all(models.map((m) => m.model.release()));
      throw err;
    }
    return { models: models.sort((a, b) => a.score - b.score), baselines: card.baselineExpectedError };
  }

  private async release(): Promise<void> {
    const old = this.loaded;
    this.loaded = undefined;
    await Promise.all(old?.models.map((m) => m.model.release()) ?? []);
  }
}

/**
 * The built-in baselines with their expected-error tables from the champion's card (matched by kind), so the
 * chooser can weigh persistence of an old target value against the trained models; as they are without a card's.
 */
export function withBaselineTables(
  builtIns: readonly ServingModel[],
  tables: Readonly<Record<string, ExpectedErrorTable>> | undefined,
): ServingModel[] {
  return builtIns.map((m) => {
    const table = tables?.[m.kind];
    return table ? { ...m, expectedError: table } : m;
  });
}
