import type { LeadMetrics } from '../registry/ModelCard';
import type { ServingModel } from './ServingModel';

/**
 * The candidates in the order the chooser tries them: trained models best first, then the built-in baselines; but
 * smart persistence goes ahead of every trained model that did not beat it on its own held-out rows (mean skill
 * against it at most 0), so a model that is no better than the standard baseline never serves in its place.
 */
export function orderCandidates(trained: readonly ServingModel[], builtIns: readonly ServingModel[]): ServingModel[] {
  const smart = builtIns.find((m) => m.kind === 'smart-persistence');
  const ranked = [...trained].sort((a, b) => a.score - b.score);
  if (!smart) return [...ranked, ...builtIns];
  const beats = ranked.filter((m) => m.beatsSmartPersistence !== false);
  const below = ranked.filter((m) => m.beatsSmartPersistence === false);
  return [...beats, smart, ...below, ...builtIns.filter((m) => m !== smart)];
}

/** Whether a card's held-out metrics beat smart persistence (mean skill against it above 0); undefined without them. */
export function beatsSmartPersistence(perLead: readonly LeadMetrics[]): boolean | undefined {
  const skills = perLead.map((m) => m.smartSkill).filter((s): s is number => s !== undefined && Number.isFinite(s));
  if (skills.length === 0) return undefined;
  return skills.reduce((a, b) => a + b, 0) / skills.length > 0;
}
