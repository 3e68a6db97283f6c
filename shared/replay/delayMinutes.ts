import type { DelayModelSpec } from './ReplaySpec';

/**
 * The delay (minutes from observedAt to availableAt) a delay model gives for a uniform draw u in [0, 1): a fixed
 * delay, a uniform range, one of a list of delays seen, or the inverse of a distribution given by its quantiles
 * (linear between them). The draw comes from the caller, so the same seed gives the same delays.
 */
export function delayMinutes(model: DelayModelSpec, u: number): number {
  switch (model.kind) {
    case 'fixed':
      return model.minutes;
    case 'uniform':
      return model.minMinutes + u * (model.maxMinutes - model.minMinutes);
    case 'empirical': {
      if (model.minutes)
        return model.minutes[Math.min(model.minutes.length - 1, Math.floor(u * model.minutes.length))] as number;
      const q = model.quantiles ?? [];
      for (let i = 1; i < q.length; i++) {
        const a = q[i - 1] as { p: number; minutes: number };
        const b = q[i] as { p: number; minutes: number };
        if (u <= b.p) return a.minutes + ((u - a.p) / (b.p - a.p)) * (b.minutes - a.minutes);
      }
      return q[q.length - 1]?.minutes ?? 0;
    }
  }
}
