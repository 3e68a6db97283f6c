import { ConfigError } from './ConfigError';

/** The app setting that lets provider endpoints use plain `http://` outside the local stack. */
export const ALLOW_HTTP_PROVIDERS_SETTING = 'ALLOW_HTTP_PROVIDERS';

/**
 * Whether plain `http://` provider endpoints are accepted for hosts that are not loopback: the app setting
 * `ALLOW_HTTP_PROVIDERS=true`, meant for providers on a private network (a camera or data logger on the park's LAN,
 * reached through a VNet) that cannot speak TLS. Unset or `false`: only `https://` endpoints, and `http://` to
 * 127.0.0.1, ::1 and localhost (the local stack and the examples). Anything else is a ConfigError naming the value,
 * so a typo never silently turns the check off or on.
 */
export function allowHttpProviders(settings: Readonly<Record<string, string | undefined>>): boolean {
  const value = settings[ALLOW_HTTP_PROVIDERS_SETTING];
  if (value === undefined || value === '') return false;
  const v = value.trim().toLowerCase();
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw new ConfigError(
    `App setting "${ALLOW_HTTP_PROVIDERS_SETTING}" is ${JSON.stringify(value)}; expected "true" or "false" (or unset: false)`,
    [`${ALLOW_HTTP_PROVIDERS_SETTING}: ${JSON.stringify(value)}, expected "true" or "false"`],
  );
}
