/** A field the world always reports; its absence is a bug in the simulation (a 500), not a gap in the data. */
export function requiredValue(values: Readonly<Record<string, number>>, field: string): number {
  const v = values[field];
  if (v === undefined) throw new Error(`the world reported no "${field}" (fields: ${Object.keys(values).join(', ')})`);
  return v;
}
