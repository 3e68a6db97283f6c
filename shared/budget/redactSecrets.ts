/** The longest error detail kept in a log line or a status record. */
const MAX_DETAIL = 400;

/**
 * An error message safe to log: bearer tokens, JWTs and `access_token=...` pairs replaced, one line, bounded.
 * Credential errors (an expired CLI login, a failed managed-identity call) sometimes quote what they received.
 */
export function redactSecrets(text: string): string {
  const oneLine = text
    .replace(/\bBearer\s+[A-Za-z0-9._~+/=-]+/gi, 'Bearer [redacted]')
    .replace(/\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g, '[redacted-jwt]')
    .replace(/((?:access|refresh|id)_token["']?\s*[:=]\s*["']?)[^"'\s,&}]+/gi, '$1[redacted]')
    .replace(/\s+/g, ' ')
    .trim();
  return oneLine.length > MAX_DETAIL ? `${oneLine.slice(0, MAX_DETAIL - 3)}...` : oneLine;
}
