/** The `count` issue slots ending at the slot that contains `end`, oldest first. */
export function issueSlots(end: Date, cadenceMinutes: number, count: number): Date[] {
  if (!(cadenceMinutes > 0)) throw new RangeError(`cadence must be positive, got ${cadenceMinutes} minutes`);
  if (!(Number.isInteger(count) && count >= 1))
    throw new RangeError(`slot count must be an integer >= 1, got ${count}`);
  const step = cadenceMinutes * 60_000;
  const last = Math.floor(end.getTime() / step) * step;
  return Array.from({ length: count }, (_, i) => new Date(last - (count - 1 - i) * step));
}
