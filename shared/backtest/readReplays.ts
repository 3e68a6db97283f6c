import { readCsvReplay } from '../replay/readCsvReplay';
import { readImageFolderReplay } from '../replay/readImageFolderReplay';
import type { ReplayedHistory } from '../replay/ReplayedHistory';
import type { BacktestPlan } from './BacktestPlan';

/** Reads every source's history named by the plan, in configuration order. */
export async function readReplays(
  plan: BacktestPlan,
  onProgress?: (source: string, done: number, total: number) => void,
): Promise<Map<string, ReplayedHistory>> {
  const { config } = plan;
  const out = new Map<string, ReplayedHistory>();
  for (const s of plan.sources) {
    const source = config.sources.find((c) => c.id === s.id);
    if (!source) continue;
    const target = config.target.source === s.id ? { field: config.target.field, unit: config.target.unit } : undefined;
    const info = { id: s.id, fields: source.fields, ...(target ? { target } : {}) };
    const r = s.spec.replay;
    onProgress?.(s.id, 0, 1);
    const history =
      r.kind === 'csv'
        ? readCsvReplay(r, s.path, info, s.shownAs)
        : await readImageFolderReplay(
            r,
            s.path,
            { ...info, maxImageBytes: source.maxImageBytes, ...(source.camera ? { camera: source.camera } : {}) },
            (done, total) => onProgress?.(s.id, done, total),
            s.shownAs,
          );
    onProgress?.(s.id, 1, 1);
    out.set(s.id, history);
  }
  return out;
}
