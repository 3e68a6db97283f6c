import type { JsonVolume } from './jsonVolume';
import type { BlobRequestCounts } from './CountingBlobStore';
import type { LatencySummary } from './summarizeLatency';

/** The machine the figures were measured on. */
export interface MachineInfo {
  cpuModel: string;
  cores: number;
  totalMemoryGb: number;
  node: string;
  platform: string;
  /** 1, 5 and 15 minute load averages when the bench started: the machine may be shared. */
  loadAverage: number[];
}

/** Peak memory of one phase, measured in its own process. */
export interface PhaseMemory {
  phase: string;
  /** process.resourceUsage().maxRSS: the kernel's peak resident set of the process (native memory included). */
  maxRssMb: number;
  /** The largest process.memoryUsage().heapUsed seen (sampled every 20 ms and at the end of each step). */
  heapUsedPeakMb: number;
}

/** The history written to Azurite before anything is measured. */
export interface HistoryFigures {
  site: string;
  days: number;
  from: string;
  to: string;
  /** Observations of the park stored through ObservationStore.putIfAbsent. */
  observations: number;
  /** Extra sites of the store throughput runs, and their recent observations. */
  extraSites: number;
  extraObservations: number;
  simulateSeconds: number;
  writeSeconds: number;
  /** Building the sources' recent states (the park's from its blobs, then the extra sites merged in). */
  stateSeconds: number;
}

/** trainAndPublish over the stored history. */
export interface TrainingFigures {
  /** The whole trainAndPublish call. */
  seconds: number;
  /** Its parts, from its progress steps: reading the history from blobs, training + ONNX export + parity checks, comparing and publishing. */
  readSeconds: number;
  trainSeconds: number;
  publishSeconds: number;
  historyDays: number;
  trainingRows: number;
  heldOutRows: number;
  sourceSets: number;
  families: string[];
  modelsTrained: number;
  modelsKept: number;
  /** Bytes of the ONNX files of the published version (what a cold start loads). */
  bundleBytes: number;
  version: string;
  promoted: boolean;
  notes: string[];
}

/** Warm predict of one site: the real path through the stores, and its compute part alone. */
export interface WarmFigures {
  /** predictAll with an ObservationStore over Azurite, the Cosmos forecast store and the registry's models. */
  stores: LatencySummary;
  /** Blob Storage calls per warm run (plus one Cosmos DB bulk write of its forecasts). */
  blobRequestsPerRun: BlobRequestCounts;
  /** gatherInputs over the same observations in memory + chooseModel + the batched ONNX run, and each part. */
  compute: { total: LatencySummary; gather: LatencySummary; choose: LatencySummary; onnx: LatencySummary };
  /** Issue slots cycled through. */
  slots: number;
  /** Which model the timed runs chose, with counts. */
  modelsChosen: Record<string, number>;
}

/** Cold predict: every model of the champion version loaded before the first forecast. */
export interface ColdFigures {
  /** In a warm process: a new OnnxModelRuntime, ModelRegistry, RegistryModelSource and clients, then predictAll. */
  inProcess: { total: LatencySummary; modelLoad: LatencySummary };
  /** Sessions created per cold run (the version's models plus the built-in baselines: smart persistence, persistence). */
  models: number;
  /** A new Node process each time, as a newly started Functions worker: from process start to its first forecast. */
  processStart: {
    firstForecast: LatencySummary;
    modules: LatencySummary;
    services: LatencySummary;
    modelLoad: LatencySummary;
    predict: LatencySummary;
    secondPredict: LatencySummary;
  };
}

/** Batched prediction of many sites in one run. */
export interface ThroughputFigures {
  sites: number;
  /** `stores`: predictAll through Azurite and the Cosmos server; `memory`: predictAll over in-memory stores. */
  path: 'stores' | 'memory';
  runs: number;
  /** Median seconds of one predictAll run for every site. */
  medianSeconds: number;
  forecastsPerSecond: number;
  /** Forecasts per run (sites that got one). */
  forecasts: number;
  /** ONNX runs per predictAll: one per model chosen by any site. */
  batches: number;
  /**
   * The median run split at its first write: reading the states (and listings) and computing every forecast, then
   * writing them (blob copy and forecast store upsert per forecast, the upserts' share apart); and the blob requests
   * of one run.
   */
  split?: {
    readComputeSeconds: number;
    writeSeconds: number;
    upsertSeconds: number;
    blobLists: number;
    blobGets: number;
    blobPuts: number;
  };
  /** memory only: the compute part alone (median ms of gather, choose, ONNX over the same sites) and its rate. */
  compute?: { gatherMs: number; chooseMs: number; onnxMs: number; forecastsPerSecond: number };
  /** memory only: the run's JSON alone (its states parsed, its written blobs serialized), the floor of the formats. */
  json?: JsonVolume;
}

/** Everything `npm run bench` measured. */
export interface BenchReport {
  machine: MachineInfo;
  startedAt: string;
  wallSeconds: number;
  options: Record<string, unknown>;
  history: HistoryFigures;
  training: TrainingFigures;
  warm: WarmFigures;
  cold: ColdFigures;
  throughput: ThroughputFigures[];
  memory: PhaseMemory[];
  notes: string[];
}
