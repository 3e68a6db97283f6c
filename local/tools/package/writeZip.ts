import { createWriteStream, mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Archiver, ArchiverOptions } from 'archiver';
import type { PackageEntry } from './collectPackageFiles';

// archiver 7 exports a factory function; @types/archiver 8 describes archiver 8's classes, so the factory is typed here.
const archiver = require('archiver') as (format: 'zip', options?: ArchiverOptions) => Archiver;

/** Writes the entries to a zip file, in their order, all with the same modification time; returns its size. */
export async function writeZip(file: string, entries: PackageEntry[], date: Date, level: number): Promise<number> {
  mkdirSync(dirname(file), { recursive: true });
  const output = createWriteStream(file);
  const archive = archiver('zip', { zlib: { level } });
  const done = new Promise<void>((resolve, reject) => {
    output.on('close', resolve);
    output.on('error', reject);
    archive.on('error', reject);
    archive.on('warning', reject);
  });
  archive.pipe(output);
  for (const e of entries) {
    const data = { name: e.name, date, mode: e.mode };
    if (e.content) archive.append(e.content, data);
    else archive.file(e.source as string, data);
  }
  await archive.finalize();
  await done;
  return statSync(file).size;
}
