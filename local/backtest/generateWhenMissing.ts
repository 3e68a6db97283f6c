import { existsSync } from 'node:fs';
import type { BacktestPlan } from '../../shared/backtest/BacktestPlan';
import { simulatedWorldReplayIsCurrent, writeSimulatedWorldReplay } from './writeSimulatedWorldReplay';

const HOUR_MS = 3_600_000;

/** The shipped example's files are generated from the simulated world the first time (and when its options change). */
export function generateWhenMissing(
  plan: BacktestPlan,
  onProgress: (step: string, done: number, total: number) => void,
): void {
  const g = plan.generate;
  if (!g) return;
  const options = {
    dir: g.dir,
    seed: g.seed,
    site: {
      id: plan.site,
      latitude: plan.config.sites[0]?.latitude ?? 0,
      longitude: plan.config.sites[0]?.longitude ?? 0,
    },
    // Hours before the train period for the first inputs, and the test period's last targets.
    from: new Date(plan.train.from.getTime() - 6 * HOUR_MS),
    to: plan.test.to,
  };
  if (simulatedWorldReplayIsCurrent(options) && plan.sources.every((s) => existsSync(s.path))) return;
  writeSimulatedWorldReplay({ ...options, onProgress: (done, total) => onProgress('generate', done, total) });
}
