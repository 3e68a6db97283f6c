import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { API_KEY_HEADER } from '../../shared/sources/ProviderApi';
import type { Clock } from '../../shared/time/Clock';
import type { ObservationFeed } from './ObservationFeed';
import type { ProviderBehaviour } from './ProviderBehaviour';
import { ProviderRequestError } from './ProviderRequestError';
import { parseObservationsQuery } from './parseObservationsQuery';

/** What one provider's request handler needs. */
export interface ProviderHandlerOptions {
  feed: ObservationFeed;
  clock: Clock;
  apiKey: string;
  behaviour: ProviderBehaviour;
  /** Site ids the provider serves. */
  sites: readonly string[];
  /** Renders an image (only the skycam provider serves images). */
  renderImage?: (site: string, observedAt: Date) => Buffer;
  /** Where unexpected errors are reported. */
  logError: (message: string) => void;
}

const IMAGE_PATH = /^\/images\/([^/]+)\/([^/]+)\.png$/;

/**
 * The HTTP side of one simulated provider (shared/sources/ProviderApi.ts): `GET /observations` and, for images,
 * `GET /images/<site>/<observedAt>.png`. Unknown paths are 404 whatever the key; known ones need the key.
 */
export function createProviderHandler(o: ProviderHandlerOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const expectedKey = Buffer.from(o.apiKey, 'utf8');
  return (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://provider.invalid');
      const now = o.clock.now();
      const imageMatch = o.renderImage ? IMAGE_PATH.exec(url.pathname) : null;
      if (url.pathname !== '/observations' && !imageMatch) {
        throw new ProviderRequestError(404, 'NOT_FOUND', `unknown path "${url.pathname}"; this provider serves /observations${o.renderImage ? ' and /images/<site>/<observedAt>.png' : ''}`);
      }
      if (req.method !== 'GET') {
        res.setHeader('allow', 'GET');
        throw new ProviderRequestError(405, 'METHOD_NOT_ALLOWED', `method ${req.method ?? '?'} not allowed on ${url.pathname}; use GET`);
      }
      if (!keyMatches(req.headers[API_KEY_HEADER], expectedKey)) {
        throw new ProviderRequestError(401, 'UNAUTHORIZED', `missing or wrong API key in the "${API_KEY_HEADER}" header`);
      }
      const override = o.behaviour.intercept({ source: o.feed.source, path: url.pathname, now });
      if (override) {
        sendJson(res, override.status, override.body, override.headers);
        return;
      }
      if (imageMatch && o.renderImage) {
        sendImage(res, o, decodePathPart(imageMatch[1] ?? ''), decodePathPart(imageMatch[2] ?? ''), now, o.renderImage);
        return;
      }
      const page = o.feed.page(parseObservationsQuery(url.searchParams, o.sites), now);
      sendJson(res, 200, { items: o.behaviour.wireItems(page.items, now), next: page.next });
    } catch (err) {
      if (err instanceof ProviderRequestError) {
        sendJson(res, err.status, err.toBody());
      } else {
        o.logError(`provider ${o.feed.source}: ${req.method ?? '?'} ${req.url ?? ''} failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
        sendJson(res, 500, { error: 'internal error in the simulated provider', code: 'INTERNAL' });
      }
    }
  };
}

function sendImage(
  res: ServerResponse,
  o: ProviderHandlerOptions,
  site: string,
  observedText: string,
  now: Date,
  render: (site: string, observedAt: Date) => Buffer,
): void {
  const observedAt = new Date(observedText);
  if (!o.sites.includes(site) || Number.isNaN(observedAt.getTime()) || !o.feed.isReadable(site, observedAt, now)) {
    // Same answer for "never" and "not yet": a client cannot read an image before the provider publishes it.
    throw new ProviderRequestError(404, 'NOT_FOUND', `no published image for site "${site}" at "${observedText}"`);
  }
  const png = o.behaviour.imageBytes(render(site, observedAt), site, observedAt);
  res.writeHead(200, { 'content-type': 'image/png', 'content-length': png.length, 'cache-control': 'private, max-age=3600' });
  res.end(png);
}

/** A path segment with its %-escapes undone; a malformed escape is left as is (the lookup then fails with a 404). */
function decodePathPart(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

function keyMatches(given: string | string[] | undefined, expected: Buffer): boolean {
  if (typeof given !== 'string') return false;
  const g = Buffer.from(given, 'utf8');
  // Constant-time comparison, as a real provider would do it.
  return g.length === expected.length && timingSafeEqual(g, expected);
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...headers, 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
