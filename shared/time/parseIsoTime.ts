/** An ISO 8601 time with an explicit zone: a provider's local time must never be silently read as ours. */
const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * The time `v` names, or a reason naming `name` and the bad value. Strict: a zone is required, and a calendar date
 * that does not exist (2026-02-31, which Date would roll over into March) is an error, not a guess.
 */
export function parseIsoTime(v: unknown, name: string): Date | string {
  if (typeof v !== 'string') return `"${name}" is ${describeValue(v)}, expected an ISO 8601 time`;
  if (!ISO_WITH_ZONE.test(v))
    return `"${name}" is ${quote(v)}, expected an ISO 8601 time with a zone (e.g. 2026-01-01T10:00:00Z)`;
  const t = new Date(v);
  const [y, m, d] = v.slice(0, 10).split('-').map(Number) as [number, number, number];
  if (Number.isNaN(t.getTime()) || m < 1 || m > 12 || new Date(Date.UTC(y, m - 1, d)).getUTCDate() !== d)
    return `"${name}" is ${quote(v)}, not a valid time`;
  return t;
}

/** A value as a reason shows it: short, quoted, never the whole of a huge or hostile string. */
export function describeValue(v: unknown): string {
  if (v === undefined) return 'missing';
  if (v === null) return 'null';
  if (typeof v === 'number') return Number.isNaN(v) ? 'NaN' : String(v);
  if (typeof v === 'string') return quote(v);
  if (Array.isArray(v)) return 'an array';
  return `a ${typeof v}`;
}

/** At most 60 characters of `s`, JSON-quoted (control characters escaped), noting how long it really was. */
export function quote(s: string): string {
  return s.length > 60 ? `${JSON.stringify(s.slice(0, 60))}... (${s.length} characters)` : JSON.stringify(s);
}
