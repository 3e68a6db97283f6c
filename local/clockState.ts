import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * The virtual time a previous run reached, so a restarted stack continues from there instead of going back in time
 * (its stored data and watermarks would otherwise lie in the future).
 */
export function readClockState(file: string): Date | undefined {
  try {
    const t = new Date((JSON.parse(readFileSync(file, 'utf8')) as { virtualNow?: string }).virtualNow ?? '');
    return Number.isNaN(t.getTime()) ? undefined : t;
  } catch {
    return undefined;
  }
}

export function writeClockState(file: string, virtualNow: Date): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(`${file}.tmp`, JSON.stringify({ virtualNow: virtualNow.toISOString() }));
  renameSync(`${file}.tmp`, file);
}
