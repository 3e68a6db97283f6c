import { isLoopbackHost } from '../util/isLoopbackHost';
import { ALLOW_HTTP_PROVIDERS_SETTING } from './allowHttpProviders';

/**
 * Why a provider URL may not be used, or undefined: the transport rule for everything the app fetches from a
 * provider (configured endpoints when the configuration loads, redirect targets when they are fetched). Only
 * `https:` and `http:` URLs; plain `http:` only to a loopback host (127.0.0.1, ::1, localhost: the local stack and
 * the examples) or when `allowHttp` (the app setting ALLOW_HTTP_PROVIDERS=true, for a private network). A key sent
 * over plain http to another machine can be read by anyone on the way.
 */
export function plainHttpProblem(url: URL, allowHttp: boolean): string | undefined {
  if (url.protocol === 'https:') return undefined;
  if (url.protocol !== 'http:') return `${url.protocol} is not an http(s) scheme; expected an https:// URL`;
  if (isLoopbackHost(url.hostname) || allowHttp) return undefined;
  return `plain http to ${url.host}, which is not a loopback host; expected https:// (plain http is accepted only for 127.0.0.1, ::1 and localhost, or with the app setting ${ALLOW_HTTP_PROVIDERS_SETTING}=true for a private network)`;
}
