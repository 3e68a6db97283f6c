import { DateTime } from 'luxon';
import sharp from 'sharp';
import { solarPosition } from '../../shared/solar/solarPosition';
import { unitFromHash } from '../world/unitFromHash';

/** What one snapshot shows and how it is encoded. */
export interface CameraPicture {
  /** When the camera captured it. */
  capturedAt: Date;
  /** Where the camera stands (the sky brightens with the sun there). */
  latitude: number;
  longitude: number;
  width: number;
  height: number;
  /** JPEG quality 1..100. */
  quality: number;
  /** Write EXIF DateTime/DateTimeOriginal/OffsetTimeOriginal in this zone; no EXIF without it. */
  exifTimeZone?: string;
}

/**
 * A sky picture for the capture time: a gradient as bright as the sun is high, with soft cloud blobs drifting per
 * capture. The bytes are a pure function of the picture description (sharp encodes deterministically).
 */
export async function renderCameraJpeg(p: CameraPicture): Promise<Buffer> {
  const sun = solarPosition(p.latitude, p.longitude, p.capturedAt);
  const light = Math.max(0.06, Math.min(1, (sun.elevationDeg + 6) / 36));
  const key = p.capturedAt.getTime();
  const blobs = Array.from({ length: 5 }, (_, i) => ({
    x: unitFromHash(['cam-x', key, i]) * p.width,
    y: unitFromHash(['cam-y', key, i]) * p.height * 0.7,
    r: (0.08 + 0.15 * unitFromHash(['cam-r', key, i])) * p.width,
  }));
  const pixels = Buffer.alloc(p.width * p.height * 3);
  for (let y = 0; y < p.height; y++) {
    const up = 1 - y / p.height;
    for (let x = 0; x < p.width; x++) {
      let c = 0;
      for (const b of blobs) c = Math.max(c, 1 - Math.hypot(x - b.x, y - b.y) / b.r);
      const sky = [70 + 60 * (1 - up), 120 + 50 * (1 - up), 200 + 40 * up];
      const i = (y * p.width + x) * 3;
      for (let ch = 0; ch < 3; ch++) pixels[i + ch] = Math.round(light * ((sky[ch] ?? 0) * (1 - c) + 235 * c));
    }
  }
  let image = sharp(pixels, { raw: { width: p.width, height: p.height, channels: 3 } }).jpeg({ quality: p.quality });
  if (p.exifTimeZone !== undefined) {
    const local = DateTime.fromJSDate(p.capturedAt, { zone: p.exifTimeZone });
    const stamp = local.toFormat('yyyy:MM:dd HH:mm:ss');
    image = image.withExif({
      IFD0: { DateTime: stamp },
      IFD2: { DateTimeOriginal: stamp, OffsetTimeOriginal: local.toFormat('ZZ') },
    });
  }
  return image.toBuffer();
}
