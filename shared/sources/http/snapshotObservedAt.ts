import exifReader from 'exif-reader';
import { DateTime } from 'luxon';
import sharp from 'sharp';
import type { SnapshotProviderConfig } from '../../config/providerSchemas';
import { timeZoneOf } from '../../time/timeZoneOf';

/**
 * When a snapshot was taken, from where the configuration says (`observedAt.from`): the Last-Modified or Date
 * header, the picture's EXIF DateTimeOriginal (or DateTime) read in `observedAt.timeZone` unless EXIF gives its
 * offset, or the fetch time. Returns the time or why there is none.
 */
export async function snapshotObservedAt(
  spec: SnapshotProviderConfig['observedAt'],
  headers: Headers,
  bytes: Buffer,
  fetchedAt: Date,
): Promise<Date | string> {
  switch (spec.from) {
    case 'fetch':
      return fetchedAt;
    case 'last-modified':
    case 'date': {
      const name = spec.from === 'date' ? 'Date' : 'Last-Modified';
      const text = headers.get(name);
      if (text === null) return `the answer has no ${name} header`;
      const ms = Date.parse(text);
      return Number.isNaN(ms)
        ? `the ${name} header ${JSON.stringify(text.slice(0, 60))} is not an HTTP date`
        : new Date(ms);
    }
    case 'exif':
      return exifTime(bytes, spec.timeZone);
  }
}

async function exifTime(bytes: Buffer, zoneSpec: string): Promise<Date | string> {
  let exif: Buffer | undefined;
  try {
    exif = (await sharp(bytes).metadata()).exif;
  } catch (err) {
    return `the picture cannot be read for its EXIF time: ${(err as Error).message}`;
  }
  if (!exif) return 'the picture carries no EXIF data';
  let tags: exifReader.Exif;
  try {
    tags = exifReader(exif);
  } catch (err) {
    return `the picture's EXIF data cannot be read: ${(err as Error).message}`;
  }
  const taken = tags.Photo?.DateTimeOriginal ?? tags.Image?.DateTime;
  if (!(taken instanceof Date) || Number.isNaN(taken.getTime()))
    return "the picture's EXIF has no DateTimeOriginal or DateTime";
  // exif-reader reads the wall-clock fields as if in UTC; they are in the camera's zone (or its stated offset).
  const offset = tags.Photo?.OffsetTimeOriginal ?? tags.Photo?.OffsetTime;
  const zone = (typeof offset === 'string' ? timeZoneOf(offset) : undefined) ?? timeZoneOf(zoneSpec) ?? 'UTC';
  const wall = DateTime.fromObject(
    {
      year: taken.getUTCFullYear(),
      month: taken.getUTCMonth() + 1,
      day: taken.getUTCDate(),
      hour: taken.getUTCHours(),
      minute: taken.getUTCMinutes(),
      second: taken.getUTCSeconds(),
    },
    { zone },
  );
  return wall.isValid
    ? wall.toJSDate()
    : `the EXIF time ${taken.toISOString().slice(0, 19)} does not exist in ${zoneSpec}`;
}
