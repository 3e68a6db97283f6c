import { OnnxModelRuntime } from '../shared/models/OnnxModelRuntime';
import type { Services } from '../shared/runtime/createServices';
import { type TrainReport, trainAndPublish } from '../shared/training/trainAndPublish';
import { significant } from '../shared/util/significant';

/** The first model's boosting: 100 rounds at a learning rate of 0.1 (the defaults are 200 at 0.05). */
export const FIRST_MODEL_GBDT = { nEstimators: 100, learningRate: 0.1 } as const;

/**
 * Trains the first registry version from the backfilled history with the default options (but faster boosting) and
 * the same promotion rule as `npm run train` and the retrain pipeline, so a new user sees a trained model and not
 * only persistence. Nothing is promoted unless it beats persistence on a held-out set large enough to judge.
 */
export function trainFirstModel(
  services: Services,
  onProgress?: (step: string, done: number, total: number) => void,
): Promise<TrainReport> {
  return trainAndPublish(
    {
      config: services.config,
      blobs: services.blobs,
      clock: services.clock,
      runtime: new OnnxModelRuntime(),
      registry: services.registry,
      ...(onProgress ? { onProgress } : {}),
    },
    // Half the boosting rounds at twice the rate: every subset of five sources is 64 models, and a new user should
    // see the first one within seconds (npm run train and the retrain pipeline train the full 200 rounds).
    { codeVersion: 'npm start', gbdt: FIRST_MODEL_GBDT },
  );
}

/**
 * One line on what the first training did: the serving model, its held-out skill per lead against persistence (and
 * smart persistence, for a solar target), and the decision.
 */
export function describeFirstModel(report: TrainReport): string {
  const serving = report.card.models.find((m) => m.id === report.card.serving);
  const perLead = serving?.heldOut.perLead ?? [];
  const skill = perLead.map((l) => `+${l.leadMinutes}m ${significant(l.skill)}`).join(', ');
  const smart =
    perLead.length > 0 && perLead.every((l) => l.smartSkill !== undefined)
      ? `; vs smart persistence ${perLead.map((l) => `+${l.leadMinutes}m ${significant(l.smartSkill as number)}`).join(', ')}`
      : '';
  return (
    `model version ${report.card.version}: ${report.card.models.length} models kept, serving ${report.card.serving} ` +
    `(held-out skill vs persistence ${skill}${smart}); ` +
    (report.promoted
      ? 'promoted: predict uses it from its next run'
      : `not promoted: ${report.reason}; ${smart ? 'smart persistence' : 'persistence'} keeps serving`)
  );
}
