import { performance } from 'node:perf_hooks';
import type { ForecastConfig } from '../../shared/config/ForecastConfig';
import { observationContainer } from '../../shared/sources/observationBlobs';
import { recentStateName } from '../../shared/sources/RecentStateStore';
import { type BlobStore, CONTAINERS } from '../../shared/storage/BlobStore';
import { percentile } from './percentile';

/** What a predict run's JSON costs by itself: no product code, only JSON.parse and JSON.stringify of its blobs. */
export interface JsonVolume {
  /** MB of recent states a run reads, and the median ms to decode and JSON.parse them. */
  readMB: number;
  parseMs: number;
  /** MB of blobs a run writes (latest-copy and summary shards), and the median ms to JSON.stringify and encode them. */
  writtenMB: number;
  stringifyMs: number;
}

/**
 * The floor under an in-memory predict run that JSON stored formats set, whatever the code around them does: every
 * source's recent state decoded and parsed, and every blob of the forecasts container (what the run wrote) parsed
 * once untimed, then serialized and encoded. Medians of `runs`.
 */
export async function jsonVolume(blobs: BlobStore, config: ForecastConfig, runs: number): Promise<JsonVolume> {
  const states: Buffer[] = [];
  for (const source of config.sources) {
    const blob = await blobs.get(CONTAINERS.state, recentStateName(observationContainer(source), source.id));
    if (blob) states.push(blob.body);
  }
  const written: unknown[] = [];
  let writtenBytes = 0;
  for await (const item of blobs.list(CONTAINERS.forecasts, '')) {
    const blob = await blobs.get(CONTAINERS.forecasts, item.name);
    if (!blob) continue;
    writtenBytes += blob.body.length;
    written.push(JSON.parse(blob.body.toString('utf8')));
  }
  const parse: number[] = [];
  const stringify: number[] = [];
  for (let i = 0; i < Math.max(1, runs); i++) {
    const t0 = performance.now();
    for (const body of states) JSON.parse(body.toString('utf8'));
    const t1 = performance.now();
    for (const value of written) Buffer.from(JSON.stringify(value));
    const t2 = performance.now();
    parse.push(t1 - t0);
    stringify.push(t2 - t1);
  }
  const mb = (bytes: number): number => Math.round(bytes / 1e5) / 10;
  return {
    readMB: mb(states.reduce((n, b) => n + b.length, 0)),
    parseMs: Math.round(percentile(parse, 50)),
    writtenMB: mb(writtenBytes),
    stringifyMs: Math.round(percentile(stringify, 50)),
  };
}
