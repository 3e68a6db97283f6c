/** Units that differ from each other by a factor only, per quantity, as multiples of the quantity's base unit. */
const QUANTITIES: readonly Readonly<Record<string, number>>[] = [
  { W: 1, kW: 1e3, MW: 1e6, GW: 1e9 },
  { Wh: 1, kWh: 1e3, MWh: 1e6, GWh: 1e9, J: 1 / 3600, kJ: 1 / 3.6, MJ: 1e6 / 3600 },
  { 'W/m2': 1, 'kW/m2': 1e3 },
  { 'Wh/m2': 1, 'kWh/m2': 1e3, 'J/m2': 1 / 3600, 'kJ/m2': 1 / 3.6, 'MJ/m2': 1e6 / 3600 },
  { 'm/s': 1, 'km/h': 1 / 3.6, kn: 1852 / 3600, mph: 0.44704 },
  { Pa: 1, hPa: 100, kPa: 1e3, mbar: 100, bar: 1e5 },
  { '%': 0.01, fraction: 1 },
  { m: 1, km: 1e3 },
  { s: 1, min: 60, h: 3600 },
];

/** Spellings that mean the same unit. */
const ALIASES: Readonly<Record<string, string>> = {
  'W/m²': 'W/m2',
  'kW/m²': 'kW/m2',
  'Wh/m²': 'Wh/m2',
  'kWh/m²': 'kWh/m2',
  'J/m²': 'J/m2',
  'kJ/m²': 'kJ/m2',
  'MJ/m²': 'MJ/m2',
  'm s-1': 'm/s',
  kt: 'kn',
  millibar: 'mbar',
  pct: '%',
  percent: '%',
};

/** The unit as this module spells it (trimmed, aliases resolved). */
export function normalizeUnit(unit: string): string {
  const u = unit.trim();
  return ALIASES[u] ?? u;
}

/**
 * The factor that turns a value in `from` into one in `to` (value_to = value_from * factor), or undefined when the
 * two are not the same quantity or differ by more than a factor (°C and K differ by an offset: not converted).
 * The same unit always converts with 1, whatever it is.
 */
export function unitFactor(from: string, to: string): number | undefined {
  const f = normalizeUnit(from);
  const t = normalizeUnit(to);
  if (f === t) return 1;
  for (const q of QUANTITIES) {
    const a = q[f];
    const b = q[t];
    if (a !== undefined && b !== undefined) return a / b;
  }
  return undefined;
}
