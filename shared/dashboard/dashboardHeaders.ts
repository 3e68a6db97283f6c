/**
 * The Content-Security-Policy of the dashboard page: its scripts and styles come only from the app itself (no inline
 * code, no CDN), it talks only to the app's own API, and it cannot be framed or submit forms elsewhere.
 */
export const DASHBOARD_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Headers of every dashboard response: the policy, no MIME sniffing, no framing, and no Referer carrying the key. */
export const DASHBOARD_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': DASHBOARD_CSP,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
};
