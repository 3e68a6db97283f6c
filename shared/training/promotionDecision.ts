import type { CardModel, ModelCard } from '../registry/ModelCard';
import { significant } from '../util/significant';
import type { Rows } from './rowsWhere';

/**
 * Promotion that cannot make things worse: the serving model must be judged on enough held-out rows with something
 * to forecast (daylight, for a solar target), beat persistence on every lead there, and beat the champion (when
 * one can be scored) on every lead over the same rows. Otherwise the version is published, not promoted, and what
 * serves now keeps serving.
 */
export function promotionDecision(
  serving: { card: CardModel; heldOut: Rows },
  comparison: NonNullable<ModelCard['comparison']>,
  minHeldOutRows: number,
): { promoted: boolean; reason: string } {
  const { Y, leads } = serving.heldOut;
  let informative = 0;
  for (let r = 0; r < serving.heldOut.keys.length; r++) {
    for (let l = 0; l < leads; l++) {
      if (Y[r * leads + l] !== 0) {
        informative++;
        break;
      }
    }
  }
  if (informative < minHeldOutRows) {
    return {
      promoted: false,
      reason: `the held-out set is too small to judge: ${informative} of its ${serving.heldOut.keys.length} rows have a non-zero target, at least ${minHeldOutRows} are needed (minHeldOutRows); train on more days`,
    };
  }
  const perLead = serving.card.heldOut.perLead;
  const skills = perLead.map((l) => `+${l.leadMinutes}m ${significant(l.skill)}`).join(', ');
  if (perLead.length === 0 || perLead.some((l) => !(l.skill > 0))) {
    return {
      promoted: false,
      reason: `${serving.card.id} does not beat persistence on every lead (held-out skill ${skills})`,
    };
  }
  if (comparison.champion === null)
    return {
      promoted: true,
      reason: `no champion yet; ${serving.card.id} beats persistence on every lead (held-out skill ${skills})`,
    };
  if (comparison.championRmse === null)
    return {
      promoted: true,
      reason: `the champion ${comparison.champion} cannot be scored on this configuration's inputs; ${serving.card.id} beats persistence on every lead (held-out skill ${skills})`,
    };
  if (comparison.beatsChampion)
    return {
      promoted: true,
      reason: `beats ${comparison.champion} on every lead (RMSE ${comparison.candidateRmse.join(', ')} vs ${comparison.championRmse.join(', ')}) and persistence (held-out skill ${skills})`,
    };
  return {
    promoted: false,
    reason: `does not beat ${comparison.champion} on every lead (RMSE ${comparison.candidateRmse.join(', ')} vs ${comparison.championRmse.join(', ')})`,
  };
}
