import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock } from '../../shared/time/Clock';
import { listenExample } from './listenExample';
import { renderCameraJpeg } from './renderCameraJpeg';
import type { RunningExample } from './RunningExample';

/** Options of startIpCameraServer. */
export interface IpCameraServerOptions {
  /** HTTP Basic credentials every request must carry. */
  username: string;
  password: string;
  /** The camera's now: it serves the picture of its latest capture. */
  clock: Clock;
  /** Minutes between captures; the same picture is served until the next one. */
  captureIntervalMinutes?: number;
  /** Resolutions `resolution=` accepts (the camera's Properties.Image.Resolution); the first is the default. */
  resolutions?: readonly string[];
  /** Send `Last-Modified: <capture time>` (Axis does not document this header). */
  lastModified?: boolean;
  /** Write the capture time as EXIF DateTimeOriginal in this zone (Axis does not document EXIF times). */
  exifTimeZone?: string;
  /** Where the camera stands. */
  latitude?: number;
  longitude?: number;
  /** Port to listen on (0 = a free one). */
  port?: number;
  /** Interface to listen on. */
  host?: string;
}

/** Defaults of IpCameraServerOptions. */
export const DEFAULT_IP_CAMERA_OPTIONS = {
  captureIntervalMinutes: 5,
  resolutions: ['640x480', '320x240', '1280x720', '640x360'],
  lastModified: false,
  latitude: 52.52,
  longitude: 13.41,
  port: 0,
  host: '127.0.0.1',
} as const;

/** The realm an Axis device names in its challenge (product and serial number). */
const REALM = 'AXIS_ACCC8E000001';

/**
 * A stand-in for an Axis network camera's VAPIX JPEG snapshot, `GET /axis-cgi/jpg/image.cgi?resolution=WxH&
 * compression=0..100&camera=1`, answering `200 image/jpeg` with Content-Length as the VAPIX documentation shows;
 * 401 with `WWW-Authenticate: Basic` without valid credentials. The picture changes only at each capture.
 * See local/examples/API-NOTES.md.
 */
export async function startIpCameraServer(opts: IpCameraServerOptions): Promise<RunningExample> {
  if (opts.username === '' || opts.username.includes(':'))
    throw new RangeError('username must be non-empty and without ":"');
  const interval = opts.captureIntervalMinutes ?? DEFAULT_IP_CAMERA_OPTIONS.captureIntervalMinutes;
  if (!(interval > 0)) throw new RangeError(`captureIntervalMinutes must be positive, got ${interval}`);
  const cache = new Map<string, Promise<Buffer>>();
  return listenExample(
    (req, res) => handle(req, res, opts, interval * 60_000, cache),
    opts.port ?? DEFAULT_IP_CAMERA_OPTIONS.port,
    opts.host ?? DEFAULT_IP_CAMERA_OPTIONS.host,
  );
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  opts: IpCameraServerOptions,
  intervalMs: number,
  cache: Map<string, Promise<Buffer>>,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (url.pathname !== '/axis-cgi/jpg/image.cgi') return text(res, 404, '404 Not Found');
  if (req.method !== 'GET' && req.method !== 'HEAD') return text(res, 405, '405 Method Not Allowed');
  if (!authorized(req.headers.authorization, opts)) {
    res.writeHead(401, { 'www-authenticate': `Basic realm="${REALM}"`, 'content-type': 'text/plain; charset=utf-8' });
    res.end('401 Unauthorized');
    return;
  }
  const q = url.searchParams;
  const resolutions = opts.resolutions ?? DEFAULT_IP_CAMERA_OPTIONS.resolutions;
  const resolution = q.get('resolution') ?? resolutions[0] ?? '640x480';
  if (!resolutions.includes(resolution))
    return text(res, 400, `Error: unsupported resolution "${resolution}"; supported: ${resolutions.join(',')}`);
  const compressionText = q.get('compression') ?? '30';
  const compression = Number(compressionText);
  if (!/^\d{1,3}$/.test(compressionText) || compression > 100)
    return text(res, 400, `Error: compression must be 0..100, got "${compressionText}"`);
  const camera = q.get('camera') ?? '1';
  if (camera !== '1') return text(res, 400, `Error: camera "${camera}" does not exist; this device has camera 1`);
  const capturedAt = new Date(Math.floor(opts.clock.now().getTime() / intervalMs) * intervalMs);
  const [width, height] = resolution.split('x').map(Number) as [number, number];
  const key = `${capturedAt.getTime()}|${resolution}|${compression}`;
  let jpeg = cache.get(key);
  if (jpeg === undefined) {
    // Only the latest capture is kept: the camera has no history to serve.
    for (const k of cache.keys()) if (!k.startsWith(`${capturedAt.getTime()}|`)) cache.delete(k);
    jpeg = renderCameraJpeg({
      capturedAt,
      latitude: opts.latitude ?? DEFAULT_IP_CAMERA_OPTIONS.latitude,
      longitude: opts.longitude ?? DEFAULT_IP_CAMERA_OPTIONS.longitude,
      width,
      height,
      quality: Math.max(1, 100 - compression),
      ...(opts.exifTimeZone === undefined ? {} : { exifTimeZone: opts.exifTimeZone }),
    });
    cache.set(key, jpeg);
  }
  const bytes = await jpeg;
  const headers: Record<string, string | number> = { 'content-type': 'image/jpeg', 'content-length': bytes.length };
  if (opts.lastModified ?? DEFAULT_IP_CAMERA_OPTIONS.lastModified) headers['last-modified'] = capturedAt.toUTCString();
  res.writeHead(200, headers);
  res.end(req.method === 'HEAD' ? undefined : bytes);
}

function authorized(header: string | undefined, opts: IpCameraServerOptions): boolean {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header ?? '');
  if (!m) return false;
  return Buffer.from(m[1] ?? '', 'base64').toString('utf8') === `${opts.username}:${opts.password}`;
}

function text(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(message);
}
