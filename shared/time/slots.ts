const MINUTE_MS = 60_000;

/** The start of the `cadenceMinutes` slot that contains `t` (slots are aligned to the Unix epoch). */
export function floorToSlot(t: Date, cadenceMinutes: number): Date {
  const step = cadenceMinutes * MINUTE_MS;
  return new Date(Math.floor(t.getTime() / step) * step);
}

export function addMinutes(t: Date, minutes: number): Date {
  return new Date(t.getTime() + minutes * MINUTE_MS);
}

export function minutesBetween(from: Date, to: Date): number {
  return (to.getTime() - from.getTime()) / MINUTE_MS;
}
