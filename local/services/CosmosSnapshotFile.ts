import { open, readFile, readdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { type CosmosSnapshot, parseCosmosSnapshot } from './CosmosSnapshot';
import { ServiceError } from './ServiceError';

/** The snapshot file name inside the Cosmos data folder. */
export const COSMOS_SNAPSHOT_FILE = 'cosmos-snapshot.json';

/** Reads and atomically writes one snapshot file, so a crash mid-write leaves the previous snapshot intact. */
export class CosmosSnapshotFile {
  constructor(readonly path: string) {}

  /** The stored snapshot, or undefined when there is none yet. A corrupt file fails rather than starting empty. */
  async read(): Promise<CosmosSnapshot | undefined> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      if (isErrno(err) && err.code === 'ENOENT') return undefined;
      throw new ServiceError('BAD_SNAPSHOT', `cannot read ${this.path}: ${String(err)}`, { cause: err });
    }
    return parseCosmosSnapshot(text, this.path);
  }

  /** Writes to a temp file, fsyncs it, renames it over the snapshot; returns the byte count. */
  async write(snapshot: CosmosSnapshot): Promise<number> {
    const body = JSON.stringify(snapshot);
    const temp = `${this.path}.${process.pid}.tmp`;
    const handle = await open(temp, 'w');
    try {
      await handle.writeFile(body, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, this.path);
    return Buffer.byteLength(body);
  }

  /** Deletes temp files a killed writer left behind. */
  async removeStaleTemps(): Promise<void> {
    const folder = dirname(this.path);
    const prefix = `${basename(this.path)}.`;
    const names = await readdir(folder).catch(() => []);
    await Promise.all(
      names
        .filter((name) => name.startsWith(prefix) && name.endsWith('.tmp'))
        .map((name) => rm(join(folder, name), { force: true })),
    );
  }
}

function isErrno(err: unknown): err is NodeJS.ErrnoException {
  return err instanceof Error && 'code' in err;
}
