/** What `npm run bench` measures, and how much of it. */
export interface BenchOptions {
  /** Days of simulated history stored for the park and trained on (trainAndPublish's historyDays). */
  days: number;
  /** The history ends here; warm predictions run over the issue slots of the hours before it. */
  end: Date;
  /** Seed of the simulated world. */
  seed: number;
  /** Timed warm predictAll runs through the real stores (after a few untimed ones). */
  warmRuns: number;
  /** Timed cold runs inside one process: a new runtime, registry, model source and clients each time. */
  coldRuns: number;
  /** Fresh Node processes started to time a worker's first forecast from process start. */
  coldStarts: number;
  /** Site counts whose batched throughput is measured. */
  sites: number[];
  /** Site counts up to this one also run end to end through Azurite and the Cosmos server. */
  maxStoreSites: number;
  /** Timed predictAll runs per site count up to LARGE_SITE_COUNT, after an untimed one. */
  throughputRuns: number;
  /** Timed runs per larger site count: each is a full pass over every site, so one is usually enough. */
  largeRuns: number;
  /** Hours of recent observations merged into the recent states for every extra site of the store throughput runs. */
  recentHours: number;
}

export const DEFAULT_BENCH_OPTIONS: BenchOptions = {
  days: 7,
  // Midday in June: the sun is up, so the chosen models are the ones that matter, not the night baseline.
  end: new Date('2026-06-29T12:00:00Z'),
  seed: 42,
  warmRuns: 50,
  coldRuns: 10,
  coldStarts: 5,
  sites: [1, 100, 10_000],
  maxStoreSites: 10_000,
  throughputRuns: 3,
  largeRuns: 1,
  // Two hours give the 12 live delays a staleness limit is learned from.
  recentHours: 2,
};

/** Site counts above this get `largeRuns` timed runs (after an untimed one, as every count). */
export const LARGE_SITE_COUNT = 1_000;
