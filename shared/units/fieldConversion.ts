import { normalizeUnit, unitFactor } from './unitFactor';

/** How a provider's values of one field become stored values: the factor, and the units it converts between. */
export type FieldConversion = { ok: true; factor: number; from?: string; to?: string } | { ok: false; reason: string };

/**
 * The replay's unit rule, shared with the provider adapters: values in `unit` convert by a factor to `convertTo`,
 * or, for the forecast target, to the configured target unit (which `convertTo` may not contradict). No `unit`:
 * the values are taken as they are.
 */
export function fieldConversion(mapping: { unit?: string | undefined; convertTo?: string | undefined }, targetUnit?: string): FieldConversion {
  const target = targetUnit !== undefined && targetUnit !== '' ? targetUnit : undefined;
  if (target !== undefined && mapping.convertTo !== undefined && unitFactor(mapping.convertTo, target) !== 1) {
    return { ok: false, reason: `the field is the forecast target, in "${target}" (target.unit); convertTo "${mapping.convertTo}" contradicts it` };
  }
  const to = target ?? mapping.convertTo;
  if (mapping.unit === undefined) {
    if (mapping.convertTo !== undefined) return { ok: false, reason: `convertTo "${mapping.convertTo}" needs the provider's own "unit"` };
    return { ok: true, factor: 1 };
  }
  if (to === undefined) return { ok: true, factor: 1, from: normalizeUnit(mapping.unit), to: normalizeUnit(mapping.unit) };
  const factor = unitFactor(mapping.unit, to);
  if (factor === undefined) {
    const why = target === undefined ? `convertTo "${to}"` : `the target unit "${to}" (target.unit)`;
    return { ok: false, reason: `values in "${mapping.unit}" cannot be converted to ${why} by a factor` };
  }
  return { ok: true, factor, from: normalizeUnit(mapping.unit), to: normalizeUnit(to) };
}
