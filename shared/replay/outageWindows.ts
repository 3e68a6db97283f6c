import type { OutageWindow } from './OutageWindow';
import type { OutageModelSpec } from './ReplaySpec';
import { seededUnit } from './seededUnit';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/**
 * The outage windows of an outage model over [from, to): the listed ones, or random ones: starts a Poisson process
 * of `ratePerDay` (the next starts after the previous ends), each lasting a uniform draw from the duration range,
 * cut at `to`. Random windows are drawn from `seed`: the same seed gives the same windows.
 */
export function outageWindows(
  model: OutageModelSpec,
  from: number,
  to: number,
  seed: ReadonlyArray<number | string>,
): OutageWindow[] {
  if (model.kind === 'none') return [];
  if (model.kind === 'windows') {
    return model.windows
      .map((w) => ({ from: Date.parse(w.from), to: Date.parse(w.to) }))
      .sort((a, b) => a.from - b.from);
  }
  if (model.ratePerDay <= 0 || !(to > from)) return [];
  const meanGapMs = DAY_MS / model.ratePerDay;
  const windows: OutageWindow[] = [];
  let t = from;
  for (let i = 0; ; i++) {
    // 1 - u is in (0, 1], so the logarithm is finite.
    t += -Math.log(1 - seededUnit([...seed, 'gap', i])) * meanGapMs;
    if (t >= to) break;
    const minutes =
      model.minDurationMinutes +
      seededUnit([...seed, 'duration', i]) * (model.maxDurationMinutes - model.minDurationMinutes);
    const start = Math.round(t / MINUTE_MS) * MINUTE_MS;
    const end = Math.min(to, start + Math.round(minutes) * MINUTE_MS);
    if (end > start) windows.push({ from: start, to: end });
    t = end;
  }
  return windows;
}
