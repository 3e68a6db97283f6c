import type { LeadMetrics } from '../registry/ModelCard';
import type { ServingModel } from './ServingModel';

/**
 * The candidates in the order the chooser tries them: trained models best first, then the built-in baselines; but
 * smart persistence goes ahead of every trained model that did not beat it on its own held-out rows (mean skill
 * against it at most 0), so a model that is no better than the standard baseline never serves in its place, and
 * ahead of trained models that read nothing but the target: when every other source is stale, the standard
 * baseline serves.
 */
export function orderCandidates(trained: readonly ServingModel[], builtIns: readonly ServingModel[]): ServingModel[] {
  const smart = builtIns.find((m) => m.kind === 'smart-persistence');
  const ranked = [...trained].sort((a, b) => a.score - b.score);
  if (!smart) return [...ranked, ...builtIns];
  const demoted = (m: ServingModel): boolean =>
    m.beatsSmartPersistence === false || m.sources.every((s) => smart.sources.includes(s));
  const beats = ranked.filter((m) => !demoted(m));
  const below = ranked.filter(demoted);
  return [...beats, smart, ...below, ...builtIns.filter((m) => m !== smart)];
}

/** Whether a card's held-out metrics beat smart persistence (mean skill against it above 0); undefined without them. */
export function beatsSmartPersistence(perLead: readonly LeadMetrics[]): boolean | undefined {
  const skills = perLead.map((m) => m.smartSkill).filter((s): s is number => s !== undefined && Number.isFinite(s));
  if (skills.length === 0) return undefined;
  return skills.reduce((a, b) => a + b, 0) / skills.length > 0;
}
