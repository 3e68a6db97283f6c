import type { BenchOptions } from './BenchOptions';
import type { HistoryFigures, PhaseMemory, ThroughputFigures, TrainingFigures, WarmFigures } from './BenchReport';
import type { ColdInProcess } from './benchPredictCold';
import type { StoreSettings } from './StoreSettings';

/** BenchOptions as they cross a process boundary (JSON): the time as ISO text. */
export type BenchOptionsJson = Omit<BenchOptions, 'end'> & { end: string };

/** What one bench child process is asked to run. */
export type PhaseRequest =
  | { phase: 'populate' | 'train' | 'warm' | 'cold'; stores: StoreSettings; options: BenchOptionsJson }
  | { phase: 'throughput'; stores: StoreSettings; options: BenchOptionsJson; sites: number; path: 'stores' | 'memory' };

/** What each phase answers. */
export interface PhaseResults {
  populate: HistoryFigures;
  train: TrainingFigures;
  warm: WarmFigures;
  cold: ColdInProcess;
  throughput: ThroughputFigures;
}

/** The child's one message back: its result and its peak memory, or why it failed. */
export type PhaseReply = { ok: true; result: unknown; memory: PhaseMemory } | { ok: false; error: string };
