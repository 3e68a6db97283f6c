import { type Clock, systemClock } from './Clock';
import { ScaledClock } from './ScaledClock';

/**
 * The clock named by app settings: `CLOCK_SPEED`, `CLOCK_VIRTUAL_START` (ISO) and `CLOCK_REAL_START` (epoch ms)
 * select a shared virtual clock (the local stack sets them); without them, wall-clock time.
 */
export function clockFromSettings(settings: Readonly<Record<string, string | undefined>> = process.env): Clock {
  const speedText = settings['CLOCK_SPEED'];
  if (speedText === undefined || speedText === '') return systemClock;
  const speed = Number(speedText);
  const virtualStartText = settings['CLOCK_VIRTUAL_START'];
  const realStartText = settings['CLOCK_REAL_START'];
  const virtualStart = new Date(virtualStartText ?? '');
  const realStartMs = Number(realStartText);
  if (!(speed > 0) || !Number.isFinite(speed))
    throw new RangeError(`CLOCK_SPEED must be a positive number, got "${speedText}"`);
  if (Number.isNaN(virtualStart.getTime()))
    throw new RangeError(`CLOCK_VIRTUAL_START must be an ISO time, got "${virtualStartText}"`);
  if (!Number.isFinite(realStartMs))
    throw new RangeError(`CLOCK_REAL_START must be epoch milliseconds, got "${realStartText}"`);
  return new ScaledClock({ virtualStart, realStartMs, speed });
}
