import { normalizeUnit, unitFactor } from './unitFactor';

/** Why a field's values cannot be converted, for each caller to word in its own terms. */
export type ConversionFailure =
  /** The field is the forecast target and `convertTo` names another unit than the target's. */
  | { ok: false; kind: 'contradicts-target'; target: string; convertTo: string }
  /** `convertTo` without the provider's own `unit`. */
  | { ok: false; kind: 'needs-unit'; convertTo: string }
  /** No factor turns `unit` into `to` (another quantity, or an offset such as °C to K). */
  | { ok: false; kind: 'no-factor'; unit: string; to: string; toTarget: boolean };

/** How a provider's values of one field become stored values: the factor, and the units it converts between. */
export type FieldConversion = { ok: true; factor: number; from?: string; to?: string } | ConversionFailure;

/**
 * The unit rule of the backtest's replays and the provider adapters: values in `unit` convert by a factor to
 * `convertTo`, or, for the forecast target, to the configured target unit (which `convertTo` may not contradict).
 * No `unit`: the values are taken as they are (in the target's unit, for the target).
 */
export function fieldConversion(
  mapping: { unit?: string | undefined; convertTo?: string | undefined },
  targetUnit?: string,
): FieldConversion {
  const target = targetUnit !== undefined && targetUnit !== '' ? targetUnit : undefined;
  if (target !== undefined && mapping.convertTo !== undefined && unitFactor(mapping.convertTo, target) !== 1) {
    return { ok: false, kind: 'contradicts-target', target, convertTo: mapping.convertTo };
  }
  const to = target ?? mapping.convertTo;
  if (mapping.unit === undefined) {
    if (mapping.convertTo !== undefined) return { ok: false, kind: 'needs-unit', convertTo: mapping.convertTo };
    return target === undefined ? { ok: true, factor: 1 } : { ok: true, factor: 1, from: target, to: target };
  }
  if (to === undefined)
    return { ok: true, factor: 1, from: normalizeUnit(mapping.unit), to: normalizeUnit(mapping.unit) };
  const factor = unitFactor(mapping.unit, to);
  if (factor === undefined)
    return { ok: false, kind: 'no-factor', unit: mapping.unit, to, toTarget: target !== undefined };
  return { ok: true, factor, from: normalizeUnit(mapping.unit), to: normalizeUnit(to) };
}

/** A conversion failure as a provider mapping reports it. */
export function describeConversionFailure(f: ConversionFailure): string {
  switch (f.kind) {
    case 'contradicts-target':
      return `the field is the forecast target, in "${f.target}" (target.unit); convertTo "${f.convertTo}" contradicts it`;
    case 'needs-unit':
      return `convertTo "${f.convertTo}" needs the provider's own "unit"`;
    case 'no-factor':
      return `values in "${f.unit}" cannot be converted to ${f.toTarget ? `the target unit "${f.to}" (target.unit)` : `convertTo "${f.to}"`} by a factor`;
  }
}
