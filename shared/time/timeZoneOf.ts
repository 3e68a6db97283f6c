import { FixedOffsetZone, IANAZone, type Zone } from 'luxon';

const OFFSET = /^([+-])(\d{1,2})(?::?(\d{2}))?$/;

/**
 * The luxon zone of a time-zone spec: an IANA name (`Europe/Copenhagen`, `UTC`) or a fixed offset (`+01:00`,
 * `-0530`, `UTC+1`); undefined when it is neither. A fixed offset never changes (no daylight saving time).
 */
export function timeZoneOf(spec: string): Zone | undefined {
  const s = spec.trim();
  const offset = OFFSET.exec(s);
  if (offset) {
    const minutes = Number(offset[2]) * 60 + Number(offset[3] ?? 0);
    if (Number(offset[2]) > 18 || Number(offset[3] ?? 0) > 59) return undefined;
    return FixedOffsetZone.instance(offset[1] === '-' ? -minutes : minutes);
  }
  if (/^UTC[+-]/i.test(s)) {
    const zone = FixedOffsetZone.parseSpecifier(s.toUpperCase());
    return zone ?? undefined;
  }
  if (s.toUpperCase() === 'UTC' || s.toUpperCase() === 'Z') return FixedOffsetZone.utcInstance;
  return IANAZone.isValidZone(s) ? IANAZone.create(s) : undefined;
}
