import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** One price or SLA figure, with where it came from. */
export interface PriceEntry {
  value: number;
  unit: string;
  /** A key of `PriceTable.sources`. */
  source: string;
  /** The Azure Retail Prices API meter to look it up again. */
  meter?: string;
  /** Set when the figure is not read off the cited page (remembered, derived or chosen). */
  assumption?: string;
}

/** The price table (`config/cost/prices.json`): list prices and SLAs, each naming its source page. */
export interface PriceTable {
  title: string;
  currency: string;
  region: string;
  offer: string;
  compiledOn: string;
  regionNote: string;
  hoursPerMonth: number;
  sources: Record<string, { title: string; url: string }>;
  functions: Record<
    | 'onDemandPerGbSecond'
    | 'onDemandPerMillionExecutions'
    | 'freeGbSecondsPerMonth'
    | 'freeExecutionsPerMonth'
    | 'minimumBillableMs'
    | 'billingIncrementMs',
    PriceEntry
  >;
  blobStorage: Record<'capacityPerGbMonth' | 'writePer10k' | 'listPer10k' | 'readPer10k' | 'otherPer10k', PriceEntry>;
  cosmosDb: Record<'perMillionRu' | 'storagePerGbMonth', PriceEntry>;
  logAnalytics: Record<'perGbIngested' | 'freeGbPerMonth', PriceEntry>;
  eventGrid: Record<'perMillionOperations' | 'freeOperationsPerMonth', PriceEntry>;
  /** Queue Storage (predict's shards): Class 1 (send) and Class 2 (get, delete) operations. */
  queueStorage: Record<'class1Per10k' | 'class2Per10k', PriceEntry>;
  alwaysOn: { vmSize: string } & Record<'vmPerHour' | 'osDiskPerMonth' | 'publicIpPerHour', PriceEntry>;
  sla: Record<
    | 'functionsFlexConsumption'
    | 'storageLrsHot'
    | 'cosmosDbServerlessSingleRegion'
    | 'eventGrid'
    | 'singleVmStandardSsd',
    PriceEntry
  >;
}

/** The shipped price table. */
export const DEFAULT_PRICE_TABLE_FILE = resolve(__dirname, '../../../config/cost/prices.json');

const REQUIRED: Record<string, string[]> = {
  functions: [
    'onDemandPerGbSecond',
    'onDemandPerMillionExecutions',
    'freeGbSecondsPerMonth',
    'freeExecutionsPerMonth',
    'minimumBillableMs',
    'billingIncrementMs',
  ],
  blobStorage: ['capacityPerGbMonth', 'writePer10k', 'listPer10k', 'readPer10k', 'otherPer10k'],
  cosmosDb: ['perMillionRu', 'storagePerGbMonth'],
  logAnalytics: ['perGbIngested', 'freeGbPerMonth'],
  eventGrid: ['perMillionOperations', 'freeOperationsPerMonth'],
  queueStorage: ['class1Per10k', 'class2Per10k'],
  alwaysOn: ['vmPerHour', 'osDiskPerMonth', 'publicIpPerHour'],
  sla: [
    'functionsFlexConsumption',
    'storageLrsHot',
    'cosmosDbServerlessSingleRegion',
    'eventGrid',
    'singleVmStandardSsd',
  ],
};

/** Reads and checks a price table; the error names every bad entry by its path. */
export function loadPriceTable(file: string = DEFAULT_PRICE_TABLE_FILE): PriceTable {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`price table ${file}: ${(err as Error).message}`);
  }
  const problems = checkPriceTable(raw);
  if (problems.length > 0) throw new Error(`price table ${file} is invalid:\n  ${problems.join('\n  ')}`);
  return raw as PriceTable;
}

/** Every problem of a price table, as `path: what is wrong`; empty when it is usable. */
export function checkPriceTable(raw: unknown): string[] {
  const problems: string[] = [];
  const t = (raw ?? {}) as Record<string, unknown>;
  const sources = (t['sources'] ?? {}) as Record<string, unknown>;
  for (const key of ['currency', 'region', 'compiledOn'])
    if (typeof t[key] !== 'string' || t[key] === '') problems.push(`${key}: expected a non-empty string`);
  if (!(typeof t['hoursPerMonth'] === 'number' && t['hoursPerMonth'] > 0))
    problems.push('hoursPerMonth: expected a positive number');
  for (const [group, keys] of Object.entries(REQUIRED)) {
    const g = (t[group] ?? {}) as Record<string, unknown>;
    for (const key of keys) {
      const e = g[key] as Partial<PriceEntry> | undefined;
      const path = `${group}.${key}`;
      if (!e || typeof e !== 'object') problems.push(`${path}: missing`);
      else if (typeof e.value !== 'number' || !Number.isFinite(e.value) || e.value < 0)
        problems.push(`${path}.value: expected a number >= 0 (got ${JSON.stringify(e.value)})`);
      else if (group === 'sla' && e.value > 100)
        problems.push(`${path}.value: a percentage, at most 100 (got ${e.value})`);
      else if (typeof e.source !== 'string' || !(e.source in sources))
        problems.push(`${path}.source: ${JSON.stringify(e.source)} is not a key of "sources"`);
    }
  }
  return problems;
}
