import type { ServingModel } from './ServingModel';

/**
 * The candidates in the order the chooser tries them: trained models best first, then the built-in baselines; but
 * smart persistence goes ahead of trained models that read nothing but the target (or nothing at all): when every
 * other source is stale, the standard baseline serves. Which trained model serves otherwise is the promotion rule's
 * business (it must beat persistence and the champion).
 */
export function orderCandidates(trained: readonly ServingModel[], builtIns: readonly ServingModel[]): ServingModel[] {
  const smart = builtIns.find((m) => m.kind === 'smart-persistence');
  const ranked = [...trained].sort((a, b) => a.score - b.score);
  if (!smart) return [...ranked, ...builtIns];
  const targetOnly = (m: ServingModel): boolean => m.sources.every((s) => smart.sources.includes(s));
  return [
    ...ranked.filter((m) => !targetOnly(m)),
    smart,
    ...ranked.filter(targetOnly),
    ...builtIns.filter((m) => m !== smart),
  ];
}
