/**
 * A Retry-After header in milliseconds from `now`: delta-seconds (`120`) or an HTTP date; undefined when absent or
 * unreadable (the caller then backs off by itself). A date in the past means "now" (0).
 */
export function parseRetryAfter(header: string | null, now: Date): number | undefined {
  if (header === null) return undefined;
  const text = header.trim();
  if (/^\d{1,10}$/.test(text)) return Number(text) * 1000;
  // An HTTP date always names its zone (GMT); a bare number with a sign or a fraction is not valid either way.
  if (!/GMT$|UTC$|[+-]\d{4}$/.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now.getTime());
}
